//! Genese domain crate: the types and rules of Career Genese and the Attendance System, the
//! ports they need from the outside world, and the adapters that implement those ports on AWS
//! and on embedded stand-ins.
//!
//! Layers (see DESIGN.md): domain modules (`company`, …) hold plain types and rules with no
//! I/O, and say no with a `Refusal` (or a `Failure`, when a store is involved), never with an
//! HTTP status; `ports` are the traits; `adapters` implement them; `http`, `claims` and `error`
//! (the one mapping of refusals to problem+json) are what every function crate uses at its edge.

pub mod adapters;
pub mod applicant;
pub mod attendance;
pub mod claims;
pub mod clock;
pub mod company;
pub mod config;
pub mod contact;
pub mod cors;
pub mod delivery;
pub mod error;
pub mod events;
pub mod exam;
pub mod failure;
pub mod fixtures;
pub mod function;
pub mod http;
pub mod idempotency;
pub mod idempotency_key;
pub mod ids;
pub mod leave;
pub mod mail_text;
#[cfg(feature = "openapi")]
pub mod openapi;
#[cfg(feature = "photo")]
pub mod photo;
pub mod ports;
pub mod refusal;
pub mod roster;
pub mod route_table;
pub mod slack;
pub mod telemetry;

pub use error::{ApiError, FieldError};
pub use failure::Failure;
pub use refusal::{Refusal, RefusalKind};
