//! The operations: the five the product calls (CreateCollection, DetectFaces, IndexFaces,
//! SearchFacesByImage, DeleteFaces) and three cheap ones (DescribeCollection, DeleteCollection,
//! ListCollections). Each checks the model's constraints first, then what Rekognition itself
//! refuses, then does the work on dlib and answers in the shapes of `events/rekognition/`.

use std::path::Path;
use std::sync::Mutex;

use base64::Engine;
use embedded_adapters::{FaceModels, FoundFace, Picture};
use serde::Deserialize;
use serde_json::{Value, json};

use super::similarity::rekognition_similarity;

use super::collections::{Collections, IndexedFace};
use super::constraints::{IdPattern, Violations};
use super::face_detail::FaceDetail;
use super::refusals::Refusal;

/// The face model version collections report (the one recorded in the fixtures).
const FACE_MODEL_VERSION: &str = "7.0";
/// "Later versions of the face detection model index the 100 largest faces in the input image"
/// (IndexFaces); DetectFaces likewise "detects the 100 largest faces".
const MOST_FACES: usize = 100;
/// SearchFacesByImage's `FaceMatchThreshold` when none is sent ("The default value is 80%").
const DEFAULT_THRESHOLD: f64 = 80.0;
/// SearchFacesByImage's `MaxFaces` and DeleteFaces' `FaceIds`: at most 4096.
const MOST_MATCHES: usize = 4096;
const QUALITY_FILTERS: [&str; 5] = ["NONE", "AUTO", "LOW", "MEDIUM", "HIGH"];

/// The request members the operations read (each reads its own; AWS ignores the others).
#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    collection_id: Option<String>,
    image: Option<ImageInput>,
    external_image_id: Option<String>,
    max_faces: Option<i64>,
    face_match_threshold: Option<f64>,
    quality_filter: Option<String>,
    face_ids: Option<Vec<String>>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ImageInput {
    bytes: Option<String>,
    s3_object: Option<Value>,
}

/// One endpoint's service: the models, the collections, and the account ARNs name.
pub struct Rekognition {
    models: Mutex<FaceModels>,
    collections: Collections,
    account: String,
}

fn internal(e: String) -> Refusal {
    Refusal::new("InternalServerError", e)
}

/// The image a request sends, decoded from its base64 and measured against the model.
fn image_bytes(image: Option<&ImageInput>, v: &mut Violations) -> Result<Option<Vec<u8>>, Refusal> {
    let Some(text) = image.and_then(|i| i.bytes.as_ref()) else {
        return Ok(None);
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| Refusal::unreadable(format!("Image.Bytes is not base64: {e}")))?;
    v.image_bytes("image.bytes", bytes.len());
    Ok(Some(bytes))
}

/// The picture in `bytes`, refused as Rekognition refuses what is not a JPEG or PNG.
fn picture(bytes: Option<Vec<u8>>, image: Option<&ImageInput>) -> Result<Picture, Refusal> {
    let Some(bytes) = bytes else {
        return Err(if image.is_some_and(|i| i.s3_object.is_some()) {
            // Not Rekognition's answer: it would read the object from S3.
            Refusal::invalid_parameter("this endpoint reads Image.Bytes only, not S3Object")
        } else {
            Refusal::invalid_parameter("Request has invalid parameters")
        });
    };
    // "Amazon Rekognition supports the PNG and JPEG image formats" (guidelines and quotas).
    let jpeg = bytes.starts_with(&[0xFF, 0xD8, 0xFF]);
    let png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
    if !(jpeg || png) {
        return Err(Refusal::invalid_image());
    }
    Picture::decode(&bytes).map_err(|_| Refusal::invalid_image())
}

/// A stored face as `Face` in Rekognition's answers.
fn face_json(face: &IndexedFace) -> Value {
    let mut out = json!({
        "FaceId": face.face_id,
        "BoundingBox": face.bounding_box,
        "ImageId": face.image_id,
        "Confidence": face.confidence,
        "IndexFacesModelVersion": FACE_MODEL_VERSION,
    });
    if let Some(id) = &face.external_image_id {
        out["ExternalImageId"] = json!(id);
    }
    out
}

