//! The endpoint's collections and their indexed faces, in a SQLite file under the state
//! folder. A new server starts from an empty file: like moto's, this state lives as long as the
//! process that serves it.

use std::path::Path;
use std::sync::Mutex;

use embedded_adapters::Descriptor;
use rusqlite::{Connection, OptionalExtension, params};

use super::face_detail::BoundingBox;

/// One indexed face, as `Face` in Rekognition's answers plus the descriptor it is matched by.
pub struct IndexedFace {
    pub face_id: String,
    pub image_id: String,
    pub external_image_id: Option<String>,
    pub bounding_box: BoundingBox,
    pub confidence: f32,
    pub descriptor: Descriptor,
}

/// What DescribeCollection tells of a collection.
pub struct CollectionInfo {
    /// Seconds since the epoch.
    pub created: f64,
    pub face_count: u64,
}

/// Every collection of one endpoint.
pub struct Collections {
    db: Mutex<Connection>,
}

impl Collections {
    /// A fresh store at `file` (whatever was there before is dropped).
    pub fn create(file: &Path) -> Result<Collections, String> {
        let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", file.display());
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
        }
        for stale in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{stale}", file.display()));
        }
        let db = Connection::open(file).map_err(|e| fail(&e))?;
        db.execute_batch(
            "PRAGMA journal_mode=WAL;
             CREATE TABLE collections (id TEXT PRIMARY KEY, created REAL NOT NULL);
             CREATE TABLE faces (collection TEXT NOT NULL, face_id TEXT NOT NULL,
               image_id TEXT NOT NULL, external_image_id TEXT, box TEXT NOT NULL,
               confidence REAL NOT NULL, descriptor BLOB NOT NULL,
               PRIMARY KEY (collection, face_id)) WITHOUT ROWID;",
        )
        .map_err(|e| fail(&e))?;
        Ok(Collections { db: Mutex::new(db) })
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes collection `id`; `false` if it exists already.
    pub fn add_collection(&self, id: &str) -> Result<bool, String> {
        let now = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
        self.db()
            .execute(
                "INSERT OR IGNORE INTO collections (id, created) VALUES (?1, ?2)",
                params![id, now],
            )
            .map(|inserted| inserted == 1)
            .map_err(|e| e.to_string())
    }

    /// Collection `id`, if it exists.
    pub fn collection(&self, id: &str) -> Result<Option<CollectionInfo>, String> {
        self.db()
            .query_row(
                "SELECT created, (SELECT COUNT(*) FROM faces WHERE collection = ?1)
                 FROM collections WHERE id = ?1",
                [id],
                |r| {
                    Ok(CollectionInfo {
                        created: r.get(0)?,
                        face_count: r.get(1)?,
                    })
                },
            )
            .optional()
            .map_err(|e| e.to_string())
    }

    /// Every collection's id, in order.
    pub fn ids(&self) -> Result<Vec<String>, String> {
        let db = self.db();
        let mut query = db
            .prepare("SELECT id FROM collections ORDER BY id")
            .map_err(|e| e.to_string())?;
        query
            .query_map([], |r| r.get(0))
            .map_err(|e| e.to_string())?
            .collect::<Result<Vec<String>, _>>()
            .map_err(|e| e.to_string())
    }

    /// Drops collection `id` and its faces; `false` if there was none.
    pub fn remove_collection(&self, id: &str) -> Result<bool, String> {
        let db = self.db();
        db.execute("DELETE FROM faces WHERE collection = ?1", [id])
            .map_err(|e| e.to_string())?;
        db.execute("DELETE FROM collections WHERE id = ?1", [id])
            .map(|deleted| deleted == 1)
            .map_err(|e| e.to_string())
    }

    /// Stores `faces` in `collection`.
    pub fn index(&self, collection: &str, faces: &[IndexedFace]) -> Result<(), String> {
        let db = self.db();
        for face in faces {
            let shape = serde_json::to_string(&face.bounding_box).map_err(|e| e.to_string())?;
            db.execute(
                "INSERT INTO faces (collection, face_id, image_id, external_image_id, box,
                 confidence, descriptor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    collection,
                    face.face_id,
                    face.image_id,
                    face.external_image_id,
                    shape,
                    face.confidence,
                    face.descriptor.to_bytes()
                ],
            )
            .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Every face indexed in `collection`.
    pub fn faces(&self, collection: &str) -> Result<Vec<IndexedFace>, String> {
        let db = self.db();
        let mut query = db
            .prepare(
                "SELECT face_id, image_id, external_image_id, box, confidence, descriptor
                 FROM faces WHERE collection = ?1",
            )
            .map_err(|e| e.to_string())?;
        let rows = query
            .query_map([collection], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, f32>(4)?,
                    r.get::<_, Vec<u8>>(5)?,
                ))
            })
            .map_err(|e| e.to_string())?;
        let mut faces = Vec::new();
        for row in rows {
            let (face_id, image_id, external_image_id, shape, confidence, descriptor) =
                row.map_err(|e| e.to_string())?;
            faces.push(IndexedFace {
                face_id,
                image_id,
                external_image_id,
                bounding_box: serde_json::from_str(&shape).map_err(|e| e.to_string())?,
                confidence,
                descriptor: Descriptor::from_bytes(&descriptor)
                    .ok_or("a stored descriptor is corrupt")?,
            });
        }
        Ok(faces)
    }

    /// Removes the faces `ids` from `collection`; returns the ones that were there.
    pub fn forget(&self, collection: &str, ids: &[String]) -> Result<Vec<String>, String> {
        let db = self.db();
        let mut deleted = Vec::new();
        for id in ids {
            let gone = db
                .execute(
                    "DELETE FROM faces WHERE collection = ?1 AND face_id = ?2",
                    [collection, id],
                )
                .map_err(|e| e.to_string())?;
            if gone == 1 {
                deleted.push(id.clone());
            }
        }
        Ok(deleted)
    }
}
