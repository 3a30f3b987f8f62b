//! The request body of a photo: `{"photo": "<base64>"}`, a data-URL prefix tolerated.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

use crate::error::ApiError;
use crate::http::parse_json;

/// Largest photo accepted, decoded: 4 MiB. As base64 text in a JSON body (4/3 of it) inside the
/// REST event, with the request's headers twice, it must stay under Lambda's 6,291,456-byte
/// event limit, or API Gateway answers the request itself; 5 MiB would be some 7 MB there.
pub const MAX_PHOTO_BYTES: usize = 4 * 1024 * 1024;

/// A photo body, `{"photo": "<base64 of JPEG, PNG or WebP>"}` (a `data:` URL prefix tolerated).
#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PhotoBody {
    /// Base64 of the image, at most 4 MiB decoded.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
        )
    )]
    pub photo: String,
}

/// The decoded bytes of the body's `photo`, refused by field when they are not base64, empty
/// or larger than [`MAX_PHOTO_BYTES`].
pub fn decode_body(content_type: Option<&str>, bytes: &[u8]) -> Result<Vec<u8>, ApiError> {
    let body: PhotoBody = parse_json(content_type, bytes)?;
    let mut text = body.photo.as_str();
    if let Some(rest) = text.strip_prefix("data:") {
        text = rest
            .split_once(";base64,")
            .map(|(_, data)| data)
            .ok_or_else(|| ApiError::bad_request("photo", "a data URL must be base64"))?;
    }
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return Err(ApiError::bad_request("photo", "the photo is empty"));
    }
    // Check the size before decoding: base64 is 4 characters per 3 bytes.
    if compact.len() / 4 * 3 > MAX_PHOTO_BYTES + 3 {
        return Err(too_big());
    }
    let decoded = STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| ApiError::bad_request("photo", "the photo is not valid base64"))?;
    if decoded.len() > MAX_PHOTO_BYTES {
        return Err(too_big());
    }
    Ok(decoded)
}

fn too_big() -> ApiError {
    ApiError::payload_too_large(format!(
        "the photo is larger than {} MiB; send it smaller or at a lower quality",
        MAX_PHOTO_BYTES / (1024 * 1024)
    ))
    .with_field("photo")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The REST event a photo body travels in: the check-in fixture with the body, and headers
    /// filling API Gateway's 10,240-byte quota, which the event carries twice.
    fn event_bytes(photo_bytes: usize) -> usize {
        let mut event = testkit::load("attendance/post-check-in.json");
        let photo = STANDARD.encode(vec![0u8; photo_bytes]);
        event["body"] = serde_json::json!({ "photo": photo }).to_string().into();
        let filler = "x".repeat(10 * 1024);
        event["headers"]["x-filler"] = filler.clone().into();
        event["multiValueHeaders"]["x-filler"] = serde_json::json!([filler]);
        event.to_string().len()
    }

    #[test]
    fn the_largest_photo_fits_lambdas_event_limit_and_five_mib_would_not() {
        let limit = crate::http::MAX_SYNC_EVENT_BYTES;
        assert!(
            event_bytes(MAX_PHOTO_BYTES) < limit,
            "{}",
            event_bytes(MAX_PHOTO_BYTES)
        );
        assert!(
            event_bytes(5 * 1024 * 1024) > limit,
            "the old cap was past it"
        );
    }

    fn body(photo: &str) -> Vec<u8> {
        serde_json::json!({ "photo": photo })
            .to_string()
            .into_bytes()
    }

    #[test]
    fn base64_with_or_without_a_data_url_prefix_decodes() {
        let encoded = STANDARD.encode(b"\xFF\xD8\xFFhello");
        let json = Some("application/json");
        assert_eq!(
            decode_body(json, &body(&encoded)).unwrap(),
            b"\xFF\xD8\xFFhello"
        );
        let url = format!("data:image/jpeg;base64,{}\n", encoded);
        assert_eq!(
            decode_body(json, &body(&url)).unwrap(),
            b"\xFF\xD8\xFFhello"
        );
    }

    #[test]
    fn bad_bodies_name_the_photo_field() {
        let json = Some("application/json");
        for (raw, status) in [
            (body("not base64!!"), 400),
            (body(""), 400),
            (body("data:image/png,rawbytes"), 400),
            (body(&"A".repeat(8 * 1024 * 1024)), 413),
        ] {
            let e = decode_body(json, &raw).unwrap_err();
            assert_eq!(
                (e.status.as_u16(), e.field.as_deref()),
                (status, Some("photo"))
            );
        }
        let e = decode_body(json, br#"{"photo": "AAAA", "gps": 1}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("gps"));
        assert_eq!(
            decode_body(Some("image/jpeg"), b"x").unwrap_err().status,
            415
        );
    }
}
