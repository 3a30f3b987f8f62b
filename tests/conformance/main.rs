//! One conformance suite per port, run against both sides: the embedded adapters (SQLite,
//! files, `.eml`, the local directory) and the AWS adapters against a real `moto_server`.
//! Whatever a handler may rely on is asserted here for both.

mod blobs;
mod directory;
mod faces;
mod mail;
mod secrets;
mod tables;
