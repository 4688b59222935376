//! KYC records and document claims, under the users lock with the user they belong to.

use super::{MemoryStore, Users, lock};
use crate::domain::{KycRecord, UserId};
use crate::store::{KycStore, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl KycStore for MemoryStore {
    async fn get_kyc(&self, user_id: &UserId) -> StoreResult<Option<KycRecord>> {
        Ok(lock(&self.users).kyc.get(user_id).cloned())
    }

    async fn save_kyc(
        &self,
        record: &KycRecord,
        previous: Option<&KycRecord>,
    ) -> StoreResult<bool> {
        Ok(save(&mut lock(&self.users), record, previous))
    }

    async fn document_holders(&self, document_hash: &str) -> StoreResult<Vec<UserId>> {
        let d = lock(&self.users);
        Ok(d.documents
            .iter()
            .filter(|(h, _)| h == document_hash)
            .map(|(_, uid)| uid.clone())
            .collect())
    }
}

/// [`KycStore::save_kyc`] within the users lock.
pub(super) fn save(d: &mut Users, record: &KycRecord, previous: Option<&KycRecord>) -> bool {
    let uid = &record.user_id;
    let stored_version = d.kyc.get(uid).map(|r| r.version);
    if stored_version != previous.map(|p| p.version) || !d.users.contains_key(uid) {
        return false;
    }
    if let Some(p) = previous {
        d.documents.remove(&(p.document_hash.clone(), uid.clone()));
    }
    d.documents
        .insert((record.document_hash.clone(), uid.clone()));
    if let Some(u) = d.users.get_mut(uid) {
        u.kyc_status = record.status;
    }
    d.kyc.insert(uid.clone(), record.clone());
    true
}
