//! Profile edits and the risk assessment, on the user record.

use super::{MemoryStore, lock};
use crate::domain::{ProfileEdit, RiskAssessment, User, UserId};
use crate::store::{ProfileStore, StoreError, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl ProfileStore for MemoryStore {
    async fn update_profile(
        &self,
        user_id: &UserId,
        edit: &ProfileEdit,
        now_ms: i64,
    ) -> StoreResult<Option<User>> {
        let mut d = lock(&self.users);
        let Some(u) = d.users.get_mut(user_id) else {
            return Ok(None);
        };
        let mut after = u
            .with_edit(edit)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        after.updated_at_ms = now_ms;
        *u = after.clone();
        Ok(Some(after))
    }

    async fn set_risk(&self, user_id: &UserId, risk: &RiskAssessment) -> StoreResult<bool> {
        Ok(match lock(&self.users).users.get_mut(user_id) {
            Some(u) => {
                u.risk_band = Some(risk.band);
                u.risk = Some(risk.clone());
                true
            }
            None => false,
        })
    }
}
