//! Devices (the `users` table, under the user's partition), upserted by id. The number a user
//! holds is kept on its profile item (`device_count`), moved in the same transaction as every
//! insert, so the limit is a condition, never a read.

use super::expr::Cond;
use super::keys::{DEVICE_PREFIX, device_sk, user_pk};
use super::sessions::{Capped, MAX_ROUNDS};
use super::tx::Transaction;
use super::{DynamoStore, from_item, key, key_of, n, num, to_item};
use crate::domain::{Device, UserId};
use crate::store::tables::Table;
use crate::store::{DeviceStore, StoreError, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl DeviceStore for DynamoStore {
    async fn put_device(
        &self,
        user_id: &UserId,
        device: &Device,
        now_ms: i64,
        max: usize,
    ) -> StoreResult<()> {
        let k = key(user_pk(user_id), device_sk(&device.device_id));
        let mut item = to_item(device, k.clone())?;
        item.insert("updated_at_ms".into(), n(now_ms));
        let t = self.table(Table::Users);
        // Every round commits someone's write, so contention ends; the bound is a safety net.
        for _ in 0..MAX_ROUNDS {
            let tx =
                Transaction::new().put(Capped::Item, t, item.clone(), Some(Cond::item_absent()))?;
            let tx = self.count_up(tx, user_id, "device_count", max)?;
            let outcome = self.run(tx).await?;
            if outcome.committed() {
                return Ok(());
            }
            if outcome.failed(Capped::Item) {
                // Known device: replace it in place (unless it was evicted meanwhile).
                let replaced = Transaction::new().put(
                    Capped::Item,
                    t,
                    item.clone(),
                    Some(Cond::item_exists()),
                )?;
                if self.run(replaced).await?.committed() {
                    return Ok(());
                }
                continue;
            }
            let held = self
                .query_prefix(Table::Users, user_pk(user_id), DEVICE_PREFIX)
                .await?;
            let Some(oldest) = held
                .iter()
                .min_by_key(|i| num(i, "updated_at_ms").unwrap_or(0))
            else {
                return Err(StoreError::Unavailable("no such user".into()));
            };
            if self.replace_oldest(item.clone(), key_of(oldest)).await? {
                return Ok(());
            }
        }
        Err(StoreError::Unavailable(
            "device limit: conflicts persisted".into(),
        ))
    }

    async fn list_devices(&self, user_id: &UserId) -> StoreResult<Vec<Device>> {
        self.query_prefix(Table::Users, user_pk(user_id), DEVICE_PREFIX)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }
}
