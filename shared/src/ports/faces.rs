//! The face-verification port: Rekognition's model reduced to what attendance uses.

use async_trait::async_trait;

/// Why a face could not be enrolled or compared.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum FaceError {
    #[error("no face was found in the photo")]
    NoFace,
    #[error("the photo shows {0} faces; exactly one is needed")]
    SeveralFaces(usize),
    #[error("the face is too small; come closer to the camera")]
    TooSmall,
    #[error("the face is not turned to the camera")]
    NotFrontal,
    #[error("the photo could not be read: {0}")]
    InvalidImage(String),
    #[error("no such enrolled face")]
    NotFound,
    #[error("throttled")]
    Throttled,
    #[error("face service unavailable: {0}")]
    Unavailable(String),
}

/// Enrols reference faces and compares probes with them, one collection per company.
#[async_trait]
pub trait FaceVerifier: Send + Sync {
    /// Quality gate, then enrols the face of `person` in `collection`; returns the face id.
    async fn enrol(&self, collection: &str, person: &str, jpeg: &[u8])
    -> Result<String, FaceError>;
    /// Quality gate on the probe, then its similarity (0–100) to the enrolled `face_id`.
    async fn compare(&self, collection: &str, face_id: &str, jpeg: &[u8])
    -> Result<f32, FaceError>;
    /// Forgets the faces; unknown ids are not an error.
    async fn delete(&self, collection: &str, face_ids: &[String]) -> Result<(), FaceError>;
}
