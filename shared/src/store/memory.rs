//! The embedded in-memory store (local server and tests). One mutex makes every trait
//! operation a critical section, giving the same guarantees as the DynamoDB conditions.

use super::{CreateUserDenied, PasswordChange, Store, StoreResult};
use crate::model::{
    Device, JoinDenied, LeaveDenied, Membership, OtpRecord, Pool, SendDenied, SendPlan, Session,
    User, Verification,
};
use async_trait::async_trait;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

#[derive(Default)]
struct Data {
    cooldowns: HashMap<String, (i64, String)>,
    counters: HashMap<String, u32>,
    otps: HashMap<String, OtpRecord>,
    verifications: HashMap<String, Verification>,
    /// phone → (consecutive failures, locked until)
    login_failures: HashMap<String, (u32, Option<i64>)>,
    users: HashMap<String, User>,
    phones: HashMap<String, String>,
    sessions: BTreeMap<(String, String), Session>,
    devices: BTreeMap<(String, String), Device>,
    pools: HashMap<String, Pool>,
    /// (pool_id, user_id) → joined_at_ms
    members: BTreeMap<(String, String), i64>,
}

#[derive(Default)]
pub struct MemoryStore {
    data: Mutex<Data>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Data> {
        // A poisoned lock only means another request panicked mid-way; the data is still whole
        // because every operation validates before it mutates.
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn counter_keys(plan: &SendPlan) -> [String; 3] {
    [
        format!("H#{}#{}", plan.phone, plan.hour_window),
        format!("D#{}#{}", plan.phone, plan.day_window),
        format!("IP#{}#{}", plan.ip, plan.hour_window),
    ]
}

#[async_trait]
impl Store for MemoryStore {
    async fn reserve_otp_send(&self, plan: &SendPlan) -> StoreResult<Result<(), SendDenied>> {
        let mut d = self.lock();
        if let Some((until, _)) = d.cooldowns.get(&plan.phone)
            && *until > plan.now_ms
        {
            return Ok(Err(SendDenied::Cooldown { until_ms: *until }));
        }
        let keys = counter_keys(plan);
        let limits = [
            (plan.max_per_hour, SendDenied::PhoneHour),
            (plan.max_per_day, SendDenied::PhoneDay),
            (plan.max_per_ip_hour, SendDenied::IpHour),
        ];
        for (key, (max, denial)) in keys.iter().zip(limits) {
            if d.counters.get(key).copied().unwrap_or(0) >= max {
                return Ok(Err(denial));
            }
        }
        for key in keys {
            *d.counters.entry(key).or_insert(0) += 1;
        }
        d.cooldowns.insert(
            plan.phone.clone(),
            (plan.cooldown_until_ms, plan.nonce.clone()),
        );
        Ok(Ok(()))
    }

    async fn release_otp_send(&self, plan: &SendPlan) -> StoreResult<()> {
        let mut d = self.lock();
        if d.cooldowns
            .get(&plan.phone)
            .is_some_and(|(_, n)| *n == plan.nonce)
        {
            d.cooldowns.remove(&plan.phone);
        }
        for key in counter_keys(plan) {
            if let Some(c) = d.counters.get_mut(&key) {
                *c = c.saturating_sub(1);
            }
        }
        Ok(())
    }

    async fn put_otp(&self, rec: &OtpRecord) -> StoreResult<()> {
        self.lock().otps.insert(rec.phone.clone(), rec.clone());
        Ok(())
    }

    async fn get_otp(&self, phone: &str) -> StoreResult<Option<OtpRecord>> {
        Ok(self.lock().otps.get(phone).cloned())
    }

    async fn delete_otp(&self, phone: &str, code_hash: &str) -> StoreResult<()> {
        let mut d = self.lock();
        if d.otps.get(phone).is_some_and(|o| o.code_hash == code_hash) {
            d.otps.remove(phone);
        }
        Ok(())
    }

    async fn record_otp_failure(&self, phone: &str, code_hash: &str) -> StoreResult<Option<u32>> {
        let mut d = self.lock();
        match d.otps.get_mut(phone) {
            Some(o) if o.code_hash == code_hash && o.attempts < o.max_attempts => {
                o.attempts += 1;
                Ok(Some(o.attempts))
            }
            _ => Ok(None),
        }
    }

    async fn consume_otp(&self, phone: &str, code_hash: &str, now_ms: i64) -> StoreResult<bool> {
        let mut d = self.lock();
        let ok = d.otps.get(phone).is_some_and(|o| {
            o.code_hash == code_hash && o.attempts < o.max_attempts && o.expires_at_ms > now_ms
        });
        if ok {
            d.otps.remove(phone);
        }
        Ok(ok)
    }

    async fn put_verification(&self, v: &Verification) -> StoreResult<()> {
        self.lock()
            .verifications
            .insert(v.token_hash.clone(), v.clone());
        Ok(())
    }

    async fn get_verification(&self, token_hash: &str) -> StoreResult<Option<Verification>> {
        Ok(self.lock().verifications.get(token_hash).cloned())
    }

    async fn consume_verification(
        &self,
        token_hash: &str,
        phone: &str,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let mut d = self.lock();
        let ok = valid_token(&d, token_hash, phone, now_ms);
        if ok {
            d.verifications.remove(token_hash);
        }
        Ok(ok)
    }

    async fn create_user(
        &self,
        user: &User,
        token_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Result<(), CreateUserDenied>> {
        let mut d = self.lock();
        if !valid_token(&d, token_hash, &user.phone, now_ms) {
            return Ok(Err(CreateUserDenied::TokenInvalid));
        }
        if d.phones.contains_key(&user.phone) {
            return Ok(Err(CreateUserDenied::PhoneTaken));
        }
        d.verifications.remove(token_hash);
        d.phones.insert(user.phone.clone(), user.user_id.clone());
        d.users.insert(user.user_id.clone(), user.clone());
        Ok(Ok(()))
    }

    async fn get_user(&self, user_id: &str) -> StoreResult<Option<User>> {
        Ok(self.lock().users.get(user_id).cloned())
    }

    async fn user_id_by_phone(&self, phone: &str) -> StoreResult<Option<String>> {
        Ok(self.lock().phones.get(phone).cloned())
    }

    async fn login_locked_until(&self, phone: &str, now_ms: i64) -> StoreResult<Option<i64>> {
        Ok(self
            .lock()
            .login_failures
            .get(phone)
            .and_then(|(_, until)| *until)
            .filter(|until| *until > now_ms))
    }

    async fn record_login_failure(
        &self,
        phone: &str,
        max: u32,
        lock_until_ms: i64,
    ) -> StoreResult<u32> {
        let mut d = self.lock();
        let entry = d
            .login_failures
            .entry(phone.to_string())
            .or_insert((0, None));
        entry.0 += 1;
        let count = entry.0;
        if count >= max {
            *entry = (0, Some(lock_until_ms));
        }
        Ok(count)
    }

    async fn clear_login_failures(&self, phone: &str) -> StoreResult<()> {
        self.lock().login_failures.remove(phone);
        Ok(())
    }

    async fn record_login(&self, user_id: &str, now_ms: i64) -> StoreResult<()> {
        if let Some(u) = self.lock().users.get_mut(user_id) {
            u.login_count += 1;
            u.last_login_at_ms = Some(now_ms);
        }
        Ok(())
    }

    async fn set_password(&self, change: &PasswordChange) -> StoreResult<bool> {
        let mut d = self.lock();
        let Some(phone) = d.users.get(&change.user_id).map(|u| u.phone.clone()) else {
            return Ok(false);
        };
        if let Some((hash, token_phone)) = &change.consume_token {
            if *token_phone != phone || !valid_token(&d, hash, token_phone, change.now_ms) {
                return Ok(false);
            }
            d.verifications.remove(hash);
        }
        if let Some(u) = d.users.get_mut(&change.user_id) {
            u.password_hash = Some(change.password_hash.clone());
            u.session_epoch = change.new_epoch;
            u.updated_at_ms = change.now_ms;
        }
        if let Some(sid) = &change.keep_session
            && let Some(s) = d.sessions.get_mut(&(change.user_id.clone(), sid.clone()))
        {
            s.epoch = change.new_epoch;
        }
        Ok(true)
    }

    async fn set_user_status(
        &self,
        user_id: &str,
        status: &str,
        new_epoch: u64,
    ) -> StoreResult<bool> {
        Ok(match self.lock().users.get_mut(user_id) {
            Some(u) => {
                u.status = status.to_string();
                u.session_epoch = new_epoch;
                true
            }
            None => false,
        })
    }

    async fn delete_user(&self, user: &User) -> StoreResult<()> {
        let mut d = self.lock();
        d.users.remove(&user.user_id);
        if d.phones.get(&user.phone) == Some(&user.user_id) {
            d.phones.remove(&user.phone);
        }
        d.sessions.retain(|(uid, _), _| *uid != user.user_id);
        d.devices.retain(|(uid, _), _| *uid != user.user_id);
        Ok(())
    }

    async fn put_session(&self, s: &Session) -> StoreResult<()> {
        self.lock()
            .sessions
            .insert((s.user_id.clone(), s.session_id.clone()), s.clone());
        Ok(())
    }

    async fn get_session(&self, user_id: &str, session_id: &str) -> StoreResult<Option<Session>> {
        Ok(self
            .lock()
            .sessions
            .get(&(user_id.to_string(), session_id.to_string()))
            .cloned())
    }

    async fn list_sessions(&self, user_id: &str) -> StoreResult<Vec<Session>> {
        Ok(self
            .lock()
            .sessions
            .iter()
            .filter(|((uid, _), _)| uid == user_id)
            .map(|(_, s)| s.clone())
            .collect())
    }

    async fn delete_session(&self, user_id: &str, session_id: &str) -> StoreResult<bool> {
        Ok(self
            .lock()
            .sessions
            .remove(&(user_id.to_string(), session_id.to_string()))
            .is_some())
    }

    async fn rotate_session(
        &self,
        user_id: &str,
        session_id: &str,
        from: u64,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> StoreResult<bool> {
        let mut d = self.lock();
        match d
            .sessions
            .get_mut(&(user_id.to_string(), session_id.to_string()))
        {
            Some(s) if s.generation == from => {
                s.generation = from + 1;
                s.rotated_at_ms = Some(now_ms);
                s.last_used_at_ms = now_ms;
                s.expires_at_ms = expires_at_ms;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn put_device(&self, user_id: &str, device: &Device, _now_ms: i64) -> StoreResult<()> {
        self.lock().devices.insert(
            (user_id.to_string(), device.device_id.clone()),
            device.clone(),
        );
        Ok(())
    }

    async fn list_devices(&self, user_id: &str) -> StoreResult<Vec<Device>> {
        Ok(self
            .lock()
            .devices
            .iter()
            .filter(|((uid, _), _)| uid == user_id)
            .map(|(_, d)| d.clone())
            .collect())
    }

    async fn create_pool(&self, pool: &Pool) -> StoreResult<bool> {
        let mut d = self.lock();
        if d.pools.contains_key(&pool.pool_id) {
            return Ok(false);
        }
        d.pools.insert(pool.pool_id.clone(), pool.clone());
        Ok(true)
    }

    async fn get_pool(&self, pool_id: &str) -> StoreResult<Option<Pool>> {
        Ok(self.lock().pools.get(pool_id).cloned())
    }

    async fn join_pool(
        &self,
        pool_id: &str,
        user_id: &str,
        joined_at_ms: i64,
        today: &str,
    ) -> StoreResult<Result<Pool, JoinDenied>> {
        let mut d = self.lock();
        let key = (pool_id.to_string(), user_id.to_string());
        let member = d.members.contains_key(&key);
        let Some(pool) = d.pools.get_mut(pool_id) else {
            return Ok(Err(JoinDenied::NotFound));
        };
        if today > pool.deadline.as_str() {
            return Ok(Err(JoinDenied::Closed));
        }
        if member {
            return Ok(Err(JoinDenied::AlreadyMember));
        }
        if pool.joined_members >= pool.total_members {
            return Ok(Err(JoinDenied::Full));
        }
        pool.joined_members += 1;
        let pool = pool.clone();
        d.members.insert(key, joined_at_ms);
        Ok(Ok(pool))
    }

    async fn leave_pool(
        &self,
        pool_id: &str,
        user_id: &str,
        today: &str,
    ) -> StoreResult<Result<Pool, LeaveDenied>> {
        let mut d = self.lock();
        let key = (pool_id.to_string(), user_id.to_string());
        let member = d.members.contains_key(&key);
        let Some(pool) = d.pools.get_mut(pool_id) else {
            return Ok(Err(LeaveDenied::NotFound));
        };
        if today > pool.deadline.as_str() {
            return Ok(Err(LeaveDenied::Closed));
        }
        if !member {
            return Ok(Err(LeaveDenied::NotFound));
        }
        pool.joined_members = pool.joined_members.saturating_sub(1);
        let pool = pool.clone();
        d.members.remove(&key);
        Ok(Ok(pool))
    }

    async fn pools_owned(&self, user_id: &str) -> StoreResult<Vec<Pool>> {
        let d = self.lock();
        Ok(d.pools
            .values()
            .filter(|p| p.owner_id == user_id)
            .cloned()
            .collect())
    }

    async fn pools_joined(&self, user_id: &str) -> StoreResult<Vec<Pool>> {
        let d = self.lock();
        Ok(d.members
            .keys()
            .filter(|(_, uid)| uid == user_id)
            .filter_map(|(pid, _)| d.pools.get(pid).cloned())
            .collect())
    }

    async fn pool_members(&self, pool_id: &str) -> StoreResult<Vec<Membership>> {
        Ok(self
            .lock()
            .members
            .iter()
            .filter(|((pid, _), _)| pid == pool_id)
            .map(|((pid, uid), at)| Membership {
                pool_id: pid.clone(),
                user_id: uid.clone(),
                joined_at_ms: *at,
            })
            .collect())
    }

    async fn is_member(&self, pool_id: &str, user_id: &str) -> StoreResult<bool> {
        Ok(self
            .lock()
            .members
            .contains_key(&(pool_id.to_string(), user_id.to_string())))
    }

    async fn remove_user_from_pools(&self, user_id: &str) -> StoreResult<()> {
        let mut d = self.lock();
        let held: Vec<String> = d
            .members
            .keys()
            .filter(|(_, uid)| uid == user_id)
            .map(|(pid, _)| pid.clone())
            .collect();
        for pid in held {
            d.members.remove(&(pid.clone(), user_id.to_string()));
            if let Some(p) = d.pools.get_mut(&pid) {
                p.joined_members = p.joined_members.saturating_sub(1);
            }
        }
        Ok(())
    }
}

fn valid_token(d: &Data, token_hash: &str, phone: &str, now_ms: i64) -> bool {
    d.verifications
        .get(token_hash)
        .is_some_and(|v| v.phone == phone && v.expires_at_ms > now_ms)
}
