//! Sessions (the `users` table, under the user's partition, with a TTL after they expire).
//! The number a user holds is kept on its profile item (`session_count`), moved in the same
//! transaction as every insert and delete, so the limit is a condition, never a read.

use super::expr::{Cmp, Cond, Update};
use super::keys::{PROFILE_SK, SESSION_PREFIX, session_sk, user_pk};
use super::tx::Transaction;
use super::{DynamoStore, Item, key, n, to_item_expiring, ttl_after};
use crate::domain::{Session, SessionId, UserId};
use crate::store::tables::{TTL_ATTRIBUTE, Table};
use crate::store::{SessionStore, StoreError, StoreResult};
use async_trait::async_trait;

/// The items of a capped insert or a counted delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Capped {
    Item,
    Counter,
    Evicted,
}

/// Rounds of a capped insert before giving up (each round commits at least one writer).
pub(super) const MAX_ROUNDS: usize = 32;

/// Seconds a dead session or device item is kept before DynamoDB's TTL may remove it.
const TTL_GRACE_S: i64 = 86_400;

fn session_key(user_id: &UserId, session_id: &SessionId) -> Item {
    key(user_pk(user_id), session_sk(session_id))
}

impl DynamoStore {
    /// A transaction counting one more of `counter` on the user's profile while below `max`
    /// (the profile must exist).
    pub(super) fn count_up(
        &self,
        tx: Transaction<Capped>,
        user_id: &UserId,
        counter: &'static str,
        max: usize,
    ) -> StoreResult<Transaction<Capped>> {
        let room = Cond::Absent(counter).or(Cond::cmp(counter, Cmp::Lt, n(max)));
        tx.update(
            Capped::Counter,
            self.table(Table::Users),
            key(user_pk(user_id), PROFILE_SK),
            Update::new().add(counter, n(1)),
            Some(Cond::item_exists().and(room)),
        )
    }

    /// Deletes the item at `k` if it exists and counts one less of `counter`; false when it
    /// did not exist.
    pub(super) async fn delete_counted(
        &self,
        user_id: &UserId,
        k: Item,
        counter: &'static str,
    ) -> StoreResult<bool> {
        let t = self.table(Table::Users);
        let tx = Transaction::new()
            .delete(Capped::Item, t, k.clone(), Some(Cond::item_exists()))?
            .update(
                Capped::Counter,
                t,
                key(user_pk(user_id), PROFILE_SK),
                Update::new().add(counter, n(-1)),
                Some(Cond::item_exists()),
            )?;
        let outcome = self.run(tx).await?;
        if outcome.committed() {
            Ok(true)
        } else if outcome.failed(Capped::Item) {
            Ok(false)
        } else {
            // The profile is gone (account deletion): nothing is counted any more.
            self.delete_if(Table::Users, k, Cond::item_exists()).await
        }
    }

    /// Puts `item` in place of `oldest`, atomically; false when `oldest` went meanwhile.
    pub(super) async fn replace_oldest(&self, item: Item, oldest: Item) -> StoreResult<bool> {
        let t = self.table(Table::Users);
        let tx = Transaction::new()
            .put(Capped::Item, t, item, Some(Cond::item_absent()))?
            .delete(Capped::Evicted, t, oldest, Some(Cond::item_exists()))?;
        Ok(self.run(tx).await?.committed())
    }
}

#[async_trait]
impl SessionStore for DynamoStore {
    async fn put_session(&self, sess: &Session, max: usize) -> StoreResult<()> {
        let k = session_key(&sess.user_id, &sess.session_id);
        let item = to_item_expiring(sess, k, sess.expires_at_ms, TTL_GRACE_S)?;
        let t = self.table(Table::Users);
        // Every round commits someone's write, so contention ends; the bound is a safety net.
        for _ in 0..MAX_ROUNDS {
            let tx =
                Transaction::new().put(Capped::Item, t, item.clone(), Some(Cond::item_absent()))?;
            let tx = self.count_up(tx, &sess.user_id, "session_count", max)?;
            let outcome = self.run(tx).await?;
            if outcome.committed() {
                return Ok(());
            }
            if outcome.failed(Capped::Item) {
                return Err(StoreError::Unavailable("session id already taken".into()));
            }
            let held = self.list_sessions(&sess.user_id).await?;
            let Some(oldest) = held
                .iter()
                .min_by_key(|s| (s.created_at_ms, s.session_id.clone()))
            else {
                return Err(StoreError::Unavailable("no such user".into()));
            };
            let oldest = session_key(&oldest.user_id, &oldest.session_id);
            if self.replace_oldest(item.clone(), oldest).await? {
                return Ok(());
            }
        }
        Err(StoreError::Unavailable(
            "session limit: conflicts persisted".into(),
        ))
    }

    async fn get_session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> StoreResult<Option<Session>> {
        self.get_as(Table::Users, session_key(user_id, session_id))
            .await
    }

    async fn list_sessions(&self, user_id: &UserId) -> StoreResult<Vec<Session>> {
        self.query_as(Table::Users, user_pk(user_id), SESSION_PREFIX)
            .await
    }

    async fn delete_session(&self, user_id: &UserId, session_id: &SessionId) -> StoreResult<bool> {
        let k = session_key(user_id, session_id);
        self.delete_counted(user_id, k, "session_count").await
    }

    async fn rotate_session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        from: u64,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> StoreResult<bool> {
        let update = Update::new()
            .set("generation", n(from + 1))
            .set("rotated_at_ms", n(now_ms))
            .set("last_used_at_ms", n(now_ms))
            .set("expires_at_ms", n(expires_at_ms))
            .set(TTL_ATTRIBUTE, ttl_after(expires_at_ms, TTL_GRACE_S));
        let updated = self
            .update_if(
                Table::Users,
                session_key(user_id, session_id),
                update,
                Some(Cond::eq("generation", n(from))),
            )
            .await?;
        Ok(updated.is_some())
    }
}
