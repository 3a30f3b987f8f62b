//! The scenarios of the adapter's fixture tests (`shared/aws/src/rekognition_tests.rs`)
//! against the live endpoint, through the product's own `RekognitionFaces` and SDK client: the
//! answers map onto the face port as the recorded ones do, carry every field the recordings
//! show, and score faces exactly as the embedded matcher does.

use std::collections::BTreeSet;

use aws_adapters::RekognitionFaces;
use aws_sdk_rekognition::error::ProvideErrorMetadata;
use aws_sdk_rekognition::primitives::Blob;
use aws_sdk_rekognition::types::Image;
use domain::ports::{FaceError, FaceVerifier};
use embedded_adapters::DlibFaces;
use serde_json::{Value, json};
use testkit::{face_data_dir, sample_photo, temp_dir};

use super::{REGION, b64, blank, client, far_away, live, raw, two_people};

/// The default `FACE_MATCH_THRESHOLD` of the attendance function.
const THRESHOLD: f32 = 80.0;
/// The adapter's collection prefix, as in its fixture tests.
const PREFIX: &str = "genese-dev-";

#[tokio::test]
async fn the_first_enrolment_creates_the_collection_and_later_ones_reuse_it() {
    let server = live();
    let client = client(&server);
    let faces = RekognitionFaces::new(client.clone(), PREFIX);

    let obama = faces
        .enrol("acme", "obama", &sample_photo("obama.jpg"))
        .await
        .unwrap();
    let listed = client.list_collections().send().await.unwrap();
    assert_eq!(listed.collection_ids(), ["genese-dev-acme"]);

    let biden = faces
        .enrol("acme", "biden", &sample_photo("biden.jpg"))
        .await
        .unwrap();
    assert_ne!(obama, biden);
    let listed = client.list_collections().send().await.unwrap();
    assert_eq!(listed.collection_ids(), ["genese-dev-acme"], "reused");
    let described = client
        .describe_collection()
        .collection_id("genese-dev-acme")
        .send()
        .await
        .unwrap();
    assert_eq!(described.face_count(), Some(2));
}

#[tokio::test]
async fn a_punch_scores_the_enrolled_face_high_for_the_same_person_and_low_for_another() {
    let server = live();
    let faces = RekognitionFaces::new(client(&server), PREFIX);
    let obama = faces
        .enrol("acme", "obama", &sample_photo("obama.jpg"))
        .await
        .unwrap();
    let biden = faces
        .enrol("acme", "biden", &sample_photo("biden.jpg"))
        .await
        .unwrap();

    let mut measured = Vec::new();
    for (photo, face, same) in [
        ("obama2.jpg", &obama, true),
        ("obama3.jpg", &obama, true),
        ("biden.jpg", &obama, false),
        // Biden's id with Obama's photo: his own score, not the best match's.
        ("obama2.jpg", &biden, false),
    ] {
        let s = faces
            .compare("acme", face, &sample_photo(photo))
            .await
            .unwrap();
        measured.push(format!("{photo}: {s:.1}"));
        assert_eq!(s >= THRESHOLD, same, "{photo} scored {s}");
    }
    eprintln!("similarities: {}", measured.join(", "));

    // Offboarding: the face is gone, so it is absent from the matches and scores 0, as a
    // stranger's does in search-faces-by-image-stranger.json.
    faces
        .delete("acme", std::slice::from_ref(&obama))
        .await
        .unwrap();
    assert_eq!(
        faces
            .compare("acme", &obama, &sample_photo("obama2.jpg"))
            .await,
        Ok(0.0)
    );
    // Deleting it again, or in a company with no collection, is not an error.
    faces
        .delete("acme", std::slice::from_ref(&obama))
        .await
        .unwrap();
    faces
        .delete("globex", std::slice::from_ref(&obama))
        .await
        .unwrap();
    // A punch in a company that never enrolled anyone: nothing to compare with.
    assert_eq!(
        faces
            .compare("globex", &obama, &sample_photo("obama2.jpg"))
            .await,
        Err(FaceError::NotFound)
    );
}

/// The deployed threshold, on Rekognition's scale (template.yaml's `FaceMatchThreshold`).
fn deployed_threshold() -> f32 {
    let default = &aws_mode::template::template()["Parameters"]["FaceMatchThreshold"]["Default"];
    default.as_f64().expect("a numeric default") as f32
}

