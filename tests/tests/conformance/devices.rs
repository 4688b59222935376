//! `DeviceStore`: devices upserted by id.

use super::fixtures::*;
use shared::domain::{Device, Platform};
use shared::store::Stores;
use shared::testing::uid;

async fn devices_upsert_by_id(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let d = |id: &str, pt: &str| Device {
        device_id: id.into(),
        platform: Platform::Android,
        push_token: Some(pt.into()),
        app_version: None,
        os_version: None,
        device_name: None,
    };
    s.devices
        .put_device(&uid("u1"), &d("d1", "a"), T0, 20)
        .await
        .unwrap();
    s.devices
        .put_device(&uid("u1"), &d("d1", "b"), T0, 20)
        .await
        .unwrap();
    s.devices
        .put_device(&uid("u1"), &d("d2", "c"), T0, 20)
        .await
        .unwrap();
    let mut devs = s.devices.list_devices(&uid("u1")).await.unwrap();
    devs.sort_by(|a, b| a.device_id.cmp(&b.device_id));
    assert_eq!(devs, vec![d("d1", "b"), d("d2", "c")]);
}

async fn the_least_recent_device_goes_beyond_the_limit(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    for (i, id) in ["d1", "d2", "d3"].into_iter().enumerate() {
        let at = T0 + i as i64;
        s.devices
            .put_device(&uid("u1"), &device(id, None), at, 3)
            .await
            .unwrap();
    }
    // Re-registering d1 makes it recent; a fourth device then replaces d2.
    s.devices
        .put_device(&uid("u1"), &device("d1", Some("t")), T0 + 5, 3)
        .await
        .unwrap();
    s.devices
        .put_device(&uid("u1"), &device("d4", None), T0 + 6, 3)
        .await
        .unwrap();
    let mut ids: Vec<String> = s
        .devices
        .list_devices(&uid("u1"))
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.device_id)
        .collect();
    ids.sort();
    assert_eq!(ids, ["d1", "d3", "d4"]);
}

async fn parallel_registrations_keep_the_limit(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    race(10, |i| {
        let s = s.clone();
        async move {
            let d = device(&format!("p{i}"), None);
            s.devices
                .put_device(&uid("u1"), &d, T0 + i as i64, 3)
                .await
                .unwrap()
        }
    })
    .await;
    assert_eq!(s.devices.list_devices(&uid("u1")).await.unwrap().len(), 3);
}

integration_tests::on_both_stores!(
    devices_upsert_by_id,
    the_least_recent_device_goes_beyond_the_limit,
    parallel_registrations_keep_the_limit,
);
