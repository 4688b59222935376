//! The S3 adapter. Presigned `PUT`s sign `Content-Type` and `Content-Length`, so S3 refuses an
//! upload of another type or size; no checksum is signed (the SDK would otherwise pin the
//! checksum of an empty body). Objects are encrypted by the bucket's default encryption.

use super::{ObjectInfo, ObjectStore, PresignedPut};
use crate::store::{StoreError, StoreResult};
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::presigning::PresigningConfig;
use std::sync::OnceLock;
use std::time::Duration;

/// Builds the SDK client when first needed: building it costs tens of milliseconds, which a
/// cold start should not pay before a request needs documents (most never do).
type MakeClient = Box<dyn Fn() -> Client + Send + Sync>;

pub struct S3Objects {
    client: OnceLock<Client>,
    make: MakeClient,
    bucket: String,
}

fn unavailable(op: &str, e: impl std::error::Error) -> StoreError {
    StoreError::Unavailable(format!("{op}: {}", DisplayErrorContext(e)))
}

impl S3Objects {
    pub fn new(client: Client, bucket: String) -> Self {
        S3Objects::lazy(bucket, move || client.clone())
    }

    /// An adapter whose client `make` builds on first use.
    pub fn lazy(bucket: String, make: impl Fn() -> Client + Send + Sync + 'static) -> Self {
        S3Objects {
            client: OnceLock::new(),
            make: Box::new(make),
            bucket,
        }
    }

    fn client(&self) -> &Client {
        self.client.get_or_init(|| (self.make)())
    }

    /// The client settings this adapter relies on, added to `b`: checksums only where S3
    /// requires them (a presigned `PUT` must not pin an empty body's), and path-style
    /// addressing when an `endpoint` (an emulator) is given.
    pub fn configure(b: aws_sdk_s3::config::Builder, endpoint: Option<&str>) -> aws_sdk_s3::Config {
        use aws_sdk_s3::config::{RequestChecksumCalculation, ResponseChecksumValidation};
        let b = b
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
        match endpoint {
            Some(ep) => b.endpoint_url(ep).force_path_style(true).build(),
            None => b.build(),
        }
    }

    /// Creates the bucket if it is missing (local runs against an emulator only).
    pub async fn ensure_bucket(&self) -> StoreResult<()> {
        if self
            .client()
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .is_ok()
        {
            return Ok(());
        }
        self.client()
            .create_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|e| unavailable("CreateBucket", e))?;
        Ok(())
    }
}

#[async_trait]
impl ObjectStore for S3Objects {
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
        let config = PresigningConfig::expires_in(expires_in)
            .map_err(|e| StoreError::Unavailable(format!("presigning: {e}")))?;
        let length = i64::try_from(content_length)
            .map_err(|_| StoreError::Unavailable("content length out of range".into()))?;
        let req = self
            .client()
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .content_length(length)
            .presigned(config)
            .await
            .map_err(|e| unavailable("PutObject presign", e))?;
        Ok(PresignedPut {
            url: req.uri().to_string(),
            method: req.method().to_string(),
            headers: req
                .headers()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        })
    }

    async fn presign_get(&self, key: &str, expires_in: Duration) -> StoreResult<String> {
        let config = PresigningConfig::expires_in(expires_in)
            .map_err(|e| StoreError::Unavailable(format!("presigning: {e}")))?;
        let req = self
            .client()
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(config)
            .await
            .map_err(|e| unavailable("GetObject presign", e))?;
        Ok(req.uri().to_string())
    }

    async fn head(&self, key: &str) -> StoreResult<Option<ObjectInfo>> {
        let res = self
            .client()
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await;
        match res {
            Ok(o) => Ok(Some(ObjectInfo {
                content_type: o.content_type,
                content_length: o.content_length.unwrap_or(0).max(0) as u64,
            })),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
            Err(e) => Err(unavailable("HeadObject", e)),
        }
    }

    async fn first_bytes(&self, key: &str, n: usize) -> StoreResult<Option<Vec<u8>>> {
        let res = self
            .client()
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .range(format!("bytes=0-{}", n.saturating_sub(1)))
            .send()
            .await;
        let object = match res {
            Ok(o) => o,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(unavailable("GetObject", e)),
        };
        let body = object
            .body
            .collect()
            .await
            .map_err(|e| unavailable("GetObject body", e))?;
        let mut bytes = body.to_vec();
        bytes.truncate(n);
        Ok(Some(bytes))
    }

    async fn copy(&self, from: &str, to: &str) -> StoreResult<()> {
        self.client()
            .copy_object()
            .bucket(&self.bucket)
            .copy_source(format!("{}/{from}", self.bucket))
            .key(to)
            .send()
            .await
            .map_err(|e| unavailable("CopyObject", e))?;
        Ok(())
    }

    async fn delete(&self, key: &str) -> StoreResult<()> {
        self.client()
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| unavailable("DeleteObject", e))?;
        Ok(())
    }

    async fn delete_prefix(&self, prefix: &str) -> StoreResult<usize> {
        let mut deleted = 0;
        let mut token = None;
        loop {
            let page = self
                .client()
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(prefix)
                .set_continuation_token(token)
                .send()
                .await
                .map_err(|e| unavailable("ListObjectsV2", e))?;
            for key in page.contents().iter().filter_map(|o| o.key()) {
                self.delete(key).await?;
                deleted += 1;
            }
            match page.next_continuation_token {
                Some(t) if page.is_truncated == Some(true) => token = Some(t),
                _ => return Ok(deleted),
            }
        }
    }
}
