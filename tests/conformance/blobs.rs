//! The blob-store port: put, get, delete, and presigned URLs that a client can use.

use std::sync::Arc;
use std::time::Duration;

use aws_adapters::S3BlobStore;
use aws_mode::moto::MotoServer;
use domain::ports::{BlobError, BlobStore, PresignedUpload};
use embedded_adapters::FileBlobStore;
use testkit::temp_dir;

/// How a client uses presigned URLs on each side.
enum Client {
    Http(reqwest::Client),
    /// The embedded store answers its own URLs, exactly as the local stack's route does.
    Local(Arc<FileBlobStore>),
}

impl Client {
    async fn fetch(&self, url: &str) -> Option<Vec<u8>> {
        match self {
            Client::Http(http) => {
                let response = http.get(url).send().await.unwrap();
                response.status().is_success().then_some(())?;
                Some(response.bytes().await.unwrap().to_vec())
            }
            Client::Local(store) => store
                .open_presigned(url)
                .await
                .ok()
                .flatten()
                .map(|b| b.bytes),
        }
    }

    async fn upload(&self, upload: &PresignedUpload, content_type: &str, bytes: Vec<u8>) -> bool {
        match self {
            Client::Http(http) => {
                let mut request = http.put(&upload.url).body(bytes);
                for (name, value) in &upload.headers {
                    if name.eq_ignore_ascii_case("content-length") {
                        continue; // reqwest sets it from the body
                    }
                    request = request.header(
                        name,
                        if name.eq_ignore_ascii_case("content-type") {
                            content_type
                        } else {
                            value
                        },
                    );
                }
                request.send().await.unwrap().status().is_success()
            }
            Client::Local(store) => store
                .accept_presigned_put(&upload.url, content_type, bytes)
                .await
                .is_ok(),
        }
    }
}

async fn suite(store: &dyn BlobStore, client: Client) {
    let key = "acme/attendance/ram/2026-11-24/in.jpg";
    assert_eq!(store.get(key).await.unwrap(), None);
    store
        .put(key, b"\xff\xd8\xff photo".to_vec(), "image/jpeg")
        .await
        .unwrap();
    let blob = store.get(key).await.unwrap().unwrap();
    assert_eq!(
        (blob.bytes.as_slice(), blob.content_type.as_str()),
        (&b"\xff\xd8\xff photo"[..], "image/jpeg")
    );

    let url = store
        .presign_get(key, Duration::from_secs(300))
        .await
        .unwrap();
    assert_eq!(
        client.fetch(&url).await.as_deref(),
        Some(&b"\xff\xd8\xff photo"[..])
    );
    let tampered = url.replace("in.jpg", "out.jpg");
    assert_eq!(
        client.fetch(&tampered).await,
        None,
        "a URL signed for one key opens no other"
    );

    let cv = "applicants/u-1/cv.pdf";
    let upload = store
        .presign_put(cv, "application/pdf", 9, Duration::from_secs(300))
        .await
        .unwrap();
    assert_eq!(upload.method, "PUT");
    assert!(
        client
            .upload(&upload, "application/pdf", b"%PDF-1.7\n".to_vec())
            .await
    );
    assert_eq!(store.get(cv).await.unwrap().unwrap().bytes, b"%PDF-1.7\n");
    heads(store, cv).await;

    store.delete(key).await.unwrap();
    assert_eq!(store.get(key).await.unwrap(), None);
    store.delete(key).await.unwrap();
    for bad in ["", "../etc/passwd", "a//b", "a/./b"] {
        assert!(
            matches!(
                store.put(bad, vec![1], "text/plain").await,
                Err(BlobError::InvalidKey(_))
            ),
            "{bad}"
        );
    }
}

