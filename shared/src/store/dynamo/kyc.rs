//! KYC records (`USER#<id>`/`KYC`) and document claims (`DOC#<hash>`/`USER#<id>`), written
//! with the user's `kyc_status` in one transaction guarded by the record's version.

use super::expr::{Cond, Update};
use super::keys::{KYC_SK, PROFILE_SK, USER_PREFIX, document_pk, kyc_list_pk, user_pk};
use super::tx::Transaction;
use super::{DynamoStore, key, n, s, string, to_item};
use crate::domain::{KycRecord, UserId, user_sort_key};
use crate::store::tables::{LISTS_INDEX, Table};
use crate::store::{KycStore, StoreResult};
use async_trait::async_trait;

/// The items of a KYC write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Save {
    Record,
    OldClaim,
    NewClaim,
    Profile,
    Audit,
}

pub(super) fn kyc_key(user_id: &UserId) -> super::Item {
    key(user_pk(user_id), KYC_SK)
}

pub(super) fn claim_key(hash: &str, user_id: &UserId) -> super::Item {
    key(document_pk(hash), user_pk(user_id))
}

#[async_trait]
impl KycStore for DynamoStore {
    async fn get_kyc(&self, user_id: &UserId) -> StoreResult<Option<KycRecord>> {
        self.get_as(Table::Users, kyc_key(user_id)).await
    }

    async fn save_kyc(
        &self,
        record: &KycRecord,
        previous: Option<&KycRecord>,
    ) -> StoreResult<bool> {
        let tx = self.kyc_tx(record, previous)?;
        Ok(self.run(tx).await?.committed())
    }

    async fn document_holders(&self, document_hash: &str) -> StoreResult<Vec<UserId>> {
        let items = self
            .query_prefix(Table::Users, document_pk(document_hash), USER_PREFIX)
            .await?;
        Ok(items
            .iter()
            .filter_map(|i| string(i, "user_id").map(UserId::new))
            .collect())
    }
}

impl DynamoStore {
    /// The transaction of [`KycStore::save_kyc`] (an admin review adds its audit record).
    pub(super) fn kyc_tx(
        &self,
        record: &KycRecord,
        previous: Option<&KycRecord>,
    ) -> StoreResult<Transaction<Save>> {
        let t = self.table(Table::Users);
        let uid = &record.user_id;
        let unchanged = match previous {
            None => Cond::item_absent(),
            Some(p) => Cond::eq("version", n(p.version)),
        };
        let mut item = to_item(record, kyc_key(uid))?;
        item.insert(
            LISTS_INDEX.pk.into(),
            s(kyc_list_pk(record.status.as_str(), uid.as_str())),
        );
        item.insert(
            LISTS_INDEX.sk.into(),
            s(user_sort_key(record.submitted_at_ms, uid)),
        );
        let mut tx = Transaction::new().put(Save::Record, t, item, Some(unchanged))?;
        let old_hash = previous.map(|p| p.document_hash.as_str());
        if old_hash != Some(record.document_hash.as_str()) {
            if let Some(old) = old_hash {
                tx = tx.delete(Save::OldClaim, t, claim_key(old, uid), None)?;
            }
            let claim = to_item(
                &serde_json::json!({ "user_id": uid }),
                claim_key(&record.document_hash, uid),
            )?;
            tx = tx.put(Save::NewClaim, t, claim, None)?;
        }
        tx.update(
            Save::Profile,
            t,
            key(user_pk(uid), PROFILE_SK),
            Update::new().set("kyc_status", s(record.status.as_str())),
            Some(Cond::item_exists()),
        )
    }
}
