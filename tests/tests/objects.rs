//! `ObjectStore` conformance: the same cases on the local stand-in and on S3 in the emulator,
//! with uploads sent to the presigned URL the way the app sends them (over HTTP for S3).

use shared::objects::ObjectStore;
use shared::objects::local::LocalObjects;
use std::sync::Arc;
use std::time::Duration;

/// How bytes reach a presigned URL of each adapter.
#[derive(Clone)]
enum Uploader {
    Http,
    Local(Arc<LocalObjects>),
}

impl Uploader {
    /// Sends `bytes` to `url` with `headers`, as the app would; true when accepted.
    async fn put(&self, url: &str, headers: &[(String, String)], bytes: &[u8]) -> bool {
        match self {
            Uploader::Http => {
                let mut req = reqwest::Client::new().put(url).body(bytes.to_vec());
                for (k, v) in headers.iter().filter(|(k, _)| k != "content-length") {
                    req = req.header(k, v);
                }
                req.send().await.unwrap().status().is_success()
            }
            Uploader::Local(objects) => {
                let typ = headers
                    .iter()
                    .find(|(k, _)| k == "content-type")
                    .map(|(_, v)| v.as_str());
                objects.accept_url(url, typ, bytes).is_ok()
            }
        }
    }
}

type Store = (Arc<dyn ObjectStore>, Uploader);

fn local() -> Store {
    let objects = Arc::new(LocalObjects::new("documents", "http://127.0.0.1:3000"));
    (objects.clone(), Uploader::Local(objects))
}

async fn s3() -> Option<Store> {
    let objects = integration_tests::s3_objects().await?;
    Some((Arc::new(objects), Uploader::Http))
}

async fn upload(store: &Store, key: &str, typ: &str, bytes: &[u8]) -> bool {
    let put = store
        .0
        .presign_put(key, typ, bytes.len() as u64, Duration::from_secs(300))
        .await
        .unwrap();
    assert_eq!(put.method, "PUT");
    let headers: Vec<(String, String)> = put.headers.into_iter().collect();
    store.1.put(&put.url, &headers, bytes).await
}

async fn presigned_uploads_land_with_their_metadata((objects, up): Store) {
    let store = (objects.clone(), up);
    assert!(
        objects
            .head("uploads/u1/front/a.jpg")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        upload(
            &store,
            "uploads/u1/front/a.jpg",
            "image/jpeg",
            b"jpeg-bytes"
        )
        .await
    );
    let info = objects
        .head("uploads/u1/front/a.jpg")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(info.content_length, 10);
    assert_eq!(info.content_type.as_deref(), Some("image/jpeg"));
}

async fn the_signature_pins_type_and_length((objects, up): Store) {
    let put = objects
        .presign_put(
            "uploads/u1/back/b.png",
            "image/png",
            4,
            Duration::from_secs(300),
        )
        .await
        .unwrap();
    assert_eq!(
        put.headers.get("content-type").map(String::as_str),
        Some("image/png")
    );
    match &up {
        // The emulator does not check signatures: check what S3 would.
        Uploader::Http => {
            let signed = put
                .url
                .split("X-Amz-SignedHeaders=")
                .nth(1)
                .unwrap()
                .split('&')
                .next()
                .unwrap();
            let signed = signed.replace("%3B", ";");
            assert!(signed.split(';').any(|h| h == "content-type"), "{signed}");
            assert!(signed.split(';').any(|h| h == "content-length"), "{signed}");
            assert!(
                !put.url.to_lowercase().contains("checksum"),
                "no checksum is pinned: {}",
                put.url
            );
            assert!(put.url.contains("X-Amz-Expires=300"), "{}", put.url);
        }
        Uploader::Local(_) => {
            let headers = vec![("content-type".to_string(), "image/jpeg".to_string())];
            assert!(!up.put(&put.url, &headers, b"abcd").await, "another type");
            let headers = vec![("content-type".to_string(), "image/png".to_string())];
            assert!(
                !up.put(&put.url, &headers, b"abcde").await,
                "another length"
            );
            assert!(up.put(&put.url, &headers, b"abcd").await);
        }
    }
}

async fn copy_delete_and_delete_by_prefix(store: Store) {
    let objects = store.0.clone();
    for key in [
        "uploads/u1/front/a.jpg",
        "uploads/u1/back/b.jpg",
        "uploads/u2/front/c.jpg",
    ] {
        assert!(upload(&store, key, "image/jpeg", b"x").await);
    }
    objects
        .copy("uploads/u1/front/a.jpg", "kyc/u1/front/a.jpg")
        .await
        .unwrap();
    let copied = objects.head("kyc/u1/front/a.jpg").await.unwrap().unwrap();
    assert_eq!(
        (copied.content_length, copied.content_type.as_deref()),
        (1, Some("image/jpeg"))
    );
    objects.delete("uploads/u1/front/a.jpg").await.unwrap();
    objects.delete("uploads/u1/front/a.jpg").await.unwrap();
    assert!(
        objects
            .head("uploads/u1/front/a.jpg")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(objects.delete_prefix("uploads/u1/").await.unwrap(), 1);
    assert_eq!(objects.delete_prefix("kyc/u1/").await.unwrap(), 1);
    assert!(
        objects
            .head("uploads/u2/front/c.jpg")
            .await
            .unwrap()
            .is_some(),
        "other users keep theirs"
    );
    assert_eq!(objects.delete_prefix("nothing/").await.unwrap(), 0);
}

async fn first_bytes_are_a_ranged_read(store: Store) {
    let objects = store.0.clone();
    let key = "uploads/u1/front/f.jpg";
    assert_eq!(objects.first_bytes(key, 8).await.unwrap(), None);
    let bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    assert!(upload(&store, key, "image/jpeg", &bytes).await);
    let first = objects.first_bytes(key, 8).await.unwrap().unwrap();
    assert_eq!(first, bytes[..8]);
    assert!(upload(&store, "uploads/u1/front/s.jpg", "image/jpeg", b"ab").await);
    let short = objects
        .first_bytes("uploads/u1/front/s.jpg", 8)
        .await
        .unwrap();
    assert_eq!(short.as_deref(), Some(&b"ab"[..]));
}

integration_tests::on_both_stores!(
    adapters local, s3:
    first_bytes_are_a_ranged_read,
    presigned_uploads_land_with_their_metadata,
    the_signature_pins_type_and_length,
    copy_delete_and_delete_by_prefix,
);
