//! The HTTP edge every function crate serves through: the request and its body (`http`), the
//! caller's claims, the route table that dispatches, CORS, the idempotency key, and `error`,
//! the one place the domain's refusals become `application/problem+json`. Beside them, the
//! other inbound shapes a function meets: Slack's signed requests and payloads (`slack`), a
//! DynamoDB stream batch (`delivery`), a selfie in a JSON body (`photo`).
//!
//! Function libraries build on this and `domain`; only their `main.rs` picks adapters.

pub mod claims;
pub mod cors;
pub mod delivery;
pub mod error;
pub mod function;
pub mod http;
pub mod idempotency_key;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod photo;
pub mod route_table;
pub mod slack;
pub mod telemetry;

pub use error::{ApiError, FieldError};
