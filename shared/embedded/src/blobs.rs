//! The blob-store port on the file system, with HMAC-signed URLs that the local stack serves
//! at `/local/blobs/{key}` the way S3 serves presigned URLs.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::io::AsyncReadExt;

use domain::ports::blobs::check_key;
use domain::ports::{Blob, BlobError, BlobHead, BlobStore, PresignedUpload};

/// Objects under `root/objects`, their media types under `root/types`.
pub struct FileBlobStore {
    root: PathBuf,
    base_url: String,
    signing_key: Vec<u8>,
}

/// Route prefix of presigned URLs on the local stack.
pub const PRESIGNED_PREFIX: &str = "/local/blobs/";

fn io(e: std::io::Error) -> BlobError {
    BlobError::Unavailable(e.to_string())
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Percent-encodes everything but unreserved characters and `/`.
fn encode_path(key: &str) -> String {
    key.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn decode_path(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl FileBlobStore {
    /// A store under `root`; presigned URLs start with `base_url` and are signed with `signing_key`.
    pub fn new(root: PathBuf, base_url: String, signing_key: Vec<u8>) -> Self {
        FileBlobStore {
            root,
            base_url: base_url.trim_end_matches('/').to_string(),
            signing_key,
        }
    }

    fn paths(&self, key: &str) -> Result<(PathBuf, PathBuf), BlobError> {
        check_key(key)?;
        Ok((
            self.root.join("objects").join(key),
            self.root.join("types").join(key),
        ))
    }

    fn signature(&self, canonical: &str) -> String {
        let mut mac =
            <Hmac<Sha256>>::new_from_slice(&self.signing_key).expect("HMAC takes any key length");
        mac.update(canonical.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn signed_url(&self, key: &str, canonical: &str, expires: u64) -> String {
        format!(
            "{}{PRESIGNED_PREFIX}{}?expires={expires}&signature={}",
            self.base_url,
            encode_path(key),
            self.signature(canonical)
        )
    }

    /// Parses a presigned URL (or its path and query) into key, expiry and signature.
    fn parse(&self, url: &str) -> Result<(String, u64, String), BlobError> {
        let bad = || BlobError::InvalidKey("malformed presigned URL".into());
        let start = url.find(PRESIGNED_PREFIX).ok_or_else(bad)? + PRESIGNED_PREFIX.len();
        let (path, query) = url[start..].split_once('?').ok_or_else(bad)?;
        let key = decode_path(path).ok_or_else(bad)?;
        let mut expires = None;
        let mut signature = None;
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("expires", v)) => expires = v.parse().ok(),
                Some(("signature", v)) => signature = Some(v.to_string()),
                _ => {}
            }
        }
        Ok((key, expires.ok_or_else(bad)?, signature.ok_or_else(bad)?))
    }

    fn verify(&self, canonical: &str, signature: &str, expires: u64) -> bool {
        let expected = self.signature(canonical);
        // Constant-time comparison: the difference is accumulated, not returned early.
        let same = expected.len() == signature.len()
            && expected
                .bytes()
                .zip(signature.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        same && now_secs() <= expires
    }

    /// Serves a presigned GET: the blob if the signature holds and has not expired; `Ok(None)`
    /// for an unknown key; `InvalidKey` for a bad, forged or expired URL.
    pub async fn open_presigned(&self, url: &str) -> Result<Option<Blob>, BlobError> {
        let (key, expires, signature) = self.parse(url)?;
        if !self.verify(&format!("GET\n{key}\n{expires}"), &signature, expires) {
            return Err(BlobError::InvalidKey(
                "the URL's signature is invalid or has expired".into(),
            ));
        }
        self.get(&key).await
    }

    /// Serves a presigned PUT: stores `bytes` if the URL was signed for this type and length.
    pub async fn accept_presigned_put(
        &self,
        url: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<(), BlobError> {
        let (key, expires, signature) = self.parse(url)?;
        let canonical = format!("PUT\n{key}\n{expires}\n{content_type}\n{}", bytes.len());
        if !self.verify(&canonical, &signature, expires) {
            return Err(BlobError::InvalidKey(
                "the URL's signature does not match this upload or has expired".into(),
            ));
        }
        self.put(&key, bytes, content_type).await
    }
}

async fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BlobError> {
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(io)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", uuid::Uuid::new_v4().simple()));
    tokio::fs::write(&tmp, bytes).await.map_err(io)?;
    tokio::fs::rename(&tmp, path).await.map_err(io)
}

/// The media type stored beside an object; S3's default when none was recorded.
async fn read_content_type(kind: &Path) -> String {
    tokio::fs::read_to_string(kind)
        .await
        .unwrap_or_else(|_| "application/octet-stream".into())
}

impl FileBlobStore {
    /// Now on the clock that stamps what is written here (the file system's): S3 judges an
    /// object's age on its own clock, and so does [`FileBlobStore::expire`]; a process clock
    /// moved by a test or a date run would not move the stamps.
    pub async fn stamp_now(&self) -> Result<SystemTime, BlobError> {
        let probe = self.root.join(".clock");
        tokio::fs::create_dir_all(&self.root).await.map_err(io)?;
        tokio::fs::write(&probe, b"").await.map_err(io)?;
        tokio::fs::metadata(&probe)
            .await
            .and_then(|m| m.modified())
            .map_err(io)
    }

    /// What an S3 lifecycle expiration rule does, done when asked: deletes every object under
    /// `prefix` written more than `max_age` ago; how many it deleted.
    pub async fn expire(&self, prefix: &str, max_age: Duration) -> Result<usize, BlobError> {
        let cutoff = self
            .stamp_now()
            .await?
            .checked_sub(max_age)
            .unwrap_or(UNIX_EPOCH);
        let objects = self.root.join("objects");
        let start = objects.join(prefix.trim_end_matches('/'));
        let stale = tokio::task::spawn_blocking(move || {
            let mut stale = Vec::new();
            let mut dirs = vec![start];
            while let Some(dir) = dirs.pop() {
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let path = entry.path();
                    let Ok(meta) = entry.metadata() else { continue };
                    if meta.is_dir() {
                        dirs.push(path);
                    } else if meta.modified().is_ok_and(|m| m < cutoff)
                        && let Ok(key) = path.strip_prefix(&objects)
                    {
                        stale.push(key.to_string_lossy().replace('\\', "/"));
                    }
                }
            }
            stale
        })
        .await
        .map_err(|e| BlobError::Unavailable(format!("expiry walk: {e}")))?;
        for key in &stale {
            self.delete(key).await?;
        }
        Ok(stale.len())
    }
}

#[async_trait]
impl BlobStore for FileBlobStore {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        let (object, kind) = self.paths(key)?;
        write_atomically(&kind, content_type.as_bytes()).await?;
        write_atomically(&object, &bytes).await
    }

    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError> {
        let (object, kind) = self.paths(key)?;
        let bytes = match tokio::fs::read(&object).await {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        Ok(Some(Blob {
            bytes,
            content_type: read_content_type(&kind).await,
        }))
    }

    async fn peek(&self, key: &str, len: usize) -> Result<Option<BlobHead>, BlobError> {
        let (object, kind) = self.paths(key)?;
        let file = match tokio::fs::File::open(&object).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        let size = file.metadata().await.map_err(io)?.len();
        let mut bytes = Vec::new();
        // Only the head is read: a CV may be megabytes, its format is in the first few bytes.
        file.take(len as u64)
            .read_to_end(&mut bytes)
            .await
            .map_err(io)?;
        Ok(Some(BlobHead {
            bytes,
            size,
            content_type: read_content_type(&kind).await,
        }))
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        let (object, kind) = self.paths(key)?;
        for (path, top) in [(object, "objects"), (kind, "types")] {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(e)),
            }
            // S3 has no folders: a key's prefix goes with its last object (and with it the
            // erased applicant's id that names it).
            let top = self.root.join(top);
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| *d != top && d.starts_with(&top)) {
                if tokio::fs::remove_dir(d).await.is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        Ok(())
    }

    async fn presign_get(&self, key: &str, ttl: Duration) -> Result<String, BlobError> {
        check_key(key)?;
        let expires = now_secs() + ttl.as_secs();
        Ok(self.signed_url(key, &format!("GET\n{key}\n{expires}"), expires))
    }

    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        content_length: u64,
        ttl: Duration,
    ) -> Result<PresignedUpload, BlobError> {
        check_key(key)?;
        let expires = now_secs() + ttl.as_secs();
        let canonical = format!("PUT\n{key}\n{expires}\n{content_type}\n{content_length}");
        Ok(PresignedUpload {
            method: "PUT".into(),
            url: self.signed_url(key, &canonical, expires),
            headers: vec![
                ("content-type".into(), content_type.into()),
                ("content-length".into(), content_length.to_string()),
            ],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn deleting_a_keys_last_object_leaves_no_folder_named_by_its_prefix() {
        let root = testkit::temp_dir("blobs-prune");
        let store = FileBlobStore::new(root.clone(), "http://127.0.0.1:1".into(), vec![7; 32]);
        store
            .put("resumes/u-1/cv.pdf", b"%PDF-".to_vec(), "application/pdf")
            .await
            .unwrap();
        store
            .put("resumes/u-2/cv.pdf", b"%PDF-".to_vec(), "application/pdf")
            .await
            .unwrap();
        store.delete("resumes/u-1/cv.pdf").await.unwrap();
        for top in ["objects", "types"] {
            assert!(!root.join(top).join("resumes/u-1").exists(), "{top}");
            assert!(
                root.join(top).join("resumes/u-2").exists(),
                "{top}: others stay"
            );
        }
        store.delete("resumes/u-2/cv.pdf").await.unwrap();
        assert!(
            root.join("objects").exists(),
            "the store's own folders stay"
        );
    }

    #[tokio::test]
    async fn expiry_deletes_what_is_older_than_the_cutoff_under_its_prefix_only() {
        let root = testkit::temp_dir("blobs-expire");
        let store = FileBlobStore::new(root.clone(), "http://127.0.0.1:1".into(), vec![7; 32]);
        for key in [
            "resumes/old/cv.pdf",
            "resumes/new/cv.pdf",
            "attendance/a/old.jpg",
        ] {
            store
                .put(key, b"x".to_vec(), "application/pdf")
                .await
                .unwrap();
        }
        let now = store.stamp_now().await.unwrap();
        let day = Duration::from_secs(86_400);
        for (key, at) in [
            ("resumes/old/cv.pdf", now - 200 * day),
            ("resumes/new/cv.pdf", now - day),
            ("attendance/a/old.jpg", now - 200 * day),
        ] {
            std::fs::File::options()
                .write(true)
                .open(root.join("objects").join(key))
                .unwrap()
                .set_modified(at)
                .unwrap();
        }
        let max_age = 180 * day;
        assert_eq!(store.expire("resumes/", max_age).await.unwrap(), 1);
        assert!(store.get("resumes/old/cv.pdf").await.unwrap().is_none());
        assert!(store.get("resumes/new/cv.pdf").await.unwrap().is_some());
        assert!(
            store.get("attendance/a/old.jpg").await.unwrap().is_some(),
            "another prefix has its own rule"
        );
        assert_eq!(store.expire("resumes/", max_age).await.unwrap(), 0);
    }
}
