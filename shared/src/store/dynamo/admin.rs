//! The admin ports on DynamoDB. The users list and one user's audit trail are key queries on
//! the keys-only `lists` index followed by one `BatchGetItem`; the whole trail is a key query
//! of the `AUDIT` partition. Access changes and reviews carry their audit record into the
//! same transaction; admin sessions are single items with a TTL.

use super::expr::{Cmp, Cond, Update};
use super::items::{audit_item, profile_key};
use super::keys::{
    ADMIN_SESSION_SK, AUDIT_PK, PROFILE_SK, admin_session_pk, audit_list_pk, kyc_list_pks, user_pk,
    users_list_pk, users_list_pks,
};
use super::kyc::Save;
use super::tx::Transaction;
use super::{DynamoStore, Item, from_item, key, n, s, string, to_item_expiring};
use crate::domain::{AccessChange, AdminSession, AuditRecord, KycRecord, User, UserStatus};
use crate::store::tables::{LISTS_INDEX, PK, SK, Table};
use crate::store::{
    AdminSessionStore, AdminStore, AuditQuery, ListOrder, StoreError, StoreResult, UserListing,
};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

/// The items of an access change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Profile,
    Audit,
}

fn audit_of(mut item: Item) -> StoreResult<AuditRecord> {
    let json = |attr: &str| -> StoreResult<serde_json::Value> {
        let text = string(&item, attr).unwrap_or_else(|| "null".into());
        serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(e.to_string()))
    };
    let (before, after) = (json("before")?, json("after")?);
    for attr in ["before", "after"] {
        item.insert(attr.into(), AttributeValue::Null(true));
    }
    let mut rec: AuditRecord = from_item(item)?;
    rec.before = before;
    rec.after = after;
    Ok(rec)
}

/// Sort keys below `before` in a key condition on `attr`.
fn below(cond: Cond, attr: &'static str, before: Option<&str>) -> Cond {
    match before {
        Some(b) => cond.and(Cond::cmp(attr, Cmp::Lt, s(b))),
        None => cond,
    }
}

impl DynamoStore {
    /// The items at `keys`, ordered by their list sort key, newest first.
    async fn fetch_listed(&self, keys: Vec<Item>) -> StoreResult<Vec<Item>> {
        let mut items = self.batch_get(Table::Users, keys).await?;
        items.sort_by_key(|i| std::cmp::Reverse(string(i, LISTS_INDEX.sk)));
        Ok(items)
    }
}

#[async_trait]
impl AdminStore for DynamoStore {
    async fn list_users(
        &self,
        listing: UserListing,
        order: ListOrder,
        past: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, User)>> {
        let lists: Vec<String> = match listing {
            UserListing::Accounts(status) => status
                .map_or(UserStatus::ALL.to_vec(), |s| vec![s])
                .iter()
                .flat_map(|st| users_list_pks(st.as_str()))
                .collect(),
            UserListing::Kyc(status) => kyc_list_pks(status.as_str()),
        };
        let entries = self.list_page(lists, order, past, limit).await?;
        // A KYC entry is the record's key; the listed item is the profile beside it.
        let profiles = entries
            .iter()
            .filter_map(|(_, k)| string(k, PK))
            .map(|pk| key(pk, PROFILE_SK))
            .collect();
        let mut users: Vec<User> = self
            .batch_get(Table::Users, profiles)
            .await?
            .into_iter()
            .map(from_item)
            .collect::<StoreResult<_>>()?;
        let mut out = Vec::new();
        for (sort, k) in entries {
            let id = string(&k, PK).unwrap_or_default();
            if let Some(at) = users.iter().position(|u| user_pk(&u.user_id) == id) {
                out.push((sort, users.swap_remove(at)));
            }
        }
        Ok(out)
    }

