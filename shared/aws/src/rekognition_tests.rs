//! The Rekognition adapter against recorded responses (`events/rekognition/`): the emulator has
//! none of these operations, so these prove the request shapes we send and how each answer maps
//! onto the face port.

use aws_sdk_rekognition::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
use aws_smithy_types::body::SdkBody;
use base64::Engine;
use serde_json::Value;

use super::RekognitionFaces;
use domain::ports::{FaceError, FaceVerifier};

const SELFIE: &[u8] = b"\xff\xd8\xff\xe0 a jpeg, as far as these tests care";
const RAVI_FACE: &str = "f5817d37-94f6-4335-bfee-6cf79a3d806e";

/// One recorded answer: HTTP status and the fixture under `events/rekognition/`.
type Answer = (u16, &'static str);

fn replaying(answers: &[Answer]) -> (RekognitionFaces, StaticReplayClient) {
    let events = answers
        .iter()
        .map(|(status, name)| {
            let body = testkit::load(&format!("rekognition/{name}.json")).to_string();
            ReplayEvent::new(
                http::Request::builder()
                    .uri("https://rekognition.ap-south-1.amazonaws.com/")
                    .body(SdkBody::empty())
                    .unwrap(),
                http::Response::builder()
                    .status(*status)
                    .header("content-type", "application/x-amz-json-1.1")
                    .body(SdkBody::from(body))
                    .unwrap(),
            )
        })
        .collect();
    let replay = StaticReplayClient::new(events);
    let config = aws_sdk_rekognition::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("ap-south-1"))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .http_client(replay.clone())
        // One answer per request: the SDK's own retries would consume the next fixture.
        .retry_config(aws_sdk_rekognition::config::retry::RetryConfig::disabled())
        .build();
    let client = aws_sdk_rekognition::Client::from_conf(config);
    (RekognitionFaces::new(client, "genese-dev-"), replay)
}

/// The operations called, in order, with their JSON bodies.
fn sent(replay: &StaticReplayClient) -> Vec<(String, Value)> {
    replay
        .actual_requests()
        .map(|r| {
            let target = r.headers().get("x-amz-target").unwrap_or("").to_string();
            let body = serde_json::from_slice(r.body().bytes().unwrap()).unwrap();
            (target, body)
        })
        .collect()
}

fn operations(replay: &StaticReplayClient) -> Vec<String> {
    sent(replay)
        .into_iter()
        .map(|(t, _)| t.trim_start_matches("RekognitionService.").to_string())
        .collect()
}

fn selfie_b64() -> String {
    base64::engine::general_purpose::STANDARD.encode(SELFIE)
}

#[tokio::test]
async fn the_first_enrolment_creates_the_collection_then_indexes_the_person() {
    let (faces, replay) = replaying(&[
        (200, "detect-faces-one"),
        (400, "error-resource-not-found"),
        (200, "create-collection"),
        (200, "index-faces"),
    ]);
    let id = faces.enrol("acme", "ravi", SELFIE).await.unwrap();
    assert_eq!(id, RAVI_FACE);
    assert_eq!(
        operations(&replay),
        [
            "DetectFaces",
            "IndexFaces",
            "CreateCollection",
            "IndexFaces"
        ]
    );
    let requests = sent(&replay);
    let detect = &requests[0].1;
    assert_eq!(detect["Image"]["Bytes"], selfie_b64());
    assert_eq!(detect["Attributes"], serde_json::json!(["DEFAULT"]));
    assert_eq!(
        requests[2].1,
        serde_json::json!({ "CollectionId": "genese-dev-acme" })
    );
    let index = &requests[3].1;
    assert_eq!(index["CollectionId"], "genese-dev-acme");
    assert_eq!(index["ExternalImageId"], "ravi");
    assert_eq!(index["MaxFaces"], 1);
    assert_eq!(index["QualityFilter"], "AUTO");
    assert_eq!(index["Image"]["Bytes"], selfie_b64());
}

#[tokio::test]
async fn later_enrolments_index_straight_away() {
    let (faces, replay) = replaying(&[(200, "detect-faces-one"), (200, "index-faces")]);
    assert_eq!(
        faces.enrol("acme", "ravi", SELFIE).await.unwrap(),
        RAVI_FACE
    );
    assert_eq!(operations(&replay), ["DetectFaces", "IndexFaces"]);
}

#[tokio::test]
async fn company_ids_become_valid_collection_ids() {
    let (faces, replay) = replaying(&[(200, "detect-faces-one"), (200, "index-faces")]);
    faces.enrol("acme corp/np", "ravi", SELFIE).await.unwrap();
    assert_eq!(
        sent(&replay)[1].1["CollectionId"],
        "genese-dev-acme_corp_np"
    );
}

#[tokio::test]
async fn the_quality_gate_refuses_before_anything_is_indexed() {
    for (fixture, expected) in [
        ("detect-faces-none", FaceError::NoFace),
        ("detect-faces-two", FaceError::SeveralFaces(2)),
        ("detect-faces-turned", FaceError::NotFrontal),
        ("detect-faces-small", FaceError::TooSmall),
    ] {
        let (faces, replay) = replaying(&[(200, fixture)]);
        assert_eq!(
            faces.enrol("acme", "ravi", SELFIE).await.unwrap_err(),
            expected,
            "{fixture}"
        );
        assert_eq!(operations(&replay), ["DetectFaces"], "{fixture}");

        // The same gate guards every punch, and nothing is searched.
        let (faces, replay) = replaying(&[(200, fixture)]);
        assert_eq!(
            faces.compare("acme", RAVI_FACE, SELFIE).await.unwrap_err(),
            expected,
            "{fixture}"
        );
        assert_eq!(operations(&replay), ["DetectFaces"], "{fixture}");
    }
}

