//! Sessions (the `users` table, under the user's partition).

use super::expr::{Cond, Update};
use super::keys::{SESSION_PREFIX, session_sk, user_pk};
use super::{DynamoStore, key, n, to_item};
use crate::domain::Session;
use crate::store::tables::Table;
use crate::store::{SessionStore, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl SessionStore for DynamoStore {
    async fn put_session(&self, sess: &Session) -> StoreResult<()> {
        let k = key(user_pk(&sess.user_id), session_sk(&sess.session_id));
        self.put(Table::Users, to_item(sess, k)?).await
    }

    async fn get_session(&self, user_id: &str, session_id: &str) -> StoreResult<Option<Session>> {
        self.get_as(Table::Users, key(user_pk(user_id), session_sk(session_id)))
            .await
    }

    async fn list_sessions(&self, user_id: &str) -> StoreResult<Vec<Session>> {
        self.query_as(Table::Users, user_pk(user_id), SESSION_PREFIX)
            .await
    }

    async fn delete_session(&self, user_id: &str, session_id: &str) -> StoreResult<bool> {
        let k = key(user_pk(user_id), session_sk(session_id));
        self.delete_if(Table::Users, k, Cond::item_exists()).await
    }

    async fn rotate_session(
        &self,
        user_id: &str,
        session_id: &str,
        from: u64,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> StoreResult<bool> {
        let update = Update::new()
            .set("generation", n(from + 1))
            .set("rotated_at_ms", n(now_ms))
            .set("last_used_at_ms", n(now_ms))
            .set("expires_at_ms", n(expires_at_ms));
        let updated = self
            .update_if(
                Table::Users,
                key(user_pk(user_id), session_sk(session_id)),
                update,
                Some(Cond::eq("generation", n(from))),
            )
            .await?;
        Ok(updated.is_some())
    }
}
