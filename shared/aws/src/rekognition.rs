//! The face port on Rekognition: one collection per company (created on first use), DetectFaces
//! as the quality gate, IndexFaces to enrol (ExternalImageId = the person), SearchFacesByImage
//! to compare — enrolment photos are not kept, so CompareFaces (two images) is not an option —
//! and DeleteFaces on offboarding.

use async_trait::async_trait;
use aws_sdk_rekognition::Client;
use aws_sdk_rekognition::primitives::Blob;
use aws_sdk_rekognition::types::{Attribute, Image, QualityFilter, Reason};
use aws_smithy_runtime_api::client::result::SdkError;

use super::{THROTTLING, describe};
use domain::ports::{FaceError, FaceVerifier, check_request};

/// Smallest face box, as a share of the image's shorter side (about 80 px at 1280).
const MIN_FACE_SHARE: f32 = 0.08;
/// Largest head turn (degrees of yaw or pitch) that still counts as frontal.
const MAX_TURN_DEGREES: f32 = 25.0;

/// Rekognition behind the face port.
pub struct RekognitionFaces {
    client: Client,
    /// Prefix of collection names, so stages sharing an account never mix faces.
    prefix: String,
}

fn fault<E, R>(e: SdkError<E, R>) -> FaceError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let (code, message) = describe(&e);
    match code.as_str() {
        c if THROTTLING.contains(&c) || c == "ProvisionedThroughputExceededException" => {
            FaceError::Throttled
        }
        "InvalidImageFormatException" | "ImageTooLargeException" | "InvalidParameterException" => {
            FaceError::InvalidImage(message)
        }
        "ResourceNotFoundException" => FaceError::NotFound,
        _ => FaceError::Unavailable(message),
    }
}

/// Why IndexFaces left the face out, in the port's terms.
fn unindexed(reasons: &[Reason]) -> FaceError {
    if reasons.is_empty() {
        return FaceError::NoFace;
    }
    if reasons.contains(&Reason::ExceedsMaxFaces) {
        return FaceError::SeveralFaces(2);
    }
    if reasons.contains(&Reason::ExtremePose) {
        return FaceError::NotFrontal;
    }
    if reasons.contains(&Reason::SmallBoundingBox) {
        return FaceError::TooSmall;
    }
    let named: Vec<&str> = reasons.iter().map(|r| r.as_str()).collect();
    FaceError::PoorQuality(named.join(", ").to_lowercase().replace('_', " "))
}

fn image(jpeg: &[u8]) -> Image {
    Image::builder().bytes(Blob::new(jpeg.to_vec())).build()
}

impl RekognitionFaces {
    pub fn new(client: Client, prefix: impl Into<String>) -> Self {
        RekognitionFaces {
            client,
            prefix: prefix.into(),
        }
    }

    fn collection(&self, company: &str) -> String {
        // Collection ids allow [a-zA-Z0-9_.-]; company ids are slugs or uuids already.
        let safe: String = company
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{}{safe}", self.prefix)
    }

    /// The quality gate, as on the local matcher: one face, large enough, turned to the camera.
    async fn gate(&self, jpeg: &[u8]) -> Result<(), FaceError> {
        let out = self
            .client
            .detect_faces()
            .image(image(jpeg))
            .attributes(Attribute::Default)
            .send()
            .await
            .map_err(fault)?;
        let faces = out.face_details();
        let face = match faces.len() {
            0 => return Err(FaceError::NoFace),
            1 => &faces[0],
            n => return Err(FaceError::SeveralFaces(n)),
        };
        let share = face
            .bounding_box()
            .map(|b| b.width().unwrap_or(0.0).min(b.height().unwrap_or(0.0)))
            .unwrap_or(0.0);
        if share < MIN_FACE_SHARE {
            return Err(FaceError::TooSmall);
        }
        let turned = face.pose().is_some_and(|p| {
            p.yaw().unwrap_or(0.0).abs() > MAX_TURN_DEGREES
                || p.pitch().unwrap_or(0.0).abs() > MAX_TURN_DEGREES
        });
        if turned {
            return Err(FaceError::NotFrontal);
        }
        Ok(())
    }
}

#[async_trait]
impl FaceVerifier for RekognitionFaces {
    async fn enrol(
        &self,
        collection: &str,
        person: &str,
        jpeg: &[u8],
    ) -> Result<String, FaceError> {
        let collection = self.collection(collection);
        // Refused here rather than by the service, with the same reason, before any call.
        check_request(&collection, Some(person), Some(jpeg))?;
        self.gate(jpeg).await?;
        for first_try in [true, false] {
            let indexed = self
                .client
                .index_faces()
                .collection_id(&collection)
                .image(image(jpeg))
                .external_image_id(person)
                .max_faces(1)
                .quality_filter(QualityFilter::Auto)
                .send()
                .await;
            match indexed {
                Ok(out) => {
                    if let Some(id) = out
                        .face_records()
                        .first()
                        .and_then(|r| r.face())
                        .and_then(|f| f.face_id())
                    {
                        return Ok(id.to_string());
                    }
                    // Passed our gate but filtered by IndexFaces' own: say why.
                    let reasons = out
                        .unindexed_faces()
                        .first()
                        .map(|u| u.reasons())
                        .unwrap_or_default();
                    return Err(unindexed(reasons));
                }
                Err(e) => match fault(e) {
                    FaceError::NotFound if first_try => {
                        // The company's first enrolment: make its collection, then index again.
                        if let Err(e) = self
                            .client
                            .create_collection()
                            .collection_id(&collection)
                            .send()
                            .await
                        {
                            let (code, _) = describe(&e);
                            if code != "ResourceAlreadyExistsException" {
                                return Err(fault(e));
                            }
                        }
                    }
                    other => return Err(other),
                },
            }
        }
        Err(FaceError::Unavailable(
            "the collection could not be created".into(),
        ))
    }

    async fn compare(
        &self,
        collection: &str,
        face_id: &str,
        jpeg: &[u8],
    ) -> Result<f32, FaceError> {
        let collection = self.collection(collection);
        check_request(&collection, None, Some(jpeg))?;
        self.gate(jpeg).await?;
        let out = self
            .client
            .search_faces_by_image()
            .collection_id(collection)
            .image(image(jpeg))
            .max_faces(50)
            .face_match_threshold(0.0)
            .send()
            .await
            .map_err(fault)?;
        // Not among the matches at all means nothing like the enrolled face: similarity 0.
        Ok(out
            .face_matches()
            .iter()
            .find(|m| m.face().and_then(|f| f.face_id()) == Some(face_id))
            .and_then(|m| m.similarity())
            .unwrap_or(0.0))
    }

    async fn delete(&self, collection: &str, face_ids: &[String]) -> Result<(), FaceError> {
        if face_ids.is_empty() {
            return Ok(());
        }
        let collection = self.collection(collection);
        check_request(&collection, None, None)?;
        match self
            .client
            .delete_faces()
            .collection_id(collection)
            .set_face_ids(Some(face_ids.to_vec()))
            .send()
            .await
            .map_err(fault)
        {
            Ok(_) | Err(FaceError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
#[path = "rekognition_tests.rs"]
mod tests;
