//! Implementations of the ports: `aws` over the SDK crates (each behind its cargo feature, so a
//! function links only what it calls) and `embedded` for the local stack and tests.

#[cfg(feature = "aws")]
pub mod aws;
#[cfg(feature = "embedded")]
pub mod embedded;
#[cfg(feature = "slack-web")]
pub mod slack_web;