/// `peek`: the first bytes and the total size, for absent, short, large and empty blobs.
async fn heads(store: &dyn BlobStore, cv: &str) {
    assert_eq!(store.peek("applicants/u-0/cv.pdf", 5).await.unwrap(), None);
    let head = store.peek(cv, 5).await.unwrap().unwrap();
    assert_eq!(
        (head.bytes.as_slice(), head.size, head.content_type.as_str()),
        (&b"%PDF-"[..], 9, "application/pdf")
    );
    let whole = store.peek(cv, 64).await.unwrap().unwrap();
    assert_eq!(
        (whole.bytes.as_slice(), whole.size),
        (&b"%PDF-1.7\n"[..], 9),
        "asking for more than there is gives all of it"
    );

    let large = "applicants/u-2/cv.pdf";
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.resize(300 * 1024, b'x');
    store.put(large, bytes, "application/pdf").await.unwrap();
    let head = store.peek(large, 5).await.unwrap().unwrap();
    assert_eq!(
        (head.bytes.as_slice(), head.size),
        (&b"%PDF-"[..], 300 * 1024),
        "the size is the whole object's, not the part read"
    );

    let empty = "applicants/u-3/cv.pdf";
    store
        .put(empty, Vec::new(), "application/pdf")
        .await
        .unwrap();
    let head = store.peek(empty, 5).await.unwrap().unwrap();
    assert_eq!(
        (head.bytes.len(), head.size, head.content_type.as_str()),
        (0, 0, "application/pdf"),
        "an empty object is a head of nothing, not an error"
    );
    assert_eq!(store.peek(cv, 0).await.unwrap().unwrap().size, 9);

    assert!(matches!(
        store.peek("../etc/passwd", 5).await,
        Err(BlobError::InvalidKey(_))
    ));
    for key in [large, empty] {
        store.delete(key).await.unwrap();
    }
}

#[tokio::test]
async fn file_blob_store_conforms() {
    let store = Arc::new(FileBlobStore::new(
        temp_dir("blobs"),
        "http://127.0.0.1:3000".into(),
        b"k".repeat(32),
    ));
    suite(store.as_ref(), Client::Local(store.clone())).await;
    // A PUT of another type than the signed one is refused.
    let upload = store
        .presign_put("x/cv.pdf", "application/pdf", 3, Duration::from_secs(60))
        .await
        .unwrap();
    assert!(
        !Client::Local(store.clone())
            .upload(&upload, "text/html", b"<a>".to_vec())
            .await
    );
}

/// An S3 client of `moto`, addressing buckets by path as the emulator wants.
async fn s3_of(moto: &MotoServer) -> aws_sdk_s3::Client {
    let config = moto.sdk_config().await;
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    )
}

#[tokio::test]
async fn s3_blob_store_conforms_on_the_emulator() {
    let moto = MotoServer::start();
    let s3 = s3_of(&moto).await;
    s3.create_bucket()
        .bucket("genese-conformance")
        .send()
        .await
        .unwrap();
    let store = S3BlobStore::new(s3, "genese-conformance".into());
    suite(&store, Client::Http(reqwest::Client::new())).await;
}

/// What AWS does and our delete depends on: on a versioned bucket (the template's both are)
/// DeleteObject only puts a delete marker over the object, and every version stays readable by
/// its id; the store's delete removes the versions and the markers too.
#[tokio::test]
async fn on_a_versioned_bucket_a_delete_leaves_no_version_behind() {
    let moto = MotoServer::start();
    let s3 = s3_of(&moto).await;
    let bucket = "genese-versioned";
    s3.create_bucket().bucket(bucket).send().await.unwrap();
    s3.put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let versions_of = |key: &'static str| {
        let s3 = s3.clone();
        async move {
            let page = s3
                .list_object_versions()
                .bucket(bucket)
                .prefix(key)
                .send()
                .await
                .unwrap();
            let versions = page.versions().iter().filter(|v| v.key() == Some(key));
            let markers = page
                .delete_markers()
                .iter()
                .filter(|m| m.key() == Some(key));
            (versions.count(), markers.count())
        }
    };
    let key = "resumes/u-1/cv.pdf";
    let other = "resumes/u-1/cv.pdf.old";
    for bytes in [b"%PDF-1".to_vec(), b"%PDF-2".to_vec()] {
        s3.put_object()
            .bucket(bucket)
            .key(key)
            .body(bytes.into())
            .send()
            .await
            .unwrap();
    }
    s3.put_object()
        .bucket(bucket)
        .key(other)
        .body(b"%PDF-0".to_vec().into())
        .send()
        .await
        .unwrap();

    // AWS's own delete: a marker on top, both versions kept.
    s3.delete_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        versions_of(key).await,
        (2, 1),
        "both versions kept under a marker"
    );

    let store = S3BlobStore::new(s3.clone(), bucket.into());
    store.delete(key).await.unwrap();
    let page = s3
        .list_object_versions()
        .bucket(bucket)
        .prefix("resumes/")
        .send()
        .await
        .unwrap();
    let left: Vec<_> = page
        .versions()
        .iter()
        .filter_map(|v| v.key())
        .chain(page.delete_markers().iter().filter_map(|m| m.key()))
        .collect();
    assert_eq!(left, [other], "only the other key's version stays");
    store.delete(key).await.unwrap();
}