#[tokio::test]
async fn the_endpoint_decides_as_the_embedded_matcher_on_rekognitions_scale() {
    let server = live();
    let endpoint = RekognitionFaces::new(client(&server), PREFIX);
    let embedded = DlibFaces::open(
        &face_data_dir(),
        &temp_dir("rekognition-dlib").join("faces.sqlite3"),
    )
    .unwrap();
    let enrolment = sample_photo("obama.jpg");
    let at_endpoint = endpoint.enrol("acme", "obama", &enrolment).await.unwrap();
    let at_embedded = embedded.enrol("acme", "obama", &enrolment).await.unwrap();
    for (photo, same) in [
        ("obama2.jpg", true),
        ("obama3.jpg", true),
        ("biden.jpg", false),
    ] {
        let probe = sample_photo(photo);
        let a = endpoint
            .compare("acme", &at_endpoint, &probe)
            .await
            .unwrap();
        let b = embedded
            .compare("acme", &at_embedded, &probe)
            .await
            .unwrap();
        // At their default lines (both 80) the two stacks decide alike…
        assert_eq!(
            (a >= THRESHOLD, b >= THRESHOLD),
            (same, same),
            "{photo}: endpoint {a}, embedded {b}"
        );
        // …and on Rekognition's scale the deployed threshold holds for the same person only.
        assert_eq!(a >= deployed_threshold(), same, "{photo}: endpoint {a}");
        eprintln!("{photo}: endpoint {a:.1}, embedded {b:.1}");
    }
}

#[tokio::test]
async fn the_quality_gate_refuses_as_the_recorded_answers_do() {
    let server = live();
    let client = client(&server);
    let faces = RekognitionFaces::new(client.clone(), PREFIX);
    for (label, photo, expected) in [
        ("detect-faces-none", blank(), FaceError::NoFace),
        ("detect-faces-two", two_people(), FaceError::SeveralFaces(2)),
        (
            "detect-faces-small",
            far_away(1600, 1200),
            FaceError::TooSmall,
        ),
    ] {
        assert_eq!(
            faces.enrol("acme", "x", &photo).await,
            Err(expected.clone()),
            "{label}"
        );
        assert_eq!(
            faces
                .compare("acme", "f5817d37-94f6-4335-bfee-6cf79a3d806e", &photo)
                .await,
            Err(expected),
            "{label}"
        );
    }
    // As error-invalid-image.json: not a photo at all.
    assert!(matches!(
        faces.enrol("acme", "x", b"not a jpeg").await,
        Err(FaceError::InvalidImage(_))
    ));
    // Refused before anything was indexed: no collection was made.
    let listed = client.list_collections().send().await.unwrap();
    assert!(listed.collection_ids().is_empty());
}

