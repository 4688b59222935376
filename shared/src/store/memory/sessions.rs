//! Sessions and refresh-token rotation.

use super::{MemoryStore, key, lock, of_user};
use crate::domain::{Session, SessionId, UserId};
use crate::store::{SessionStore, StoreError, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl SessionStore for MemoryStore {
    async fn put_session(&self, s: &Session, max: usize) -> StoreResult<()> {
        let users = lock(&self.users);
        if !users.users.contains_key(&s.user_id) {
            return Err(StoreError::Unavailable("no such user".into()));
        }
        let mut sessions = lock(&self.sessions);
        let mut held = of_user(&sessions, &s.user_id);
        held.sort_by(|a, b| {
            (a.created_at_ms, &a.session_id).cmp(&(b.created_at_ms, &b.session_id))
        });
        // The oldest go until the new one fits within `max`.
        let excess = (held.len() + 1).saturating_sub(max);
        for oldest in held.iter().take(excess) {
            sessions.remove(&key(&oldest.user_id, &oldest.session_id));
        }
        sessions.insert(key(&s.user_id, &s.session_id), s.clone());
        Ok(())
    }

    async fn get_session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> StoreResult<Option<Session>> {
        Ok(lock(&self.sessions).get(&key(user_id, session_id)).cloned())
    }

    async fn list_sessions(&self, user_id: &UserId) -> StoreResult<Vec<Session>> {
        Ok(of_user(&lock(&self.sessions), user_id))
    }

    async fn delete_session(&self, user_id: &UserId, session_id: &SessionId) -> StoreResult<bool> {
        Ok(lock(&self.sessions)
            .remove(&key(user_id, session_id))
            .is_some())
    }

    async fn rotate_session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        from: u64,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> StoreResult<bool> {
        match lock(&self.sessions).get_mut(&key(user_id, session_id)) {
            Some(s) if s.generation == from => {
                s.generation = from + 1;
                s.rotated_at_ms = Some(now_ms);
                s.last_used_at_ms = now_ms;
                s.expires_at_ms = expires_at_ms;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}
