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
    /// The request breaks the service's own constraints (an id's pattern, an image's size):
    /// our fault, never the person's.
    #[error("the face service refuses the request: {0}")]
    Refused(String),
}

/// Rekognition's largest image, as raw bytes.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// Checks what a call sends against Rekognition's constraints, which both adapters enforce: a
/// collection id is 1 to 255 of `[a-zA-Z0-9_.\-]`, an `ExternalImageId` (the person) 1 to 255
/// of `[a-zA-Z0-9_.\-:]` (so no `@`: never an email), an image at most 5 MB.
pub fn check_request(
    collection: &str,
    person: Option<&str>,
    image: Option<&[u8]>,
) -> Result<(), FaceError> {
    let fits = |value: &str, extra: &[char]| {
        (1..=255).contains(&value.len())
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c) || extra.contains(&c))
    };
    if !fits(collection, &[]) {
        return Err(FaceError::Refused(format!(
            "CollectionId `{collection}` must be 1 to 255 of [a-zA-Z0-9_.\\-]"
        )));
    }
    if let Some(person) = person
        && !fits(person, &[':'])
    {
        return Err(FaceError::Refused(format!(
            "ExternalImageId `{person}` must be 1 to 255 of [a-zA-Z0-9_.\\-:]"
        )));
    }
    if let Some(image) = image
        && image.len() > MAX_IMAGE_BYTES
    {
        return Err(FaceError::Refused(format!(
            "the image is {} bytes; at most {MAX_IMAGE_BYTES}",
            image.len()
        )));
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_keep_to_rekognitions_constraints() {
        let uuid = "3f2a8c1e-5b7d-4e9f-a1c3-0d4e5f6a7b8c";
        assert_eq!(
            check_request("genese-dev-acme", Some(uuid), Some(b"jpeg")),
            Ok(())
        );
        assert_eq!(
            check_request("genese-dev-acme", Some("a.b_c-d:e"), None),
            Ok(())
        );
        for (collection, person) in [
            ("genese dev", None),
            ("", None),
            ("acme", Some("ravi@acme.test")),
            ("acme", Some("")),
        ] {
            assert!(
                matches!(
                    check_request(collection, person, None),
                    Err(FaceError::Refused(_))
                ),
                "{collection:?} {person:?}"
            );
        }
        let long = "x".repeat(256);
        assert!(check_request(&long, None, None).is_err());
        let big = vec![0u8; MAX_IMAGE_BYTES + 1];
        assert!(matches!(
            check_request("acme", None, Some(&big)),
            Err(FaceError::Refused(m)) if m.contains("bytes")
        ));
    }
}
