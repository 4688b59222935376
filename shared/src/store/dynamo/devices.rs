//! Devices (the `users` table, under the user's partition), upserted by id.

use super::keys::{DEVICE_PREFIX, device_sk, user_pk};
use super::{DynamoStore, key, n, to_item};
use crate::domain::Device;
use crate::store::tables::Table;
use crate::store::{DeviceStore, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl DeviceStore for DynamoStore {
    async fn put_device(&self, user_id: &str, device: &Device, now_ms: i64) -> StoreResult<()> {
        let k = key(user_pk(user_id), device_sk(&device.device_id));
        let mut item = to_item(device, k)?;
        item.insert("updated_at_ms".into(), n(now_ms));
        self.put(Table::Users, item).await
    }

    async fn list_devices(&self, user_id: &str) -> StoreResult<Vec<Device>> {
        self.query_as(Table::Users, user_pk(user_id), DEVICE_PREFIX)
            .await
    }
}
