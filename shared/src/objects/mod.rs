//! Private object storage for KYC document images: the port and its two adapters, S3
//! ([`s3::S3Objects`], `aws-sdk-s3`) and a local stand-in ([`local::LocalObjects`]) that the local
//! server serves at `PUT` and `GET /_dev/uploads/...`.
//!
//! The app never gets credentials: it gets a presigned `PUT` for one key with the content type
//! and length pinned, valid for minutes. Keys are made by the service, never by a client.

pub mod local;
pub mod s3;

use crate::store::StoreResult;
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::time::Duration;

/// A presigned upload: send the bytes to `url` with `method` and exactly these `headers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedPut {
    pub url: String,
    pub method: String,
    pub headers: BTreeMap<String, String>,
}

/// What a stored object's metadata says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub content_type: Option<String>,
    pub content_length: u64,
}

#[async_trait]
pub trait ObjectStore: Send + Sync {
    /// The bucket the keys live in.
    fn bucket(&self) -> &str;
    /// A URL that lets its holder `PUT` exactly `content_length` bytes of `content_type` at
    /// `key` until `expires_in` has passed.
    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        content_length: u64,
        expires_in: Duration,
    ) -> StoreResult<PresignedPut>;
    /// A URL that lets its holder `GET` the object at `key` until `expires_in` has passed
    /// (admin review of KYC images).
    async fn presign_get(&self, key: &str, expires_in: Duration) -> StoreResult<String>;
    /// The object's metadata, or `None` when nothing is stored at `key`.
    async fn head(&self, key: &str) -> StoreResult<Option<ObjectInfo>>;
    /// The object's first `n` bytes (fewer when it is shorter; a ranged read, never the whole
    /// object), or `None` when nothing is stored at `key`.
    async fn first_bytes(&self, key: &str, n: usize) -> StoreResult<Option<Vec<u8>>>;
    /// Copies the object at `from` to `to` (within the bucket).
    async fn copy(&self, from: &str, to: &str) -> StoreResult<()>;
    /// Deletes the object at `key` (nothing stored is not an error).
    async fn delete(&self, key: &str) -> StoreResult<()>;
    /// Deletes every object whose key starts with `prefix`; returns how many.
    async fn delete_prefix(&self, prefix: &str) -> StoreResult<usize>;
}

/// The port in a function built without an object-store adapter for the configured store (see
/// `aws::Adapters`): every call fails as unavailable, a clean 5xx.
pub struct NotLinked;

fn not_linked<T>() -> StoreResult<T> {
    Err(crate::store::StoreError::Unavailable(
        "this function is built without document storage".into(),
    ))
}

#[async_trait]
impl ObjectStore for NotLinked {
    fn bucket(&self) -> &str {
        ""
    }
    async fn presign_put(
        &self,
        _: &str,
        _: &str,
        _: u64,
        _: Duration,
    ) -> StoreResult<PresignedPut> {
        not_linked()
    }
    async fn presign_get(&self, _: &str, _: Duration) -> StoreResult<String> {
        not_linked()
    }
    async fn head(&self, _: &str) -> StoreResult<Option<ObjectInfo>> {
        not_linked()
    }
    async fn first_bytes(&self, _: &str, _: usize) -> StoreResult<Option<Vec<u8>>> {
        not_linked()
    }
    async fn copy(&self, _: &str, _: &str) -> StoreResult<()> {
        not_linked()
    }
    async fn delete(&self, _: &str) -> StoreResult<()> {
        not_linked()
    }
    async fn delete_prefix(&self, _: &str) -> StoreResult<usize> {
        not_linked()
    }
}
