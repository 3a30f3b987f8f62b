//! The blob-store port on S3: one private bucket, presigned GET and PUT.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;

use super::describe;
use domain::ports::blobs::check_key;
use domain::ports::{Blob, BlobError, BlobHead, BlobStore, PresignedUpload};

/// Objects in one bucket.
pub struct S3BlobStore {
    client: Client,
    bucket: String,
}

impl S3BlobStore {
    pub fn new(client: Client, bucket: String) -> Self {
        S3BlobStore { client, bucket }
    }

    /// The head of an object that refused a range: empty, unless it vanished meanwhile.
    async fn head_of_empty(&self, key: &str) -> Result<Option<BlobHead>, BlobError> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(out) => Ok(Some(BlobHead {
                bytes: Vec::new(),
                size: out
                    .content_length()
                    .and_then(|n| u64::try_from(n).ok())
                    .unwrap_or(0),
                content_type: out
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string(),
            })),
            Err(e) if describe(&e).0 == "NotFound" || status(&e) == Some(404) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }
}

fn unavailable<E, R>(e: SdkError<E, R>) -> BlobError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    BlobError::Unavailable(describe(&e).1)
}

/// The HTTP status S3 answered with, when it answered at all.
fn status<E>(e: &SdkError<E, HttpResponse>) -> Option<u16> {
    e.raw_response().map(|r| r.status().as_u16())
}

/// The total size in a `Content-Range` such as `bytes 0-4/12345`; none when it is `*` (unknown).
fn total_size(content_range: Option<&str>) -> Option<u64> {
    content_range?.rsplit_once('/')?.1.trim().parse().ok()
}

fn presigning(ttl: Duration) -> Result<PresigningConfig, BlobError> {
    PresigningConfig::expires_in(ttl).map_err(|e| BlobError::Unavailable(e.to_string()))
}

#[async_trait]
impl BlobStore for S3BlobStore {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        check_key(key)?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError> {
        check_key(key)?;
        let out = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) if describe(&e).0 == "NoSuchKey" => return Ok(None),
            Err(e) => return Err(unavailable(e)),
        };
        let content_type = out
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_string();
        let bytes = out
            .body
            .collect()
            .await
            .map_err(|e| BlobError::Unavailable(e.to_string()))?
            .into_bytes()
            .to_vec();
        Ok(Some(Blob {
            bytes,
            content_type,
        }))
    }

    async fn peek(&self, key: &str, len: usize) -> Result<Option<BlobHead>, BlobError> {
        check_key(key)?;
        // A range must name at least one byte; a zero-length peek still learns the size.
        let last = len.max(1) - 1;
        let out = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .range(format!("bytes=0-{last}"))
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) if describe(&e).0 == "NoSuchKey" => return Ok(None),
            // S3 refuses any range of an empty object; its type is still worth knowing.
            Err(e) if describe(&e).0 == "InvalidRange" || status(&e) == Some(416) => {
                return self.head_of_empty(key).await;
            }
            Err(e) => return Err(unavailable(e)),
        };
        let size = total_size(out.content_range())
            .or_else(|| out.content_length().and_then(|n| u64::try_from(n).ok()))
            .unwrap_or(0);
        let content_type = out
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_string();
        let mut bytes = out
            .body
            .collect()
            .await
            .map_err(|e| BlobError::Unavailable(e.to_string()))?
            .into_bytes()
            .to_vec();
        // A store that ignores ranges sends the whole object; keep only what was asked for.
        bytes.truncate(len);
        Ok(Some(BlobHead {
            bytes,
            size,
            content_type,
        }))
    }

    /// Every version and delete marker of `key`, each deleted by its id: on a versioned bucket
    /// a plain DeleteObject only hides the object behind a marker and keeps every version.
    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        check_key(key)?;
        let (mut key_marker, mut version_marker) = (None, None);
        loop {
            let page = self
                .client
                .list_object_versions()
                .bucket(&self.bucket)
                .prefix(key)
                .set_key_marker(key_marker)
                .set_version_id_marker(version_marker)
                .send()
                .await
                .map_err(unavailable)?;
            let versions = page.versions().iter().map(|v| (v.key(), v.version_id()));
            let markers = page
                .delete_markers()
                .iter()
                .map(|m| (m.key(), m.version_id()));
            for (_, version) in versions.chain(markers).filter(|(k, _)| *k == Some(key)) {
                self.client
                    .delete_object()
                    .bucket(&self.bucket)
                    .key(key)
                    .set_version_id(version.map(str::to_string))
                    .send()
                    .await
                    .map_err(unavailable)?;
            }
            if page.is_truncated() != Some(true) {
                return Ok(());
            }
            key_marker = page.next_key_marker().map(str::to_string);
            version_marker = page.next_version_id_marker().map(str::to_string);
        }
    }

    async fn presign_get(&self, key: &str, ttl: Duration) -> Result<String, BlobError> {
        check_key(key)?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(presigning(ttl)?)
            .await
            .map_err(unavailable)?;
        Ok(request.uri().to_string())
    }

    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        content_length: u64,
        ttl: Duration,
    ) -> Result<PresignedUpload, BlobError> {
        check_key(key)?;
        let length = i64::try_from(content_length)
            .map_err(|_| BlobError::InvalidKey("content length too large".into()))?;
        // Type and length are signed headers: an upload of another type or size is refused by S3.
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .content_length(length)
            .presigned(presigning(ttl)?)
            .await
            .map_err(unavailable)?;
        Ok(PresignedUpload {
            method: request.method().to_string(),
            url: request.uri().to_string(),
            headers: request
                .headers()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::total_size;

    #[test]
    fn the_total_size_is_read_from_the_content_range() {
        assert_eq!(total_size(Some("bytes 0-4/12345")), Some(12345));
        assert_eq!(total_size(Some("bytes 0-4/*")), None);
        assert_eq!(total_size(None), None);
    }
}
