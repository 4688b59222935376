//! The passkey port on the in-memory store: passkeys are part of the users aggregate (an
//! account deletion removes them under the same lock); ceremonies have their own lock, never
//! held with another.

use super::{MemoryStore, lock, spend_one};
use crate::domain::{
    AddPasskeyDenied, AuditRecord, Ceremony, Passkey, PasskeyId, PasskeyUse, UserId,
};
use crate::store::{PasskeyStore, StoreResult};
use async_trait::async_trait;
use std::collections::{BTreeMap, HashMap};

/// Every account's passkeys and the claim of each credential id.
#[derive(Default)]
pub(super) struct Passkeys {
    by_user: BTreeMap<(UserId, PasskeyId), Passkey>,
    /// credential id → (user, passkey)
    credentials: HashMap<String, (UserId, PasskeyId)>,
}

impl Passkeys {
    /// Removes every passkey of `user_id` (account deletion).
    pub(super) fn remove_user(&mut self, user_id: &UserId) {
        self.by_user.retain(|(u, _), _| u != user_id);
        self.credentials.retain(|_, (u, _)| u != user_id);
    }
}

/// Started ceremonies and the per-IP counts of starts.
#[derive(Default)]
pub(super) struct Ceremonies {
    started: HashMap<String, Ceremony>,
    /// (ip, hour window) → ceremonies started
    starts: HashMap<(String, i64), u32>,
}

#[async_trait]
impl PasskeyStore for MemoryStore {
    async fn spend_ceremony_start(
        &self,
        ip: &str,
        hour_window: i64,
        max: u32,
        _now_ms: i64,
    ) -> StoreResult<bool> {
        let mut c = lock(&self.ceremonies);
        let used = c.starts.entry((ip.to_string(), hour_window)).or_insert(0);
        Ok(spend_one(used, max))
    }

    async fn put_ceremony(&self, id_hash: &str, c: &Ceremony) -> StoreResult<()> {
        let mut all = lock(&self.ceremonies);
        all.started.insert(id_hash.to_string(), c.clone());
        Ok(())
    }

    async fn take_ceremony(&self, id_hash: &str) -> StoreResult<Option<Ceremony>> {
        Ok(lock(&self.ceremonies).started.remove(id_hash))
    }

    async fn add_passkey(
        &self,
        p: &Passkey,
        max: u32,
    ) -> StoreResult<Result<(), AddPasskeyDenied>> {
        let mut d = lock(&self.users);
        match d.users.get(&p.user_id) {
            Some(u) if u.deleting_since_ms.is_none() => {}
            _ => return Ok(Err(AddPasskeyDenied::NoAccount)),
        }
        let keys = &mut d.passkeys;
        if keys.credentials.contains_key(&p.credential_id) {
            return Ok(Err(AddPasskeyDenied::Exists));
        }
        let held = keys.by_user.keys().filter(|(u, _)| *u == p.user_id).count();
        if held >= max as usize {
            return Ok(Err(AddPasskeyDenied::Limit));
        }
        let id = (p.user_id.clone(), p.passkey_id.clone());
        keys.credentials.insert(p.credential_id.clone(), id.clone());
        keys.by_user.insert(id, p.clone());
        Ok(Ok(()))
    }

    async fn list_passkeys(&self, user_id: &UserId) -> StoreResult<Vec<Passkey>> {
        let d = lock(&self.users);
        let mut keys = super::of_user(&d.passkeys.by_user, user_id);
        keys.sort_by_key(|p| p.created_at_ms);
        Ok(keys)
    }

    async fn passkey_by_credential(&self, credential_id: &str) -> StoreResult<Option<Passkey>> {
        let d = lock(&self.users);
        let keys = &d.passkeys;
        Ok(keys
            .credentials
            .get(credential_id)
            .and_then(|id| keys.by_user.get(id))
            .cloned())
    }

    async fn record_passkey_use(&self, u: &PasskeyUse) -> StoreResult<bool> {
        let mut d = lock(&self.users);
        let id = (u.user_id.clone(), u.passkey_id.clone());
        match d.passkeys.by_user.get_mut(&id) {
            Some(p) if p.counter == u.counter_was => {
                p.counter = u.counter;
                p.backed_up = u.backed_up;
                p.last_used_at_ms = Some(u.at_ms);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn remove_passkey(
        &self,
        user_id: &UserId,
        passkey_id: &PasskeyId,
        audit: Option<&AuditRecord>,
    ) -> StoreResult<Option<Passkey>> {
        let mut d = lock(&self.users);
        let id = (user_id.clone(), passkey_id.clone());
        let Some(removed) = d.passkeys.by_user.remove(&id) else {
            return Ok(None);
        };
        d.passkeys.credentials.remove(&removed.credential_id);
        if let Some(a) = audit {
            d.audit.insert(a.sort_key(), a.clone());
        }
        Ok(Some(removed))
    }
}
