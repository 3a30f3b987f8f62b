//! Where the dlib models and the sample photos live: fetched by `make setup`
//! (`scripts/fetch-face-data.sh`), never committed. One lookup for the local stack, the AWS-mode
//! Rekognition endpoint and the tests.

use std::path::PathBuf;

/// `FACE_DATA_DIR`, else `.cache/face-data` in the workspace this crate was built from (so a
/// test binary, the stack and a bench find the same folder whatever their working directory).
pub fn face_data_dir() -> PathBuf {
    std::env::var_os("FACE_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(".cache")
                .join("face-data")
        })
}
