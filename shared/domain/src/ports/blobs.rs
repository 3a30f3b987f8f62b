//! The blob-store port: S3's object model reduced to what the product uses.

use std::time::Duration;

use async_trait::async_trait;

/// Stored bytes and their media type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blob {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

/// The first bytes of a blob, enough to recognise its format, and its total size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobHead {
    pub bytes: Vec<u8>,
    pub size: u64,
    pub content_type: String,
}

/// A signed upload a client performs itself, without passing the bytes through a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresignedUpload {
    pub method: String,
    pub url: String,
    /// Headers the client must send exactly as given; they are part of the signature.
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum BlobError {
    /// The key is not acceptable (empty, `..`, absolute).
    #[error("invalid key: {0}")]
    InvalidKey(String),
    #[error("blob store unavailable: {0}")]
    Unavailable(String),
}

/// Private object storage addressed by `/`-separated keys.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Stores `bytes` under `key`, replacing what was there.
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError>;
    /// The blob under `key`, if any.
    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError>;
    /// The first `len` bytes of the blob and its total size, without reading the rest.
    async fn peek(&self, key: &str, len: usize) -> Result<Option<BlobHead>, BlobError>;
    /// Removes the blob under `key` with every earlier version the store keeps of it, so what
    /// is deleted (an erased CV, a photo) is gone, not hidden; removing nothing is not an error.
    async fn delete(&self, key: &str) -> Result<(), BlobError>;
    /// A URL anyone holding it may GET for `ttl`.
    async fn presign_get(&self, key: &str, ttl: Duration) -> Result<String, BlobError>;
    /// A signed PUT of exactly `content_length` bytes of `content_type`, valid for `ttl`.
    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        content_length: u64,
        ttl: Duration,
    ) -> Result<PresignedUpload, BlobError>;
}

/// Rejects keys that could escape a prefix or a directory: empty segments, `.`/`..`, control chars.
pub fn check_key(key: &str) -> Result<(), BlobError> {
    let bad = key.is_empty()
        || key.len() > 1024
        || key
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        || key.chars().any(|c| c.is_control() || c == '\\');
    if bad {
        Err(BlobError::InvalidKey(key.to_string()))
    } else {
        Ok(())
    }
}
