//! Devices, upserted by id.

use super::{MemoryStore, key, lock, of_user};
use crate::domain::Device;
use crate::store::{DeviceStore, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl DeviceStore for MemoryStore {
    async fn put_device(&self, user_id: &str, device: &Device, _now_ms: i64) -> StoreResult<()> {
        lock(&self.devices).insert(key(user_id, &device.device_id), device.clone());
        Ok(())
    }

    async fn list_devices(&self, user_id: &str) -> StoreResult<Vec<Device>> {
        Ok(of_user(&lock(&self.devices), user_id))
    }
}