/// The documented smallest face, in pixels, for a picture of `width` × `height`: "no smaller
/// than 40x40 pixels in an image with 1920X1080 pixels. Images with dimensions higher than
/// 1920X1080 pixels will need a larger minimum face size proportionally" (guidelines and quotas).
fn smallest_face(width: u32, height: u32) -> f64 {
    let scale = (f64::from(width) / 1920.0)
        .max(f64::from(height) / 1080.0)
        .max(1.0);
    40.0 * scale
}

/// The collection id every collection operation requires, checked.
fn collection_id<'a>(input: &'a Input, v: &mut Violations) -> &'a str {
    let id = v.required("collectionId", &input.collection_id);
    if let Some(id) = id {
        v.text("collectionId", id, IdPattern::Collection);
    }
    id.map_or("", String::as_str)
}

impl Rekognition {
    /// Loads the models from `models_dir` and starts empty collections under `state_dir`.
    pub fn open(models_dir: &Path, state_dir: &Path, account: &str) -> Result<Rekognition, String> {
        Ok(Rekognition {
            models: Mutex::new(FaceModels::open(models_dir)?),
            collections: Collections::create(&state_dir.join("rekognition.sqlite3"))?,
            account: account.to_string(),
        })
    }

    /// Answers `operation` with the JSON `body`, signed for `region` (blocking: dlib runs here).
    pub fn call(&self, operation: &str, region: &str, body: &[u8]) -> Result<Value, Refusal> {
        let input: Input = if body.is_empty() {
            Input::default()
        } else {
            serde_json::from_slice(body).map_err(Refusal::unreadable)?
        };
        match operation {
            "CreateCollection" => self.create_collection(&input, region),
            "DescribeCollection" => self.describe_collection(&input, region),
            "DeleteCollection" => self.delete_collection(&input),
            "ListCollections" => self.list_collections(&input),
            "DetectFaces" => self.detect_faces(&input),
            "IndexFaces" => self.index_faces(&input),
            "SearchFacesByImage" => self.search_faces_by_image(&input),
            "DeleteFaces" => self.delete_faces(&input),
            other => Err(Refusal::new(
                "UnknownOperationException",
                format!("this endpoint does not emulate {other}"),
            )),
        }
    }

    fn existing(&self, id: &str) -> Result<(), Refusal> {
        match self.collections.collection(id).map_err(internal)? {
            Some(_) => Ok(()),
            None => Err(Refusal::no_collection(id)),
        }
    }

    /// Every face in `picture`, the largest first, at most [`MOST_FACES`].
    fn look(&self, picture: &Picture) -> Vec<FoundFace> {
        let models = self.models.lock().unwrap_or_else(|p| p.into_inner());
        let mut faces = models.find(picture);
        faces.sort_by_key(|f| std::cmp::Reverse(f.width() * f.height()));
        faces.truncate(MOST_FACES);
        faces
    }

    fn create_collection(&self, input: &Input, region: &str) -> Result<Value, Refusal> {
        let mut v = Violations::default();
        let id = collection_id(input, &mut v);
        v.finish()?;
        if !self.collections.add_collection(id).map_err(internal)? {
            return Err(Refusal::new(
                "ResourceAlreadyExistsException",
                format!("The collection id: {id} already exists"),
            ));
        }
        // CreateCollection's ARN has no `arn:` prefix (as recorded in create-collection.json).
        Ok(json!({
            "StatusCode": 200,
            "CollectionArn": format!("aws:rekognition:{region}:{}:collection/{id}", self.account),
            "FaceModelVersion": FACE_MODEL_VERSION,
        }))
    }

    fn describe_collection(&self, input: &Input, region: &str) -> Result<Value, Refusal> {
        let mut v = Violations::default();
        let id = collection_id(input, &mut v);
        v.finish()?;
        let info = self
            .collections
            .collection(id)
            .map_err(internal)?
            .ok_or_else(|| Refusal::no_collection(id))?;
        Ok(json!({
            "FaceCount": info.face_count,
            "UserCount": 0,
            "FaceModelVersion": FACE_MODEL_VERSION,
            "CollectionARN": format!("arn:aws:rekognition:{region}:{}:collection/{id}", self.account),
            "CreationTimestamp": info.created,
        }))
    }

