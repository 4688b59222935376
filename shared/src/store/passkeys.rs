//! The passkey port: ceremonies (single use, by the keyed hash of their id) and the passkeys
//! themselves (one credential one account, a bounded number per account, counters that only
//! move from the value read).

use super::StoreResult;
use crate::domain::{
    AddPasskeyDenied, AuditRecord, Ceremony, Passkey, PasskeyId, PasskeyUse, UserId,
};
use async_trait::async_trait;

#[async_trait]
pub trait PasskeyStore: Send + Sync {
    /// Spends one of the source IP's ceremony starts in hour `hour_window`, at most `max`:
    /// false (and nothing spent) when none is left.
    async fn spend_ceremony_start(
        &self,
        ip: &str,
        hour_window: i64,
        max: u32,
        now_ms: i64,
    ) -> StoreResult<bool>;
    /// Stores a started ceremony under `id_hash` (expiring after `c.expires_at_ms`).
    async fn put_ceremony(&self, id_hash: &str, c: &Ceremony) -> StoreResult<()>;
    /// Removes the ceremony and returns it: of any number of callers at once, exactly one gets
    /// it. Expiry is the caller's to check ([`Ceremony::fits`]).
    async fn take_ceremony(&self, id_hash: &str) -> StoreResult<Option<Ceremony>>;
    /// Adds `p` in one atomic step: its credential registered to no account, the user existing
    /// and not being deleted, and holding fewer than `max` passkeys.
    async fn add_passkey(&self, p: &Passkey, max: u32)
    -> StoreResult<Result<(), AddPasskeyDenied>>;
    /// The user's passkeys, oldest first (one key query).
    async fn list_passkeys(&self, user_id: &UserId) -> StoreResult<Vec<Passkey>>;
    /// The passkey holding credential `credential_id` (base64url), whoever's it is.
    async fn passkey_by_credential(&self, credential_id: &str) -> StoreResult<Option<Passkey>>;
    /// Records a verified use, only if the passkey still exists with counter `u.counter_was`:
    /// of two uses read at one counter, one is recorded. True when recorded.
    async fn record_passkey_use(&self, u: &PasskeyUse) -> StoreResult<bool>;
    /// Removes the passkey and its credential claim, with `audit` (an admin's removal) in the
    /// same atomic step. The removed passkey; `None` when the user had no such passkey.
    async fn remove_passkey(
        &self,
        user_id: &UserId,
        passkey_id: &PasskeyId,
        audit: Option<&AuditRecord>,
    ) -> StoreResult<Option<Passkey>>;
}
