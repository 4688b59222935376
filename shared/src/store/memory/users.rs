//! Accounts, phone claims and the password lockout.

use super::{MemoryStore, key, lock, valid_token};
use crate::domain::{ClosedWallet, E164, Loan, User, UserId, UserStatus};
use crate::store::{CreateUserDenied, PasswordChange, StoreResult, UserStore};
use async_trait::async_trait;

#[async_trait]
impl UserStore for MemoryStore {
    async fn create_user(
        &self,
        user: &User,
        token_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Result<(), CreateUserDenied>> {
        let mut v = lock(&self.verifications);
        let mut d = lock(&self.users);
        if !valid_token(&v, token_hash, &user.phone, now_ms) {
            return Ok(Err(CreateUserDenied::TokenInvalid));
        }
        if d.phones.contains_key(&user.phone) {
            return Ok(Err(CreateUserDenied::PhoneTaken));
        }
        v.remove(token_hash);
        d.phones.insert(user.phone.clone(), user.user_id.clone());
        d.users.insert(user.user_id.clone(), user.clone());
        Ok(Ok(()))
    }

    async fn get_user(&self, user_id: &UserId) -> StoreResult<Option<User>> {
        Ok(lock(&self.users).users.get(user_id).cloned())
    }

    async fn get_users(&self, user_ids: &[UserId]) -> StoreResult<Vec<User>> {
        let d = lock(&self.users);
        Ok(user_ids
            .iter()
            .filter_map(|id| d.users.get(id).cloned())
            .collect())
    }

    async fn user_id_by_phone(&self, phone: &E164) -> StoreResult<Option<UserId>> {
        Ok(lock(&self.users).phones.get(phone).cloned())
    }

    async fn record_login(&self, user_id: &UserId, now_ms: i64) -> StoreResult<()> {
        if let Some(u) = lock(&self.users).users.get_mut(user_id) {
            u.login_count += 1;
            u.last_login_at_ms = Some(now_ms);
        }
        Ok(())
    }

    async fn set_password(&self, change: &PasswordChange) -> StoreResult<bool> {
        let mut v = lock(&self.verifications);
        let mut d = lock(&self.users);
        let mut sessions = lock(&self.sessions);
        let Some(u) = d.users.get_mut(&change.user_id) else {
            return Ok(false);
        };
        if let Some((hash, token_phone)) = &change.consume_token {
            if *token_phone != u.phone || !valid_token(&v, hash, token_phone, change.now_ms) {
                return Ok(false);
            }
            v.remove(hash);
        }
        u.password_hash = Some(change.password_hash.clone());
        u.session_epoch = change.new_epoch;
        u.updated_at_ms = change.now_ms;
        if let Some(sid) = &change.keep_session
            && let Some(s) = sessions.get_mut(&key(&change.user_id, sid))
        {
            s.epoch = change.new_epoch;
        }
        Ok(true)
    }

    async fn set_user_status(
        &self,
        user_id: &UserId,
        status: UserStatus,
        new_epoch: u64,
    ) -> StoreResult<bool> {
        Ok(match lock(&self.users).users.get_mut(user_id) {
            Some(u) => {
                u.status = status;
                u.session_epoch = new_epoch;
                true
            }
            None => false,
        })
    }

    async fn begin_deletion(&self, user_id: &UserId, now_ms: i64) -> StoreResult<bool> {
        Ok(match lock(&self.users).users.get_mut(user_id) {
            Some(u) => {
                u.deleting_since_ms.get_or_insert(now_ms);
                true
            }
            None => false,
        })
    }

    async fn end_deletion(&self, user_id: &UserId) -> StoreResult<()> {
        if let Some(u) = lock(&self.users).users.get_mut(user_id) {
            u.deleting_since_ms = None;
        }
        Ok(())
    }

    async fn delete_user(
        &self,
        user: &User,
        phone_ref: &str,
        now_ms: i64,
    ) -> StoreResult<Option<ClosedWallet>> {
        let mut d = lock(&self.users);
        let mut sessions = lock(&self.sessions);
        let mut devices = lock(&self.devices);
        let uid = &user.user_id;
        d.users.remove(uid);
        if d.phones.get(&user.phone) == Some(uid) {
            d.phones.remove(&user.phone);
        }
        sessions.retain(|(u, _), _| u != uid);
        devices.retain(|(u, _), _| u != uid);
        if let Some(k) = d.kyc.remove(uid) {
            d.documents.remove(&(k.document_hash, uid.clone()));
        }
        d.ledger.retain(|(u, _), _| u != uid);
        d.adjustments.retain(|(u, _), _| u != uid);
        d.passkeys.remove_user(uid);
        let loans = d.loans.remove_user(uid);
        let wallet = d.wallets.remove(uid).unwrap_or_default();
        let summaries = loans.iter().map(Loan::summary).collect();
        let closed = ClosedWallet::of(uid, phone_ref, &wallet, summaries, now_ms);
        if let Some(c) = &closed {
            d.closed_wallets.insert(uid.clone(), c.clone());
        }
        Ok(closed)
    }
}
