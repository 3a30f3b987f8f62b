//! The face port on dlib, standing in for Rekognition locally: the models of [`FaceModels`]
//! (detection, landmarks, descriptors), descriptors kept in a real SQLite file. The models run
//! behind one mutex on the blocking pool.

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension};

use super::face_models::{Descriptor, FaceModels, Picture};
use domain::ports::{FaceError, FaceVerifier, check_request};

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

/// The local face matcher.
#[derive(Clone)]
pub struct DlibFaces {
    models: Arc<Mutex<FaceModels>>,
    db: Arc<Mutex<Connection>>,
}

fn unavailable(e: impl std::fmt::Display) -> FaceError {
    FaceError::Unavailable(e.to_string())
}

impl DlibFaces {
    /// Loads the models from `models` (see `scripts/fetch-face-data.sh`) and opens the
    /// descriptor store at `db`.
    pub fn open(models: &Path, db: &Path) -> Result<DlibFaces, FaceError> {
        let models = FaceModels::open(models).map_err(unavailable)?;
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
            models: Arc::new(Mutex::new(models)),
            db: Arc::new(Mutex::new(conn)),
        })
    }

    /// The descriptor of the one frontal, large-enough face in `jpeg` (blocking).
    fn describe(&self, jpeg: &[u8]) -> Result<Descriptor, FaceError> {
        let picture = Picture::decode(jpeg).map_err(FaceError::InvalidImage)?;
        let models = self.models.lock().unwrap_or_else(|p| p.into_inner());
        let faces = models.find(&picture);
        let face = match faces.as_slice() {
            [] => return Err(FaceError::NoFace),
            [face] => face,
            several => return Err(FaceError::SeveralFaces(several.len())),
        };
        if face.width().min(face.height()) < MIN_FACE_PIXELS {
            return Err(FaceError::TooSmall);
        }
        if face.yaw_ratio().is_some_and(|r| r.abs() > MAX_YAW_RATIO) {
            return Err(FaceError::NotFrontal);
        }
        models.describe(&picture, face).ok_or(FaceError::NoFace)
    }

    fn stored(&self, collection: &str, face_id: &str) -> Result<Descriptor, FaceError> {
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
        Descriptor::from_bytes(&blob).ok_or_else(|| unavailable("a stored descriptor is corrupt"))
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
            let bytes = descriptor.to_bytes();
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
