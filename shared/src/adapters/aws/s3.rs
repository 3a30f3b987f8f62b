//! The blob-store port on S3: one private bucket, presigned GET and PUT.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;

use super::describe;
use crate::ports::blobs::check_key;
use crate::ports::{Blob, BlobError, BlobStore, PresignedUpload};

/// Objects in one bucket.
pub struct S3BlobStore {
    client: Client,
    bucket: String,
}

impl S3BlobStore {
    pub fn new(client: Client, bucket: String) -> Self {
        S3BlobStore { client, bucket }
    }
}

fn unavailable<E, R>(e: aws_smithy_runtime_api::client::result::SdkError<E, R>) -> BlobError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    BlobError::Unavailable(describe(&e).1)
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

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        check_key(key)?;
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
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
