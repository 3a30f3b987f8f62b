//! Embedded stand-ins for the AWS services: a real SQLite file for tables, the file system for
//! blobs, `.eml` files for mail, a JSON-lines file for chat, a local user directory, and dlib for faces.

mod blobs;
mod chat;
mod checkpoint;
mod directory;
mod face_data;
#[cfg(feature = "faces-dlib")]
mod face_models;
#[cfg(feature = "faces-dlib")]
mod faces;
mod mail;
mod sqlite;
mod stream;

pub use blobs::FileBlobStore;
pub use chat::JsonlChat;
pub use directory::{LocalDirectory, SignInError};
pub use face_data::face_data_dir;
#[cfg(feature = "faces-dlib")]
pub use face_models::{Descriptor, FaceModels, FoundFace, Picture};
#[cfg(feature = "faces-dlib")]
pub use faces::{DlibFaces, MAX_YAW_RATIO, MIN_FACE_PIXELS, similarity};
pub use mail::EmlMailer;
pub use sqlite::SqliteStore;
pub use stream::StreamChange;