    fn delete_collection(&self, input: &Input) -> Result<Value, Refusal> {
        let mut v = Violations::default();
        let id = collection_id(input, &mut v);
        v.finish()?;
        if !self.collections.remove_collection(id).map_err(internal)? {
            return Err(Refusal::no_collection(id));
        }
        Ok(json!({ "StatusCode": 200 }))
    }

    fn list_collections(&self, input: &Input) -> Result<Value, Refusal> {
        let mut v = Violations::default();
        if let Some(max) = input.max_results {
            // "MaxResults: Valid Range: Minimum value of 0. Maximum value of 4096."
            v.range(
                "maxResults",
                max as f64,
                Some(0.0),
                Some(MOST_MATCHES as f64),
            );
        }
        v.finish()?;
        let ids = self.collections.ids().map_err(internal)?;
        // The token is the offset of the next page: opaque to callers, as AWS's is.
        let start = match &input.next_token {
            Some(token) => token
                .parse::<usize>()
                .map_err(|_| Refusal::new("InvalidPaginationTokenException", "Invalid token"))?,
            None => 0,
        };
        let size = input.max_results.map_or(MOST_MATCHES, |m| m as usize);
        let page: Vec<&String> = ids.iter().skip(start).take(size).collect();
        let mut out = json!({
            "CollectionIds": page,
            "FaceModelVersions": vec![FACE_MODEL_VERSION; page.len()],
        });
        if start + page.len() < ids.len() {
            out["NextToken"] = json!((start + page.len()).to_string());
        }
        Ok(out)
    }

    fn detect_faces(&self, input: &Input) -> Result<Value, Refusal> {
        let mut v = Violations::default();
        let image = v.required("image", &input.image);
        let bytes = image_bytes(image, &mut v)?;
        v.finish()?;
        let picture = picture(bytes, image)?;
        let details: Vec<FaceDetail> = self
            .look(&picture)
            .iter()
            .map(|f| FaceDetail::of(&picture, f))
            .collect();
        Ok(json!({ "FaceDetails": details }))
    }

    fn index_faces(&self, input: &Input) -> Result<Value, Refusal> {
        let mut v = Violations::default();
        let id = collection_id(input, &mut v);
        let image = v.required("image", &input.image);
        let bytes = image_bytes(image, &mut v)?;
        if let Some(external) = &input.external_image_id {
            v.text("externalImageId", external, IdPattern::ExternalImage);
        }
        if let Some(max) = input.max_faces {
            // "The value of MaxFaces must be greater than or equal to 1."
            v.range("maxFaces", max as f64, Some(1.0), None);
        }
        let filter = input.quality_filter.as_deref().unwrap_or("AUTO");
        v.one_of("qualityFilter", filter, &QUALITY_FILTERS);
        v.finish()?;
        self.existing(id)?;
        let picture = picture(bytes, image)?;
        let faces = self.look(&picture);
        let smallest = smallest_face(picture.rgb().width(), picture.rgb().height());
        let most = input.max_faces.map_or(usize::MAX, |m| m as usize);
        let image_id = uuid::Uuid::new_v4().to_string();

        // "the faces with the lowest quality are filtered out first. If there are still more
        // faces than the value of MaxFaces, the faces with the smallest bounding boxes are
        // filtered out" — `faces` is largest first already.
        let (mut indexed, mut unindexed) = (Vec::new(), Vec::new());
        let models = self.models.lock().unwrap_or_else(|p| p.into_inner());
        for face in &faces {
            let detail = FaceDetail::of(&picture, face);
            let small = (face.width().min(face.height()) as f64) < smallest;
            let reason = if filter != "NONE" && small {
                Some("SMALL_BOUNDING_BOX")
            } else if indexed.len() >= most {
                Some("EXCEEDS_MAX_FACES")
            } else {
                None
            };
            let descriptor = match reason {
                None => models.describe(&picture, face),
                Some(_) => None,
            };
            match descriptor {
                Some(descriptor) => indexed.push((
                    IndexedFace {
                        face_id: uuid::Uuid::new_v4().to_string(),
                        image_id: image_id.clone(),
                        external_image_id: input.external_image_id.clone(),
                        bounding_box: detail.bounding_box,
                        confidence: detail.confidence,
                        descriptor,
                    },
                    detail,
                )),
                None => unindexed.push(json!({
                    "Reasons": [reason.unwrap_or("LOW_FACE_QUALITY")],
                    "FaceDetail": detail,
                })),
            }
        }
        drop(models);
        let records: Vec<Value> = indexed
            .iter()
            .map(|(face, detail)| json!({ "Face": face_json(face), "FaceDetail": detail }))
            .collect();
        let faces: Vec<IndexedFace> = indexed.into_iter().map(|(face, _)| face).collect();
        self.collections.index(id, &faces).map_err(internal)?;
        Ok(json!({
            "FaceRecords": records,
            "FaceModelVersion": FACE_MODEL_VERSION,
            "UnindexedFaces": unindexed,
        }))
    }

