//! Raw requests the API reference documents as invalid, each refused with Rekognition's code
//! and HTTP 400. Constraints the API model declares (patterns, lengths, ranges, list sizes,
//! image bytes of 1 byte to 5 MB) are refused by AWS's request layer as `ValidationException`;
//! the rest by Rekognition itself.

use serde_json::json;
use testkit::sample_photo;

use super::{b64, blank, live, raw};

const FACE: &str = "f5817d37-94f6-4335-bfee-6cf79a3d806e";

#[tokio::test]
async fn every_documented_invalid_input_is_refused_with_its_code() {
    let server = live();
    let (status, _, _) = raw(&server, "CreateCollection", r#"{"CollectionId":"acme"}"#).await;
    assert_eq!(status, 200);
    let photo = b64(&sample_photo("obama.jpg"));
    let long = "x".repeat(256);
    let too_big = b64(&vec![0xFF; 5 * 1024 * 1024 + 1]);
    let many: Vec<String> = (0..4097).map(|_| FACE.to_string()).collect();
    let image = json!({ "Bytes": photo });

    let cases = [
        // CollectionId: "Length Constraints: Minimum length of 1. Maximum length of 255.
        // Pattern: [a-zA-Z0-9_.\-]+"
        (
            "collection id with a space",
            "CreateCollection",
            json!({ "CollectionId": "acme corp" }),
            "ValidationException",
        ),
        (
            "empty collection id",
            "CreateCollection",
            json!({ "CollectionId": "" }),
            "ValidationException",
        ),
        (
            "256-character collection id",
            "CreateCollection",
            json!({ "CollectionId": long }),
            "ValidationException",
        ),
        (
            "no collection id",
            "CreateCollection",
            json!({}),
            "ValidationException",
        ),
        (
            "collection id with a colon",
            "IndexFaces",
            json!({ "CollectionId": "a:b", "Image": image }),
            "ValidationException",
        ),
        // ExternalImageId: 1 to 255 of [a-zA-Z0-9_.\-:]+
        (
            "an email as external image id",
            "IndexFaces",
            json!({ "CollectionId": "acme", "Image": image, "ExternalImageId": "ravi@acme.test" }),
            "ValidationException",
        ),
        (
            "empty external image id",
            "IndexFaces",
            json!({ "CollectionId": "acme", "Image": image, "ExternalImageId": "" }),
            "ValidationException",
        ),
        (
            "256-character external image id",
            "IndexFaces",
            json!({ "CollectionId": "acme", "Image": image, "ExternalImageId": long }),
            "ValidationException",
        ),
        // FaceIds: "Minimum number of 1 item. Maximum number of 4096 items", each a UUID.
        (
            "a face id that is no uuid",
            "DeleteFaces",
            json!({ "CollectionId": "acme", "FaceIds": ["ravi"] }),
            "ValidationException",
        ),
        (
            "an upper-case face id",
            "DeleteFaces",
            json!({ "CollectionId": "acme", "FaceIds": [FACE.to_uppercase()] }),
            "ValidationException",
        ),
        (
            "no face ids",
            "DeleteFaces",
            json!({ "CollectionId": "acme", "FaceIds": [] }),
            "ValidationException",
        ),
        (
            "4097 face ids",
            "DeleteFaces",
            json!({ "CollectionId": "acme", "FaceIds": many }),
            "ValidationException",
        ),
        (
            "face ids missing",
            "DeleteFaces",
            json!({ "CollectionId": "acme" }),
            "ValidationException",
        ),
        // Image.Bytes: "Minimum length of 1. Maximum length of 5242880", base64 in JSON.
        ("no image", "DetectFaces", json!({}), "ValidationException"),
        (
            "empty image bytes",
            "DetectFaces",
            json!({ "Image": { "Bytes": "" } }),
            "ValidationException",
        ),
        (
            "image bytes over 5 MB",
            "DetectFaces",
            json!({ "Image": { "Bytes": too_big } }),
            "ValidationException",
        ),
        (
            "image bytes that are not base64",
            "DetectFaces",
            json!({ "Image": { "Bytes": "not base64!" } }),
            "SerializationException",
        ),
        (
            "an image with neither bytes nor object",
            "DetectFaces",
            json!({ "Image": {} }),
            "InvalidParameterException",
        ),
        (
            "a GIF",
            "DetectFaces",
            json!({ "Image": { "Bytes": b64(b"GIF89a\x01\x00\x01\x00") } }),
            "InvalidImageFormatException",
        ),
        (
            "a truncated JPEG",
            "DetectFaces",
            json!({ "Image": { "Bytes": b64(b"\xff\xd8\xff\xe0 cut short") } }),
            "InvalidImageFormatException",
        ),
        // MaxFaces: IndexFaces at least 1; SearchFacesByImage 1 to 4096.
        (
            "index max faces 0",
            "IndexFaces",
            json!({ "CollectionId": "acme", "Image": image, "MaxFaces": 0 }),
            "ValidationException",
        ),
        (
            "search max faces 0",
            "SearchFacesByImage",
            json!({ "CollectionId": "acme", "Image": image, "MaxFaces": 0 }),
            "ValidationException",
        ),
        (
            "search max faces 4097",
            "SearchFacesByImage",
            json!({ "CollectionId": "acme", "Image": image, "MaxFaces": 4097 }),
            "ValidationException",
        ),
        // FaceMatchThreshold: 0 to 100.
        (
            "threshold below 0",
            "SearchFacesByImage",
            json!({ "CollectionId": "acme", "Image": image, "FaceMatchThreshold": -1 }),
            "ValidationException",
        ),
        (
            "threshold above 100",
            "SearchFacesByImage",
            json!({ "CollectionId": "acme", "Image": image, "FaceMatchThreshold": 100.5 }),
            "ValidationException",
        ),
        // QualityFilter: NONE | AUTO | LOW | MEDIUM | HIGH.
        (
            "an unknown quality filter",
            "IndexFaces",
            json!({ "CollectionId": "acme", "Image": image, "QualityFilter": "BEST" }),
            "ValidationException",
        ),
        // Unknown collections.
        (
            "indexing into no collection",
            "IndexFaces",
            json!({ "CollectionId": "globex", "Image": image }),
            "ResourceNotFoundException",
        ),
        (
            "searching no collection",
            "SearchFacesByImage",
            json!({ "CollectionId": "globex", "Image": image }),
            "ResourceNotFoundException",
        ),
        (
            "deleting from no collection",
            "DeleteFaces",
            json!({ "CollectionId": "globex", "FaceIds": [FACE] }),
            "ResourceNotFoundException",
        ),
        (
            "describing no collection",
            "DescribeCollection",
            json!({ "CollectionId": "globex" }),
            "ResourceNotFoundException",
        ),
        (
            "deleting no collection",
            "DeleteCollection",
            json!({ "CollectionId": "globex" }),
            "ResourceNotFoundException",
        ),
        // An existing collection made again.
        (
            "creating a collection twice",
            "CreateCollection",
            json!({ "CollectionId": "acme" }),
            "ResourceAlreadyExistsException",
        ),
        // "There are no faces in the image. Should be at least 1."
        (
            "searching with no face",
            "SearchFacesByImage",
            json!({ "CollectionId": "acme", "Image": { "Bytes": b64(&blank()) } }),
            "InvalidParameterException",
        ),
        (
            "an operation Rekognition lacks",
            "DetectEverything",
            json!({}),
            "UnknownOperationException",
        ),
    ];
    let mut wrong = Vec::new();
    for (case, operation, body, code) in &cases {
        let (status, error_type, answer) = raw(&server, operation, &body.to_string()).await;
        if status != 400 || error_type != *code {
            wrong.push(format!("{case}: {status} {error_type} {answer}"));
        }
    }
    assert!(wrong.is_empty(), "refused wrongly:\n{}", wrong.join("\n"));

    // The edges themselves are allowed: 255 characters, 4096 matches, thresholds 0 and 100.
    let edge = "x".repeat(255);
    let (status, _, answer) = raw(
        &server,
        "CreateCollection",
        &json!({ "CollectionId": edge }).to_string(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    for threshold in [0.0, 100.0] {
        let body = json!({ "CollectionId": "acme", "Image": image, "MaxFaces": 4096, "FaceMatchThreshold": threshold });
        let (status, _, answer) = raw(&server, "SearchFacesByImage", &body.to_string()).await;
        assert_eq!(status, 200, "{answer}");
    }
    let body = json!({ "CollectionId": "acme", "Image": image, "ExternalImageId": "a.b_c-d:e" });
    let (status, _, answer) = raw(&server, "IndexFaces", &body.to_string()).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn a_refusal_lists_every_broken_constraint_in_aws_words() {
    let server = live();
    let body = json!({ "CollectionId": "acme corp", "Image": { "Bytes": "" } }).to_string();
    let (status, _, answer) = raw(&server, "IndexFaces", &body).await;
    assert_eq!(status, 400);
    let message = answer["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "2 validation errors detected: Value 'acme corp' at 'collectionId' \
             failed to satisfy constraint: Member must satisfy regular expression pattern: \
             [a-zA-Z0-9_.\\-]+; Value 'java.nio.HeapByteBuffer[pos=0 lim=0 cap=0]' at \
             'image.bytes' failed to satisfy constraint"
        ),
        "{message}"
    );
}
