//! The admin ports on DynamoDB. The users list and one user's audit trail are key queries on
//! the keys-only `lists` index followed by one `BatchGetItem`; the whole trail is a key query
//! of the `AUDIT` partition. Access changes and reviews carry their audit record into the
//! same transaction; admin sessions are single items with a TTL.

use super::expr::{Cmp, Cond, Update};
use super::keys::{ADMIN_SESSION_SK, AUDIT_PK, admin_session_pk, audit_list_pk, users_list_pk};
use super::kyc::Save;
use super::tx::Transaction;
use super::users::profile_key;
use super::{DynamoStore, Item, from_item, key, n, s, string, to_item, to_item_expiring};
use crate::domain::{
    AccessChange, AdminSession, AuditRecord, KycRecord, User, UserStatus, user_sort_key,
};
use crate::store::tables::{LISTS_INDEX, PK, SK, Table};
use crate::store::{AdminSessionStore, AdminStore, StoreError, StoreResult};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

/// The items of an access change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Profile,
    Audit,
}

/// The `lists` index entry of a profile with `status`.
pub(super) fn list_entry(
    status: UserStatus,
    created_at_ms: i64,
    user_id: &str,
) -> [(String, AttributeValue); 2] {
    [
        (LISTS_INDEX.pk.into(), s(users_list_pk(status.as_str()))),
        (
            LISTS_INDEX.sk.into(),
            s(user_sort_key(created_at_ms, user_id)),
        ),
    ]
}

/// An audit record as stored: under `AUDIT`, in its target's list, with `before` and `after`
/// kept as JSON text (their shape is the action's, not the table's).
pub(super) fn audit_item(a: &AuditRecord) -> StoreResult<Item> {
    let sort = a.sort_key();
    let mut item = to_item(a, key(AUDIT_PK, sort.clone()))?;
    let json = |v: &serde_json::Value| s(v.to_string());
    item.insert("before".into(), json(&a.before));
    item.insert("after".into(), json(&a.after));
    item.insert(LISTS_INDEX.pk.into(), s(audit_list_pk(&a.target_user_id)));
    item.insert(LISTS_INDEX.sk.into(), s(sort));
    Ok(item)
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
    /// Up to `limit` index entries of list `pk` below `before`, newest first, as table keys.
    async fn list_keys(
        &self,
        pk: String,
        before: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Item>> {
        let cond = below(Cond::eq(LISTS_INDEX.pk, s(pk)), LISTS_INDEX.sk, before);
        let entries = self
            .query_in(
                Table::Users,
                Some(LISTS_INDEX.name),
                cond,
                Some(limit),
                false,
            )
            .await?;
        Ok(entries.iter().map(super::key_of).collect())
    }

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
        status: Option<UserStatus>,
        before: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<User>> {
        let statuses = status.map_or(UserStatus::ALL.to_vec(), |s| vec![s]);
        let mut keys = Vec::new();
        for st in statuses {
            keys.extend(
                self.list_keys(users_list_pk(st.as_str()), before, limit)
                    .await?,
            );
        }
        let mut items = self.fetch_listed(keys).await?;
        items.truncate(limit);
        items.into_iter().map(from_item).collect()
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
            .set(LISTS_INDEX.pk, s(users_list_pk(change.status.as_str())));
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

    async fn list_audit(
        &self,
        target: Option<&str>,
        before: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<AuditRecord>> {
        let items = match target {
            Some(uid) => {
                let keys = self.list_keys(audit_list_pk(uid), before, limit).await?;
                self.fetch_listed(keys).await?
            }
            None => {
                let cond = below(Cond::eq(PK, s(AUDIT_PK)), SK, before);
                self.query(Table::Users, cond, Some(limit), false).await?
            }
        };
        items.into_iter().map(audit_of).collect()
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
