//! The local stand-in for S3 (local server and tests): objects in memory, presigned `PUT`s
//! that the local server accepts at `PUT /_dev/uploads/<key>` when the signature (an HMAC over
//! key, content type, length and expiry), the expiry, the content type and the length all
//! match, as S3 would; presigned `GET`s (signed key and expiry) are served at the same path.

use super::{ObjectInfo, ObjectStore, PresignedPut};
use crate::crypto::{SecretKey, ct_eq, random_bytes};
use crate::store::StoreResult;
use async_trait::async_trait;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The path the local server accepts uploads under.
pub const UPLOAD_PATH: &str = "/_dev/uploads/";

#[derive(Debug, Clone)]
struct Stored {
    content_type: String,
    bytes: Vec<u8>,
}

pub struct LocalObjects {
    bucket: String,
    /// Where the local server listens, e.g. `http://127.0.0.1:3000`.
    base_url: String,
    key: SecretKey,
    objects: Mutex<HashMap<String, Stored>>,
}

/// Why an upload to a local presigned URL was refused (S3 answers these with 403 or 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UploadRefused {
    #[error("the signature does not match")]
    Signature,
    #[error("the URL has expired")]
    Expired,
    #[error("the content type is not the one signed")]
    ContentType,
    #[error("the body is not the signed length")]
    Length,
    #[error("no object is stored at this key")]
    Missing,
}

/// A presigned URL's query string as name → value.
fn query_params(query: &str) -> HashMap<&str, &str> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .collect()
}

fn now_s() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl LocalObjects {
    pub fn new(bucket: &str, base_url: &str) -> Self {
        LocalObjects {
            bucket: bucket.to_string(),
            base_url: base_url.trim_end_matches('/').to_string(),
            key: SecretKey::new(&random_bytes::<32>()),
            objects: Mutex::new(HashMap::new()),
        }
    }

    fn objects(&self) -> std::sync::MutexGuard<'_, HashMap<String, Stored>> {
        self.objects.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn signature(&self, key: &str, content_type: &str, length: u64, expires: u64) -> String {
        let (len, exp) = (length.to_string(), expires.to_string());
        let parts: [&[u8]; 4] = [
            key.as_bytes(),
            content_type.as_bytes(),
            len.as_bytes(),
            exp.as_bytes(),
        ];
        self.key.mac_hex("local-upload", &parts)
    }

    /// Stores an upload sent to a URL from [`ObjectStore::presign_put`]: `query` is the URL's
    /// query string, `content_type` the request's header.
    pub fn accept_put(
        &self,
        key: &str,
        query: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), UploadRefused> {
        let params = query_params(query);
        let num = |k: &str| params.get(k).and_then(|v| v.parse::<u64>().ok());
        let (Some(expires), Some(length), Some(sig), Some(signed_type)) = (
            num("expires"),
            num("length"),
            params.get("signature"),
            params.get("type"),
        ) else {
            return Err(UploadRefused::Signature);
        };
        let signed_type = signed_type.replace("%2F", "/");
        let expected = self.signature(key, &signed_type, length, expires);
        if !ct_eq(expected.as_bytes(), sig.as_bytes()) {
            return Err(UploadRefused::Signature);
        }
        if now_s() > expires {
            return Err(UploadRefused::Expired);
        }
        if content_type != Some(signed_type.as_str()) {
            return Err(UploadRefused::ContentType);
        }
        if body.len() as u64 != length {
            return Err(UploadRefused::Length);
        }
        let stored = Stored {
            content_type: signed_type,
            bytes: body.to_vec(),
        };
        self.objects().insert(key.to_string(), stored);
        Ok(())
    }

    /// The content type and bytes a URL from [`ObjectStore::presign_get`] may read.
    pub fn serve_get(&self, key: &str, query: &str) -> Result<(String, Vec<u8>), UploadRefused> {
        let params = query_params(query);
        let expires = params.get("expires").and_then(|v| v.parse::<u64>().ok());
        let (Some(expires), Some(sig)) = (expires, params.get("signature")) else {
            return Err(UploadRefused::Signature);
        };
        let expected = self.signature(key, "GET", 0, expires);
        if !ct_eq(expected.as_bytes(), sig.as_bytes()) {
            return Err(UploadRefused::Signature);
        }
        if now_s() > expires {
            return Err(UploadRefused::Expired);
        }
        let stored = self.objects().get(key).cloned();
        stored
            .map(|s| (s.content_type, s.bytes))
            .ok_or(UploadRefused::Missing)
    }

    /// As [`Self::accept_put`], for a whole URL from [`ObjectStore::presign_put`] (in-process
    /// callers: tests).
    pub fn accept_url(
        &self,
        url: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), UploadRefused> {
        let rest = url.split_once(UPLOAD_PATH).map(|(_, r)| r);
        let (key, query) = rest
            .and_then(|r| r.split_once('?'))
            .ok_or(UploadRefused::Signature)?;
        self.accept_put(key, query, content_type, body)
    }

    /// The bytes stored at `key` (tests).
    pub fn bytes(&self, key: &str) -> Option<Vec<u8>> {
        self.objects().get(key).map(|s| s.bytes.clone())
    }

    /// Every stored key (tests).
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.objects().keys().cloned().collect();
        keys.sort();
        keys
    }
}

