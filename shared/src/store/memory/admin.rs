//! The admin ports: lists by sort key (what the DynamoDB index orders by), access and KYC
//! changes with their audit record under the users lock, and admin sessions under their own.

use super::{MemoryStore, kyc, lock};
use crate::domain::{AccessChange, AdminSession, AuditRecord, KycRecord, User, user_sort_key};
use crate::store::{
    AdminSessionStore, AdminStore, AuditQuery, ListOrder, StoreResult, UserListing,
};
use async_trait::async_trait;

#[async_trait]
impl AdminStore for MemoryStore {
    async fn list_users(
        &self,
        listing: UserListing,
        order: ListOrder,
        past: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, User)>> {
        let d = lock(&self.users);
        let mut users: Vec<(String, &User)> = match listing {
            UserListing::Accounts(status) => d
                .users
                .values()
                .filter(|u| status.is_none_or(|s| u.status == s))
                .map(|u| (user_sort_key(u.created_at_ms, &u.user_id), u))
                .collect(),
            UserListing::Kyc(status) => d
                .kyc
                .values()
                .filter(|k| k.status == status)
                .filter_map(|k| {
                    let u = d.users.get(&k.user_id)?;
                    Some((user_sort_key(k.submitted_at_ms, &k.user_id), u))
                })
                .collect(),
        };
        users.retain(|(k, _)| order.is_past(k, past));
        users.sort_by(|a, b| a.0.cmp(&b.0));
        if order == ListOrder::NewestFirst {
            users.reverse();
        }
        Ok(users
            .into_iter()
            .take(limit)
            .map(|(k, u)| (k, u.clone()))
            .collect())
    }

    async fn change_access(
        &self,
        change: &AccessChange,
        audit: &AuditRecord,
    ) -> StoreResult<Option<User>> {
        let mut d = lock(&self.users);
        let Some(u) = d.users.get_mut(&change.user_id) else {
            return Ok(None);
        };
        if u.status != change.from_status || u.role != change.from_role {
            return Ok(None);
        }
        u.status = change.status;
        u.role = change.role;
        u.updated_at_ms = change.now_ms;
        if let Some(epoch) = change.new_epoch {
            u.session_epoch = epoch;
        }
        let after = u.clone();
        d.audit.insert(audit.sort_key(), audit.clone());
        Ok(Some(after))
    }

    async fn review_kyc(
        &self,
        record: &KycRecord,
        previous: &KycRecord,
        audit: &AuditRecord,
    ) -> StoreResult<bool> {
        let mut d = lock(&self.users);
        let saved = kyc::save(&mut d, record, Some(previous));
        if saved {
            d.audit.insert(audit.sort_key(), audit.clone());
        }
        Ok(saved)
    }

    async fn list_audit(&self, q: AuditQuery<'_>, limit: usize) -> StoreResult<Vec<AuditRecord>> {
        let d = lock(&self.users);
        Ok(d.audit
            .iter()
            .rev()
            .filter(|(k, a)| q.holds(k) && q.target.is_none_or(|t| a.target_user_id == t))
            .take(limit)
            .map(|(_, a)| a.clone())
            .collect())
    }
}

#[async_trait]
impl AdminSessionStore for MemoryStore {
    async fn put_admin_session(&self, id_hash: &str, s: &AdminSession) -> StoreResult<()> {
        lock(&self.admin_sessions).insert(id_hash.to_string(), s.clone());
        Ok(())
    }

    async fn get_admin_session(&self, id_hash: &str) -> StoreResult<Option<AdminSession>> {
        Ok(lock(&self.admin_sessions).get(id_hash).cloned())
    }

    async fn touch_admin_session(&self, id_hash: &str, now_ms: i64) -> StoreResult<()> {
        if let Some(s) = lock(&self.admin_sessions).get_mut(id_hash) {
            s.last_used_at_ms = now_ms;
        }
        Ok(())
    }

    async fn delete_admin_session(&self, id_hash: &str) -> StoreResult<bool> {
        Ok(lock(&self.admin_sessions).remove(id_hash).is_some())
    }
}
