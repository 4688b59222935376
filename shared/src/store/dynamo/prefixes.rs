//! The prefix port on DynamoDB: `PREFIX#<prefix>`/`CONTROL` (mode and pause, no TTL) and
//! `PREFIX#<prefix>`/`C#<window>` (the conversion counts, expiring after their window), in the
//! `otps` table beside the prefix's hourly send counter.

use super::expr::{Cmp, Cond, Update};
use super::keys::{CONTROL_SK, conversion_sk, prefix_pk};
use super::{DynamoStore, key, n, num, s, to_item, ttl_after};
use crate::domain::{Conversion, PrefixControl, PrefixMode};
use crate::store::tables::{TTL_ATTRIBUTE, Table};
use crate::store::{PrefixStore, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl PrefixStore for DynamoStore {
    async fn prefix_control(&self, prefix: &str) -> StoreResult<Option<PrefixControl>> {
        self.get_as(Table::Otps, key(prefix_pk(prefix), CONTROL_SK))
            .await
    }

    async fn pause_prefix(
        &self,
        control: &PrefixControl,
        until_ms: i64,
        reason: &str,
    ) -> StoreResult<bool> {
        let k = key(prefix_pk(&control.prefix), CONTROL_SK);
        let mut paused = control.clone();
        paused.paused_until_ms = Some(until_ms);
        paused.reason = Some(reason.to_string());
        let shorter =
            Cond::Absent("paused_until_ms").or(Cond::cmp("paused_until_ms", Cmp::Lt, n(until_ms)));
        let cond =
            Cond::item_absent().or(Cond::eq("mode", s(PrefixMode::Auto.as_str())).and(shorter));
        self.put_if(Table::Otps, to_item(&paused, k)?, cond).await
    }

    async fn count_verified(&self, prefix: &str, window: i64, end_ms: i64) -> StoreResult<()> {
        let k = key(prefix_pk(prefix), conversion_sk(window));
        let update = Update::new()
            .add("verified", n(1))
            .add("credit", n(1000))
            .set(TTL_ATTRIBUTE, ttl_after(end_ms, 3_600));
        self.update_if(Table::Otps, k, update, None).await?;
        Ok(())
    }

    async fn conversion(&self, prefix: &str, window: i64) -> StoreResult<Conversion> {
        let item = self
            .get(Table::Otps, key(prefix_pk(prefix), conversion_sk(window)))
            .await?
            .unwrap_or_default();
        let count = |attr| num(&item, attr).unwrap_or(0).max(0) as u32;
        Ok(Conversion {
            sent: count("sent"),
            verified: count("verified"),
        })
    }
}
