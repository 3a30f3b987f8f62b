//! The domain of Career Genese and the Attendance System: plain types and rules, the ports
//! (traits) they need from the outside world, and the repositories that keep the domain's
//! items over those ports.
//!
//! This crate speaks no HTTP and knows no store: it says no with a [`Refusal`] (or a
//! [`Failure`], when a store is involved), never with a status, and its dependencies hold no
//! `lambda_http`, `http`, AWS SDK, `rusqlite` or `serde_dynamo`, so the compiler keeps it so.
//! The edge (`edge`) maps refusals to problem+json; the adapters (`aws-adapters`,
//! `embedded-adapters`) implement the ports.
//!
//! The repositories live here, beside the rules they keep, because they speak only the ports'
//! language (items, keys, conditions, transactions): what makes a leave approval happen once is
//! a domain rule, written as a condition, whichever store runs it. Their tests run on the real
//! SQLite store, from `embedded-adapters`' tests.

pub mod applicant;
pub mod attendance;
pub mod calendar;
pub mod clock;
pub mod company;
pub mod config;
pub mod consent;
pub mod contact;
pub mod events;
pub mod exam;
pub mod failure;
pub mod free_text;
pub mod idempotency;
pub mod ids;
pub mod leave;
pub mod mail_text;
#[cfg(feature = "photo")]
pub mod photo;
pub mod ports;
pub mod refusal;
pub mod role;
pub mod roster;
#[cfg(any(test, feature = "samples"))]
pub mod samples;

pub use failure::Failure;
pub use refusal::{Refusal, RefusalKind};