    async fn change_access(
        &self,
        change: &AccessChange,
        audit: &AuditRecord,
    ) -> StoreResult<Option<User>> {
        let t = self.table(Table::Users);
        let mut update = Update::new()
            .set("status", s(change.status.as_str()))
            .set("role", s(change.role.as_str()))
            .set("updated_at_ms", n(change.now_ms))
            .set(
                LISTS_INDEX.pk,
                s(users_list_pk(
                    change.status.as_str(),
                    change.user_id.as_str(),
                )),
            );
        if let Some(epoch) = change.new_epoch {
            update = update.set("session_epoch", n(epoch));
        }
        let unchanged = Cond::item_exists()
            .and(Cond::eq("status", s(change.from_status.as_str())))
            .and(Cond::eq("role", s(change.from_role.as_str())));
        let k = profile_key(&change.user_id);
        let tx = Transaction::new()
            .update(Access::Profile, t, k.clone(), update, Some(unchanged))?
            .put(
                Access::Audit,
                t,
                audit_item(audit)?,
                Some(Cond::item_absent()),
            )?;
        if !self.run(tx).await?.committed() {
            return Ok(None);
        }
        self.get_as(Table::Users, k).await
    }

    async fn review_kyc(
        &self,
        record: &KycRecord,
        previous: &KycRecord,
        audit: &AuditRecord,
    ) -> StoreResult<bool> {
        let t = self.table(Table::Users);
        let tx = self.kyc_tx(record, Some(previous))?.put(
            Save::Audit,
            t,
            audit_item(audit)?,
            Some(Cond::item_absent()),
        )?;
        Ok(self.run(tx).await?.committed())
    }

    async fn list_audit(&self, q: AuditQuery<'_>, limit: usize) -> StoreResult<Vec<AuditRecord>> {
        // One key condition holds the range; `before` is exclusive, BETWEEN is not, so one
        // more is read and the key equal to `before` dropped.
        let range = |base: Cond, attr: &'static str| match (q.from, q.before) {
            (None, before) => below(base, attr, before),
            (Some(f), None) => base.and(Cond::cmp(attr, Cmp::Ge, s(f))),
            (Some(f), Some(b)) => base.and(Cond::Between(attr, s(f), s(b))),
        };
        let items = match q.target {
            Some(uid) => {
                let cond = range(
                    Cond::eq(LISTS_INDEX.pk, s(audit_list_pk(uid))),
                    LISTS_INDEX.sk,
                );
                let entries = self
                    .query_in(
                        Table::Users,
                        Some(LISTS_INDEX.name),
                        cond,
                        Some(limit + 1),
                        false,
                    )
                    .await?;
                self.fetch_listed(entries.iter().map(super::key_of).collect())
                    .await?
            }
            None => {
                let cond = range(Cond::eq(PK, s(AUDIT_PK)), SK);
                self.query(Table::Users, cond, Some(limit + 1), false)
                    .await?
            }
        };
        let mut records = items
            .into_iter()
            .map(audit_of)
            .collect::<StoreResult<Vec<_>>>()?;
        records.retain(|a| q.holds(&a.sort_key()));
        records.truncate(limit);
        Ok(records)
    }
}

fn session_key(id_hash: &str) -> Item {
    key(admin_session_pk(id_hash), ADMIN_SESSION_SK)
}

#[async_trait]
impl AdminSessionStore for DynamoStore {
    async fn put_admin_session(&self, id_hash: &str, a: &AdminSession) -> StoreResult<()> {
        let item = to_item_expiring(a, session_key(id_hash), a.expires_at_ms(), 3_600)?;
        self.put(Table::Users, item).await
    }

    async fn get_admin_session(&self, id_hash: &str) -> StoreResult<Option<AdminSession>> {
        self.get_as(Table::Users, session_key(id_hash)).await
    }

    async fn touch_admin_session(&self, id_hash: &str, now_ms: i64) -> StoreResult<()> {
        let used = Update::new().set("last_used_at_ms", n(now_ms));
        self.update_returning(
            Table::Users,
            session_key(id_hash),
            used,
            Some(Cond::item_exists()),
            ReturnValue::None,
        )
        .await?;
        Ok(())
    }

    async fn delete_admin_session(&self, id_hash: &str) -> StoreResult<bool> {
        self.delete_if(Table::Users, session_key(id_hash), Cond::item_exists())
            .await
    }
}
