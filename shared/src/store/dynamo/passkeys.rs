//! The passkey port on DynamoDB. A passkey is `USER#<id>`/`PASSKEY#<id>`; adding one is one
//! transaction of the passkey, its credential's claim (`CRED#<id>`, absent before), the
//! user's count (`PASSKEYS`, below the cap) and a check of the account (present, not being
//! deleted). Ceremonies live in the `otps` table with a TTL and are taken by a conditional
//! delete that returns them.

use super::expr::{Cmp, Cond, Update};
use super::items::{audit_item, credential_claim_key, profile_key};
use super::keys::{
    CEREMONY_SK, PASSKEY_PREFIX, PASSKEYS_SK, ceremony_hour_sk, ceremony_pk, ip_pk, passkey_sk,
    user_pk,
};
use super::tx::{Transaction, TxOutcome};
use super::{DynamoStore, from_item, key, n, s, string, to_item, to_item_expiring};
use crate::domain::{
    AddPasskeyDenied, AuditRecord, Ceremony, Passkey, PasskeyId, PasskeyUse, UserId,
};
use crate::store::tables::Table;
use crate::store::{PasskeyStore, StoreError, StoreResult};
use async_trait::async_trait;

/// The items of adding or removing a passkey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Account,
    Count,
    Claim,
    Passkey,
    Audit,
}

fn passkey_key(user_id: &str, passkey_id: &str) -> super::Item {
    key(user_pk(user_id), passkey_sk(passkey_id))
}

fn count_key(user_id: &str) -> super::Item {
    key(user_pk(user_id), PASSKEYS_SK)
}

impl DynamoStore {
    /// Why an add was cancelled, read after the fact.
    async fn why_not_added(&self, outcome: &TxOutcome<Role>) -> StoreResult<AddPasskeyDenied> {
        Ok(if outcome.failed(Role::Account) {
            AddPasskeyDenied::NoAccount
        } else if outcome.failed(Role::Claim) {
            AddPasskeyDenied::Exists
        } else if outcome.failed(Role::Count) {
            AddPasskeyDenied::Limit
        } else {
            return Err(StoreError::Unavailable(format!(
                "passkey registration cancelled: {outcome:?}"
            )));
        })
    }
}

#[async_trait]
impl PasskeyStore for DynamoStore {
    async fn spend_ceremony_start(
        &self,
        ip: &str,
        hour_window: i64,
        max: u32,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let k = key(ip_pk(ip), ceremony_hour_sk(hour_window));
        self.spend_one(Table::Otps, k, max, 2 * 3_600, now_ms).await
    }

    async fn put_ceremony(&self, id_hash: &str, c: &Ceremony) -> StoreResult<()> {
        let k = key(ceremony_pk(id_hash), CEREMONY_SK);
        let item = to_item_expiring(c, k, c.expires_at_ms, 60)?;
        self.put(Table::Otps, item).await
    }

    async fn take_ceremony(&self, id_hash: &str) -> StoreResult<Option<Ceremony>> {
        let k = key(ceremony_pk(id_hash), CEREMONY_SK);
        self.take(Table::Otps, k).await?.map(from_item).transpose()
    }

    async fn add_passkey(
        &self,
        p: &Passkey,
        max: u32,
    ) -> StoreResult<Result<(), AddPasskeyDenied>> {
        let t = self.table(Table::Users);
        let uid = p.user_id.as_str();
        let usable = Cond::item_exists().and(Cond::Absent("deleting_since_ms"));
        let below_cap = Cond::Absent("count").or(Cond::cmp("count", Cmp::Lt, n(max)));
        let mut claim = credential_claim_key(&p.credential_id);
        claim.insert("user_id".into(), s(uid));
        claim.insert("passkey_id".into(), s(p.passkey_id.as_str()));
        let tx = Transaction::new()
            .check(Role::Account, t, profile_key(uid), usable)?
            .update(
                Role::Count,
                t,
                count_key(uid),
                Update::new().add("count", n(1)),
                Some(below_cap),
            )?
            .put(Role::Claim, t, claim, Some(Cond::item_absent()))?
            .put(
                Role::Passkey,
                t,
                to_item(p, passkey_key(uid, p.passkey_id.as_str()))?,
                Some(Cond::item_absent()),
            )?;
        match self.run(tx).await? {
            TxOutcome::Committed => Ok(Ok(())),
            outcome => Ok(Err(self.why_not_added(&outcome).await?)),
        }
    }

    async fn list_passkeys(&self, user_id: &UserId) -> StoreResult<Vec<Passkey>> {
        let items = self
            .query_prefix(Table::Users, user_pk(user_id), PASSKEY_PREFIX)
            .await?;
        let mut keys = items
            .into_iter()
            .map(from_item)
            .collect::<StoreResult<Vec<Passkey>>>()?;
        keys.sort_by_key(|p| p.created_at_ms);
        Ok(keys)
    }

    async fn passkey_by_credential(&self, credential_id: &str) -> StoreResult<Option<Passkey>> {
        let Some(claim) = self
            .get(Table::Users, credential_claim_key(credential_id))
            .await?
        else {
            return Ok(None);
        };
        let (Some(uid), Some(pid)) = (string(&claim, "user_id"), string(&claim, "passkey_id"))
        else {
            return Err(StoreError::Corrupt("credential claim without owner".into()));
        };
        self.get_as(Table::Users, passkey_key(&uid, &pid)).await
    }

    async fn record_passkey_use(&self, u: &PasskeyUse) -> StoreResult<bool> {
        let update = Update::new()
            .set("counter", n(u.counter))
            .set(
                "backed_up",
                aws_sdk_dynamodb::types::AttributeValue::Bool(u.backed_up),
            )
            .set("last_used_at_ms", n(u.at_ms));
        let unchanged = Cond::item_exists().and(Cond::eq("counter", n(u.counter_was)));
        let k = passkey_key(u.user_id.as_str(), u.passkey_id.as_str());
        let done = self.update_if(Table::Users, k, update, Some(unchanged));
        Ok(done.await?.is_some())
    }

    async fn remove_passkey(
        &self,
        user_id: &UserId,
        passkey_id: &PasskeyId,
        audit: Option<&AuditRecord>,
    ) -> StoreResult<Option<Passkey>> {
        let k = passkey_key(user_id.as_str(), passkey_id.as_str());
        let Some(p) = self.get_as::<Passkey>(Table::Users, k.clone()).await? else {
            return Ok(None);
        };
        let t = self.table(Table::Users);
        let mine = Cond::eq("passkey_id", s(passkey_id.as_str()));
        let mut tx = Transaction::new()
            .delete(Role::Passkey, t, k, Some(Cond::item_exists()))?
            .delete(
                Role::Claim,
                t,
                credential_claim_key(&p.credential_id),
                Some(mine),
            )?
            .update(
                Role::Count,
                t,
                count_key(user_id.as_str()),
                Update::new().add("count", n(-1)),
                Some(Cond::cmp("count", Cmp::Gt, n(0))),
            )?;
        if let Some(a) = audit {
            tx = tx.put(Role::Audit, t, audit_item(a)?, None)?;
        }
        match self.run(tx).await? {
            TxOutcome::Committed => Ok(Some(p)),
            // Removed meanwhile by another request: as if it never was.
            outcome if outcome.failed(Role::Passkey) => Ok(None),
            outcome => Err(StoreError::Unavailable(format!(
                "passkey removal cancelled: {outcome:?}"
            ))),
        }
    }
}
