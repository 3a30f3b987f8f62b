//! Ports: narrow traits shaped like the subset of each AWS service the product uses.
//!
//! Repositories and services are written once, on these traits; `adapters::aws` implements them
//! over the SDK and `adapters::embedded` over SQLite, files and a local directory. One
//! conformance suite (`tests/conformance`) proves both sides behave alike.

pub mod blobs;
pub mod chat;
pub mod directory;
pub mod faces;
pub mod item_size;
pub mod mail;
pub mod tables;

pub use blobs::{Blob, BlobError, BlobHead, BlobStore, PresignedUpload};
pub use chat::{ChatError, ChatMessage, ChatPoster, Posted};
pub use directory::{
    CONFIRMED, DirectoryError, DirectoryUser, FORCE_CHANGE_PASSWORD, NewUser, UserDirectory,
};
pub use faces::{FaceError, FaceVerifier, MAX_IMAGE_BYTES, check_request};
pub use item_size::{MAX_ITEM_BYTES, check_item_size, item_size};
pub use mail::{Email, MailError, Mailer};
pub use tables::{
    Condition, Cursor, Item, ItemStore, Key, Page, Query, SortCondition, StoreError, Table,
    TableSpec, TxOp,
};
