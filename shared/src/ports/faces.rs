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
    /// Too dark, blurred or otherwise unusable; the reason is the service's own.
    #[error("the face is not clear enough ({0}); try better light")]
    PoorQuality(String),
    #[error("the photo could not be read: {0}")]
    InvalidImage(String),
    #[error("no such enrolled face")]
    NotFound,
    #[error("throttled")]
    Throttled,
    #[error("face service unavailable: {0}")]
    Unavailable(String),
}

impl FaceError {
    /// The photo's fault (the person can retake it), as opposed to the service's.
    pub fn is_photo_problem(&self) -> bool {
        matches!(
            self,
            FaceError::NoFace
                | FaceError::SeveralFaces(_)
                | FaceError::TooSmall
                | FaceError::NotFrontal
                | FaceError::PoorQuality(_)
        )
    }
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
