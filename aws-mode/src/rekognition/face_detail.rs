//! A face as Rekognition describes it with the `DEFAULT` attributes: `BoundingBox` (shares of
//! the picture's width and height), `Landmarks`, `Pose`, `Quality` and `Confidence`.

use embedded_adapters::{FoundFace, Picture};
use serde::{Deserialize, Serialize};

use super::pose::{Pose, pose};

/// dlib's HOG detector keeps only detections above its own threshold and gives no score
/// through its binding, so every face it returns is reported as near-certain.
const CONFIDENCE: f32 = 99.9;

/// A box as shares of the picture (`Left` and `Top` may be negative for a face at the edge,
/// as Rekognition's may).
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BoundingBox {
    pub width: f32,
    pub height: f32,
    pub left: f32,
    pub top: f32,
}

/// One named point, as shares of the picture.
#[derive(Clone, Debug, Serialize)]
pub struct Landmark {
    #[serde(rename = "Type")]
    pub kind: &'static str,
    #[serde(rename = "X")]
    pub x: f32,
    #[serde(rename = "Y")]
    pub y: f32,
}

/// Brightness and sharpness, 0–100.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Quality {
    pub brightness: f32,
    pub sharpness: f32,
}

/// One face's `FaceDetail`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FaceDetail {
    pub bounding_box: BoundingBox,
    pub landmarks: Vec<Landmark>,
    pub pose: Pose,
    pub quality: Quality,
    pub confidence: f32,
}

/// The part of the picture the face covers, clipped to it: (left, top, right, bottom).
fn clipped(picture: &Picture, face: &FoundFace) -> (u32, u32, u32, u32) {
    let (w, h) = (
        i64::from(picture.rgb().width()),
        i64::from(picture.rgb().height()),
    );
    let x = |v: i64| v.clamp(0, w) as u32;
    let y = |v: i64| v.clamp(0, h) as u32;
    (x(face.left), y(face.top), x(face.right), y(face.bottom))
}

/// Brightness is the face's mean luma; sharpness grows with its mean Laplacian (edge
/// strength). Rekognition does not say how it computes either, so only their ranges match.
fn quality(picture: &Picture, face: &FoundFace) -> Quality {
    let rgb = picture.rgb();
    let (left, top, right, bottom) = clipped(picture, face);
    let luma = |x: u32, y: u32| {
        let p = rgb.get_pixel(x, y).0;
        0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2])
    };
    let (mut light, mut edges, mut pixels, mut inner) = (0.0, 0.0, 0u64, 0u64);
    for y in top..bottom {
        for x in left..right {
            let centre = luma(x, y);
            light += centre;
            pixels += 1;
            if x > left && y > top && x + 1 < right && y + 1 < bottom {
                let around = luma(x - 1, y) + luma(x + 1, y) + luma(x, y - 1) + luma(x, y + 1);
                edges += (around - 4.0 * centre).abs();
                inner += 1;
            }
        }
    }
    let brightness = if pixels == 0 {
        0.0
    } else {
        light / pixels as f64 / 2.55
    };
    let edge_strength = if inner == 0 {
        0.0
    } else {
        edges / inner as f64
    };
    Quality {
        brightness: brightness as f32,
        // A mean Laplacian of 5 grey levels (a plainly focused face) scores about 63.
        sharpness: (100.0 * (1.0 - (-edge_strength / 5.0).exp())) as f32,
    }
}

impl FaceDetail {
    /// What Rekognition would say of `face` in `picture`.
    pub fn of(picture: &Picture, face: &FoundFace) -> FaceDetail {
        let (w, h) = (picture.rgb().width() as f32, picture.rgb().height() as f32);
        let share = |(x, y): (f64, f64)| (x as f32 / w, y as f32 / h);
        // dlib's five points give both eyes and the nose; Rekognition's mouth corners have no
        // counterpart, so they are left out rather than made up.
        let landmarks = face
            .eyes_and_nose()
            .map(|[left, right, nose]| {
                [("eyeLeft", left), ("eyeRight", right), ("nose", nose)]
                    .into_iter()
                    .map(|(kind, point)| {
                        let (x, y) = share(point);
                        Landmark { kind, x, y }
                    })
                    .collect()
            })
            .unwrap_or_default();
        FaceDetail {
            bounding_box: BoundingBox {
                width: face.width() as f32 / w,
                height: face.height() as f32 / h,
                left: face.left as f32 / w,
                top: face.top as f32 / h,
            },
            landmarks,
            pose: pose(face),
            quality: quality(picture, face),
            confidence: CONFIDENCE,
        }
    }
}
