//! `DeviceStore`: devices upserted by id.

use super::fixtures::*;
use shared::domain::{Device, Platform};
use shared::store::Stores;

async fn devices_upsert_by_id(s: Stores) {
    let d = |id: &str, pt: &str| Device {
        device_id: id.into(),
        platform: Platform::Android,
        push_token: Some(pt.into()),
        app_version: None,
        os_version: None,
        device_name: None,
    };
    s.devices.put_device("u1", &d("d1", "a"), T0).await.unwrap();
    s.devices.put_device("u1", &d("d1", "b"), T0).await.unwrap();
    s.devices.put_device("u1", &d("d2", "c"), T0).await.unwrap();
    let mut devs = s.devices.list_devices("u1").await.unwrap();
    devs.sort_by(|a, b| a.device_id.cmp(&b.device_id));
    assert_eq!(devs, vec![d("d1", "b"), d("d2", "c")]);
}

conformance!(devices_upsert_by_id);
