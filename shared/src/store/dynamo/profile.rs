//! Profile edits and the risk assessment: single conditional updates of the user's record.

use super::expr::{Cond, Update};
use super::keys::{PROFILE_SK, user_pk};
use super::{DynamoStore, from_item, key, n, s};
use crate::domain::{ProfileEdit, RiskAssessment, User, UserId};
use crate::store::tables::Table;
use crate::store::{ProfileStore, StoreError, StoreResult};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

#[async_trait]
impl ProfileStore for DynamoStore {
    async fn update_profile(
        &self,
        user_id: &UserId,
        edit: &ProfileEdit,
        now_ms: i64,
    ) -> StoreResult<Option<User>> {
        let values: super::Item = serde_dynamo::to_item(&edit.values).map_err(corrupt)?;
        let mut update = Update::new().set("updated_at_ms", n(now_ms));
        for field in &edit.fields {
            let attr = field.as_str();
            update = match values.get(attr) {
                Some(AttributeValue::Null(_)) | None => update.remove(attr),
                Some(v) => update.set(attr, v.clone()),
            };
        }
        let k = key(user_pk(user_id), PROFILE_SK);
        let after = self
            .update_returning(
                Table::Users,
                k,
                update,
                Some(Cond::item_exists()),
                ReturnValue::AllNew,
            )
            .await?;
        after.map(from_item).transpose()
    }

    async fn set_risk(&self, user_id: &UserId, risk: &RiskAssessment) -> StoreResult<bool> {
        let value = serde_dynamo::to_attribute_value(risk).map_err(corrupt)?;
        let update = Update::new()
            .set("risk", value)
            .set("risk_band", s(risk.band.as_str()));
        let k = key(user_pk(user_id), PROFILE_SK);
        let done = self
            .update_if(Table::Users, k, update, Some(Cond::item_exists()))
            .await?;
        Ok(done.is_some())
    }
}
