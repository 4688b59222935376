//! Devices, upserted by id.

use super::{MemoryStore, key, lock, of_user};
use crate::domain::{Device, UserId};
use crate::store::{DeviceStore, StoreError, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl DeviceStore for MemoryStore {
    async fn put_device(
        &self,
        user_id: &UserId,
        device: &Device,
        now_ms: i64,
        max: usize,
    ) -> StoreResult<()> {
        let users = lock(&self.users);
        if !users.users.contains_key(user_id) {
            return Err(StoreError::Unavailable("no such user".into()));
        }
        let mut devices = lock(&self.devices);
        let k = key(user_id, &device.device_id);
        if !devices.contains_key(&k) {
            let held = of_user(&devices, user_id);
            let oldest = held
                .iter()
                .min_by_key(|(d, at)| (*at, d.device_id.clone()))
                .map(|(d, _)| d.device_id.clone());
            if let (true, Some(oldest)) = (held.len() >= max, oldest) {
                devices.remove(&key(user_id, &oldest));
            }
        }
        devices.insert(k, (device.clone(), now_ms));
        Ok(())
    }

    async fn list_devices(&self, user_id: &UserId) -> StoreResult<Vec<Device>> {
        let held = of_user(&lock(&self.devices), user_id);
        Ok(held.into_iter().map(|(d, _)| d).collect())
    }
}
