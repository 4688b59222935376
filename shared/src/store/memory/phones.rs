//! Phone changes: token, both phone claims, the user and its kept session in one critical
//! section (locks in the module's order: verifications, users, sessions).

use super::{MemoryStore, key, lock, valid_token};
use crate::store::{PhoneChange, PhoneChangeDenied, PhoneStore, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl PhoneStore for MemoryStore {
    async fn change_phone(&self, c: &PhoneChange) -> StoreResult<Result<(), PhoneChangeDenied>> {
        let mut v = lock(&self.verifications);
        let mut d = lock(&self.users);
        let mut sessions = lock(&self.sessions);
        if !valid_token(&v, &c.token_hash, &c.new_phone, c.now_ms) {
            return Ok(Err(PhoneChangeDenied::TokenInvalid));
        }
        if d.phones.contains_key(&c.new_phone) {
            return Ok(Err(PhoneChangeDenied::PhoneTaken));
        }
        let kept = key(&c.user_id, &c.keep_session);
        let current = d
            .users
            .get(&c.user_id)
            .is_some_and(|u| u.phone == c.old_phone)
            && d.phones.get(&c.old_phone) == Some(&c.user_id)
            && sessions.contains_key(&kept);
        if !current {
            return Ok(Err(PhoneChangeDenied::Stale));
        }
        v.remove(&c.token_hash);
        d.phones.remove(&c.old_phone);
        d.phones.insert(c.new_phone.clone(), c.user_id.clone());
        if let Some(u) = d.users.get_mut(&c.user_id) {
            u.phone = c.new_phone.clone();
            u.session_epoch = c.new_epoch;
            u.updated_at_ms = c.now_ms;
        }
        if let Some(s) = sessions.get_mut(&kept) {
            s.epoch = c.new_epoch;
        }
        Ok(Ok(()))
    }
}