#[tokio::test]
async fn the_sdk_reads_each_refusal_as_its_error_code() {
    let server = live();
    let client = client(&server);
    let image = |bytes: &[u8]| Image::builder().bytes(Blob::new(bytes.to_vec())).build();
    let code = |e: &dyn ProvideErrorMetadata| e.code().unwrap_or("").to_string();

    let e = client
        .index_faces()
        .collection_id("genese-dev-acme")
        .image(image(&sample_photo("obama.jpg")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    assert!(
        e.message().unwrap_or("").contains("genese-dev-acme"),
        "{e:?}"
    );

    client
        .create_collection()
        .collection_id("genese-dev-acme")
        .send()
        .await
        .unwrap();
    let e = client
        .create_collection()
        .collection_id("genese-dev-acme")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceAlreadyExistsException");

    let e = client
        .detect_faces()
        .image(image(b"GIF89a, not a format Rekognition reads"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidImageFormatException");
    assert!(e.into_service_error().is_invalid_image_format_exception());

    let e = client
        .search_faces_by_image()
        .collection_id("genese-dev-acme")
        .image(image(&blank()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");

    let e = client
        .create_collection()
        .collection_id("acme corp")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ValidationException");
}

/// Every key path in `value` (`.Key`, with `[]` for an array's items).
fn shape(value: &Value) -> BTreeSet<String> {
    fn walk(value: &Value, path: &str, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, item) in map {
                    let here = format!("{path}.{key}");
                    out.insert(here.clone());
                    walk(item, &here, out);
                }
            }
            Value::Array(items) => items
                .iter()
                .for_each(|i| walk(i, &format!("{path}[]"), out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(value, "", &mut out);
    out
}

/// The fixture's fields the live answer lacks.
fn missing(fixture: &str, live: &Value) -> Vec<String> {
    let recorded = testkit::load(&format!("rekognition/{fixture}.json"));
    shape(&recorded).difference(&shape(live)).cloned().collect()
}

#[tokio::test]
async fn answers_carry_every_field_the_recordings_show() {
    let server = live();
    let obama = b64(&sample_photo("obama.jpg"));

    let (status, _, created) = raw(
        &server,
        "CreateCollection",
        r#"{"CollectionId":"genese-dev-acme"}"#,
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(missing("create-collection", &created), Vec::<String>::new());
    assert_eq!(
        created["CollectionArn"],
        format!("aws:rekognition:{REGION}:000000000000:collection/genese-dev-acme")
    );

    let detect = json!({ "Image": { "Bytes": obama }, "Attributes": ["DEFAULT"] }).to_string();
    let (status, _, detected) = raw(&server, "DetectFaces", &detect).await;
    assert_eq!(status, 200, "{detected}");
    // The fixture's mouth corners have no dlib counterpart (see face_detail.rs); its landmark
    // items' keys (Type, X, Y) are still all there.
    assert_eq!(missing("detect-faces-one", &detected), Vec::<String>::new());
    let face = &detected["FaceDetails"][0];
    for side in ["Width", "Height", "Left", "Top"] {
        let share = face["BoundingBox"][side].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&share), "{side} {share}");
    }
    for turn in ["Yaw", "Pitch", "Roll"] {
        let degrees = face["Pose"][turn].as_f64().unwrap();
        assert!(
            degrees.abs() < 25.0,
            "a frontal portrait's {turn} is {degrees}"
        );
    }

    let index = json!({
        "CollectionId": "genese-dev-acme",
        "Image": { "Bytes": obama },
        "ExternalImageId": "ravi",
        "MaxFaces": 1,
        "QualityFilter": "AUTO",
    })
    .to_string();
    let (status, _, indexed) = raw(&server, "IndexFaces", &index).await;
    assert_eq!(status, 200, "{indexed}");
    assert_eq!(missing("index-faces", &indexed), Vec::<String>::new());
    assert_eq!(indexed["FaceRecords"][0]["Face"]["ExternalImageId"], "ravi");

    let search = json!({
        "CollectionId": "genese-dev-acme",
        "Image": { "Bytes": b64(&sample_photo("obama2.jpg")) },
        "MaxFaces": 50,
        "FaceMatchThreshold": 0.0,
    })
    .to_string();
    let (status, _, found) = raw(&server, "SearchFacesByImage", &search).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(
        missing("search-faces-by-image", &found),
        Vec::<String>::new()
    );

    // Errors: exactly the recorded keys, code and header.
    for (fixture, operation, body) in [
        (
            "error-resource-not-found",
            "IndexFaces",
            json!({ "CollectionId": "genese-dev-globex", "Image": { "Bytes": obama } }),
        ),
        (
            "error-invalid-image",
            "DetectFaces",
            json!({ "Image": { "Bytes": b64(b"not an image") } }),
        ),
    ] {
        let (status, error_type, refused) = raw(&server, operation, &body.to_string()).await;
        let recorded = testkit::load(&format!("rekognition/{fixture}.json"));
        assert_eq!(status, 400, "{fixture}: {refused}");
        assert_eq!(shape(&refused), shape(&recorded), "{fixture}: {refused}");
        assert_eq!(refused["__type"], recorded["__type"], "{fixture}");
        assert_eq!(refused["Code"], recorded["Code"], "{fixture}");
        assert_eq!(
            error_type,
            recorded["__type"].as_str().unwrap(),
            "{fixture}"
        );
    }
}

#[tokio::test]
async fn index_faces_says_why_it_left_a_face_out() {
    let server = live();
    raw(&server, "CreateCollection", r#"{"CollectionId":"c"}"#).await;
    let index = |bytes: Vec<u8>, extra: Value| {
        let mut body = json!({ "CollectionId": "c", "Image": { "Bytes": b64(&bytes) } });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body.to_string()
    };

    // Two faces, one wanted: the larger is indexed, the other exceeds MaxFaces.
    let (_, _, two) = raw(
        &server,
        "IndexFaces",
        &index(two_people(), json!({ "MaxFaces": 1 })),
    )
    .await;
    assert_eq!(two["FaceRecords"].as_array().unwrap().len(), 1, "{two}");
    assert_eq!(
        two["UnindexedFaces"][0]["Reasons"],
        json!(["EXCEEDS_MAX_FACES"])
    );
    let width = |v: &Value| v["BoundingBox"]["Width"].as_f64().unwrap();
    assert!(
        width(&two["FaceRecords"][0]["Face"]) > width(&two["UnindexedFaces"][0]["FaceDetail"]),
        "{two}"
    );

    // A face under the documented 40 px at 1920x1080, scaled up for a 4000x3000 picture.
    let distant = far_away(4000, 3000);
    let (_, _, small) = raw(&server, "IndexFaces", &index(distant.clone(), json!({}))).await;
    assert_eq!(small["FaceRecords"], json!([]), "{small}");
    assert_eq!(
        small["UnindexedFaces"][0]["Reasons"],
        json!(["SMALL_BOUNDING_BOX"])
    );
    // With no quality filter it is indexed all the same.
    let (_, _, unfiltered) = raw(
        &server,
        "IndexFaces",
        &index(distant, json!({ "QualityFilter": "NONE" })),
    )
    .await;
    assert_eq!(
        unfiltered["FaceRecords"].as_array().unwrap().len(),
        1,
        "{unfiltered}"
    );

    // No face at all: nothing indexed and no reason, which the adapter reads as NoFace.
    let (_, _, none) = raw(&server, "IndexFaces", &index(blank(), json!({}))).await;
    assert_eq!(none["FaceRecords"], json!([]));
    assert_eq!(none["UnindexedFaces"], json!([]));
}