    fn search_faces_by_image(&self, input: &Input) -> Result<Value, Refusal> {
        let mut v = Violations::default();
        let id = collection_id(input, &mut v);
        let image = v.required("image", &input.image);
        let bytes = image_bytes(image, &mut v)?;
        if let Some(max) = input.max_faces {
            // "MaxFaces: Valid Range: Minimum value of 1. Maximum value of 4096."
            v.range("maxFaces", max as f64, Some(1.0), Some(MOST_MATCHES as f64));
        }
        if let Some(threshold) = input.face_match_threshold {
            // "FaceMatchThreshold: Valid Range: Minimum value of 0. Maximum value of 100."
            v.range("faceMatchThreshold", threshold, Some(0.0), Some(100.0));
        }
        v.finish()?;
        self.existing(id)?;
        let picture = picture(bytes, image)?;
        // "first detects the largest face in the image, and then searches the collection".
        let faces = self.look(&picture);
        let Some(largest) = faces.first() else {
            return Err(Refusal::invalid_parameter(
                "There are no faces in the image. Should be at least 1.",
            ));
        };
        let probe = {
            let models = self.models.lock().unwrap_or_else(|p| p.into_inner());
            models.describe(&picture, largest)
        }
        .ok_or_else(|| Refusal::invalid_parameter("the face could not be described"))?;
        let detail = FaceDetail::of(&picture, largest);
        let threshold = input.face_match_threshold.unwrap_or(DEFAULT_THRESHOLD);
        let mut matches: Vec<(f32, IndexedFace)> = self
            .collections
            .faces(id)
            .map_err(internal)?
            .into_iter()
            // The local matcher's score, so both stacks judge a punch alike.
            .map(|face| {
                (
                    rekognition_similarity(probe.distance(&face.descriptor)),
                    face,
                )
            })
            .filter(|(score, _)| f64::from(*score) >= threshold)
            .collect();
        matches.sort_by(|a, b| b.0.total_cmp(&a.0));
        matches.truncate(input.max_faces.map_or(MOST_MATCHES, |m| m as usize));
        let matches: Vec<Value> = matches
            .iter()
            .map(|(score, face)| json!({ "Similarity": score, "Face": face_json(face) }))
            .collect();
        Ok(json!({
            "SearchedFaceBoundingBox": detail.bounding_box,
            "SearchedFaceConfidence": detail.confidence,
            "FaceMatches": matches,
            "FaceModelVersion": FACE_MODEL_VERSION,
        }))
    }

    fn delete_faces(&self, input: &Input) -> Result<Value, Refusal> {
        let mut v = Violations::default();
        let id = collection_id(input, &mut v);
        let ids = v.required("faceIds", &input.face_ids);
        if let Some(ids) = ids {
            // "Array Members: Minimum number of 1 item. Maximum number of 4096 items."
            v.list("faceIds", ids, (1, MOST_MATCHES), IdPattern::Face);
        }
        v.finish()?;
        self.existing(id)?;
        let ids = ids.map_or(&[][..], Vec::as_slice);
        let deleted = self.collections.forget(id, ids).map_err(internal)?;
        // An id the collection does not hold comes back with the documented FACE_NOT_FOUND.
        let missing: Vec<Value> = ids
            .iter()
            .filter(|i| !deleted.contains(i))
            .map(|i| json!({ "FaceId": i, "Reasons": ["FACE_NOT_FOUND"] }))
            .collect();
        Ok(json!({ "DeletedFaces": deleted, "UnsuccessfulFaceDeletions": missing }))
    }
}