#[async_trait]
impl ObjectStore for LocalObjects {
    fn bucket(&self) -> &str {
        &self.bucket
    }

    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        content_length: u64,
        expires_in: Duration,
    ) -> StoreResult<PresignedPut> {
        let expires = now_s() + expires_in.as_secs();
        let sig = self.signature(key, content_type, content_length, expires);
        let typ = content_type.replace('/', "%2F");
        let url = format!(
            "{}{UPLOAD_PATH}{key}?expires={expires}&length={content_length}&type={typ}&signature={sig}",
            self.base_url
        );
        let headers = BTreeMap::from([
            ("content-type".to_string(), content_type.to_string()),
            ("content-length".to_string(), content_length.to_string()),
        ]);
        Ok(PresignedPut {
            url,
            method: "PUT".into(),
            headers,
        })
    }

    async fn presign_get(&self, key: &str, expires_in: Duration) -> StoreResult<String> {
        let expires = now_s() + expires_in.as_secs();
        let sig = self.signature(key, "GET", 0, expires);
        Ok(format!(
            "{}{UPLOAD_PATH}{key}?expires={expires}&signature={sig}",
            self.base_url
        ))
    }

    async fn head(&self, key: &str) -> StoreResult<Option<ObjectInfo>> {
        Ok(self.objects().get(key).map(|s| ObjectInfo {
            content_type: Some(s.content_type.clone()),
            content_length: s.bytes.len() as u64,
        }))
    }

    async fn first_bytes(&self, key: &str, n: usize) -> StoreResult<Option<Vec<u8>>> {
        Ok(self
            .objects()
            .get(key)
            .map(|s| s.bytes[..n.min(s.bytes.len())].to_vec()))
    }

    async fn copy(&self, from: &str, to: &str) -> StoreResult<()> {
        let mut objects = self.objects();
        match objects.get(from).cloned() {
            Some(o) => {
                objects.insert(to.to_string(), o);
                Ok(())
            }
            None => Err(crate::store::StoreError::Unavailable(format!(
                "copy: no object at {from}"
            ))),
        }
    }

    async fn delete(&self, key: &str) -> StoreResult<()> {
        self.objects().remove(key);
        Ok(())
    }

    async fn delete_prefix(&self, prefix: &str) -> StoreResult<usize> {
        let mut objects = self.objects();
        let before = objects.len();
        objects.retain(|k, _| !k.starts_with(prefix));
        Ok(before - objects.len())
    }
}
