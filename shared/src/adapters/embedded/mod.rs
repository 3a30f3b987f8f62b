//! Embedded stand-ins for the AWS services: a real SQLite file for tables, the file system for
//! blobs, `.eml` files for mail, a JSON-lines file for chat and a local user directory.

mod blobs;
mod chat;
mod directory;
mod mail;
mod sqlite;
mod stream;

pub use blobs::FileBlobStore;
pub use chat::JsonlChat;
pub use directory::{LocalDirectory, SignInError};
pub use mail::EmlMailer;
pub use sqlite::SqliteStore;
pub use stream::StreamChange;
