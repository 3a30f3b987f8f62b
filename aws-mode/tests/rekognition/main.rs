//! AWS mode's Rekognition endpoint, live, with the real photos `make setup` fetches: the
//! product's own adapter against it ([`conformance`]) and raw requests it must refuse as
//! Rekognition does ([`refusals`]). Without the face data every test fails, naming the remedy.

mod conformance;
mod refusals;

use std::io::Cursor;

use aws_mode::rekognition::RekognitionServer;
use aws_sdk_rekognition::config::retry::RetryConfig;
use aws_sdk_rekognition::config::{BehaviorVersion, Credentials, Region};
use base64::Engine;
use image::{DynamicImage, ImageFormat, RgbImage};
use serde_json::Value;
use testkit::{face_data_dir, sample_photo, temp_dir};

/// The region the clients sign for, and so the one ARNs must name.
const REGION: &str = "ap-south-1";

/// A fresh endpoint with no collections.
fn live() -> RekognitionServer {
    RekognitionServer::start(&face_data_dir(), &temp_dir("rekognition"))
        .unwrap_or_else(|e| panic!("the Rekognition endpoint did not start: {e}"))
}

/// An SDK client aimed at `server`, as a function's would be through AWS mode.
fn client(server: &RekognitionServer) -> aws_sdk_rekognition::Client {
    let config = aws_sdk_rekognition::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .endpoint_url(server.endpoint())
        // One answer per call: a retried refusal would hide what the endpoint said.
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_rekognition::Client::from_conf(config)
}

/// One raw AWS JSON 1.1 call, signed (in form only) for [`REGION`]: status, the
/// `x-amzn-ErrorType` header, and the JSON body.
async fn raw(server: &RekognitionServer, operation: &str, body: &str) -> (u16, String, Value) {
    let answer = reqwest::Client::new()
        .post(server.endpoint())
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("RekognitionService.{operation}"))
        .header(
            "authorization",
            format!(
                "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/{REGION}/rekognition/aws4_request, \
                 SignedHeaders=host;x-amz-date, Signature=0"
            ),
        )
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let error_type = answer
        .headers()
        .get("x-amzn-errortype")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = answer.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, error_type, json)
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn jpeg(picture: &RgbImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(picture.clone())
        .write_to(&mut out, ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

fn photo(name: &str) -> RgbImage {
    image::load_from_memory(&sample_photo(name))
        .unwrap()
        .to_rgb8()
}

/// A wall with no face.
fn blank() -> Vec<u8> {
    jpeg(&RgbImage::from_pixel(400, 300, image::Rgb([200, 180, 160])))
}

/// Two real faces side by side (Biden's the larger).
fn two_people() -> Vec<u8> {
    let (a, b) = (photo("obama.jpg"), photo("biden.jpg"));
    let mut both = RgbImage::new(a.width() + b.width(), a.height().max(b.height()));
    image::imageops::replace(&mut both, &a, 0, 0);
    image::imageops::replace(&mut both, &b, i64::from(a.width()), 0);
    jpeg(&both)
}

/// obama.jpg shrunk until its face is about 98 px (dlib finds faces from 80 px), alone on a
/// `width` × `height` wall.
fn far_away(width: u32, height: u32) -> Vec<u8> {
    let face = photo("obama.jpg");
    // Its face is 258 px across at full size.
    let small = image::imageops::resize(
        &face,
        face.width() * 38 / 100,
        face.height() * 38 / 100,
        image::imageops::FilterType::Triangle,
    );
    let mut wall = RgbImage::from_pixel(width, height, image::Rgb([120, 130, 140]));
    image::imageops::replace(
        &mut wall,
        &small,
        i64::from(width / 3),
        i64::from(height / 3),
    );
    jpeg(&wall)
}