#[tokio::test]
async fn a_face_index_faces_filters_out_says_why() {
    let (faces, _) = replaying(&[(200, "detect-faces-one"), (200, "index-faces-unindexed")]);
    let refused = faces.enrol("acme", "ravi", SELFIE).await.unwrap_err();
    assert_eq!(
        refused,
        FaceError::PoorQuality("low sharpness, low face quality".into())
    );
    assert!(refused.is_photo_problem());
}

#[tokio::test]
async fn a_punch_scores_the_enrolled_face_among_the_matches() {
    let (faces, replay) = replaying(&[(200, "detect-faces-one"), (200, "search-faces-by-image")]);
    let similarity = faces.compare("acme", RAVI_FACE, SELFIE).await.unwrap();
    assert!((similarity - 99.21).abs() < 1e-3, "{similarity}");
    let search = &sent(&replay)[1];
    assert_eq!(search.0, "RekognitionService.SearchFacesByImage");
    assert_eq!(search.1["CollectionId"], "genese-dev-acme");
    assert_eq!(search.1["Image"]["Bytes"], selfie_b64());
    // Every candidate comes back, so the score is the enrolled face's own, not the best one's.
    assert_eq!(search.1["FaceMatchThreshold"], 0.0);
}

#[tokio::test]
async fn another_persons_face_scores_its_own_similarity_not_the_best_match() {
    // Sita's face is enrolled too; a punch as Sita's id with Ravi's photo must not borrow his score.
    let (faces, _) = replaying(&[(200, "detect-faces-one"), (200, "search-faces-by-image")]);
    let similarity = faces
        .compare("acme", "2c6a0d64-0e43-4cf8-a8c7-8f0b4f4d2b19", SELFIE)
        .await
        .unwrap();
    assert!((similarity - 14.07).abs() < 1e-3, "{similarity}");
}

#[tokio::test]
async fn a_stranger_absent_from_the_matches_scores_zero() {
    let (faces, _) = replaying(&[
        (200, "detect-faces-one"),
        (200, "search-faces-by-image-stranger"),
    ]);
    assert_eq!(faces.compare("acme", RAVI_FACE, SELFIE).await.unwrap(), 0.0);
}

#[tokio::test]
async fn service_errors_map_to_the_port() {
    let (faces, _) = replaying(&[(400, "error-throttling")]);
    assert_eq!(
        faces.compare("acme", RAVI_FACE, SELFIE).await.unwrap_err(),
        FaceError::Throttled
    );
    let (faces, _) = replaying(&[(400, "error-invalid-image")]);
    assert!(matches!(
        faces.enrol("acme", "ravi", SELFIE).await.unwrap_err(),
        FaceError::InvalidImage(_)
    ));
    // A punch in a company whose collection is gone: nothing enrolled to compare with.
    let (faces, _) = replaying(&[(200, "detect-faces-one"), (400, "error-resource-not-found")]);
    assert_eq!(
        faces.compare("acme", RAVI_FACE, SELFIE).await.unwrap_err(),
        FaceError::NotFound
    );
}

#[tokio::test]
async fn offboarding_deletes_the_faces_and_tolerates_a_missing_collection() {
    let (faces, replay) = replaying(&[(200, "delete-faces")]);
    faces
        .delete("acme", &[RAVI_FACE.to_string()])
        .await
        .unwrap();
    assert_eq!(
        sent(&replay)[0].1,
        serde_json::json!({ "CollectionId": "genese-dev-acme", "FaceIds": [RAVI_FACE] })
    );
    let (faces, _) = replaying(&[(400, "error-resource-not-found")]);
    faces
        .delete("acme", &[RAVI_FACE.to_string()])
        .await
        .unwrap();
    // Nobody enrolled: no call at all.
    let (faces, replay) = replaying(&[]);
    faces.delete("acme", &[]).await.unwrap();
    assert_eq!(operations(&replay), Vec::<String>::new());
}

#[tokio::test]
async fn an_external_image_id_rekognition_would_refuse_is_never_sent() {
    // Rekognition's ExternalImageId is [a-zA-Z0-9_.\-:]+: an email (the username before the
    // pool made them) fails every enrolment. Refused here, before any call, as a fault of ours.
    let (faces, replay) = replaying(&[(200, "detect-faces-one"), (200, "index-faces")]);
    let refused = faces
        .enrol("acme", "ravi@acme.test", SELFIE)
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, FaceError::Refused(m) if m.contains("ExternalImageId")),
        "{refused:?}"
    );
    assert!(operations(&replay).is_empty(), "nothing was sent");
    // An image over Rekognition's 5 MB is refused the same way.
    let big = vec![0xFF; domain::ports::MAX_IMAGE_BYTES + 1];
    assert!(matches!(
        faces.compare("acme", RAVI_FACE, &big).await,
        Err(FaceError::Refused(_))
    ));
    // A pool username (a UUID) is what goes out.
    faces
        .enrol("acme", "3f2a8c1e-5b7d-4e9f-a1c3-0d4e5f6a7b8c", SELFIE)
        .await
        .unwrap();
    assert_eq!(
        sent(&replay)[1].1["ExternalImageId"],
        "3f2a8c1e-5b7d-4e9f-a1c3-0d4e5f6a7b8c"
    );
}
