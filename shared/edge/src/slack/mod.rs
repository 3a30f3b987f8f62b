//! Slack: proving a request came from Slack (v0 signature, five-minute window, one use per
//! signature) and reading the two kinds of payload it sends — slash commands and button clicks.
//!
//! A handler verifies the raw body first, then records it with the [`ReplayGuard`], and only then
//! parses it; nothing in an unverified body is trusted.

pub mod messages;
mod payload;
mod replay;
mod signature;
mod user_id;

pub use payload::{Interaction, Interactive, RESPONSE_URL_PREFIX, SlashCommand, ViewSubmission};
pub use replay::ReplayGuard;
pub use signature::{
    MAX_SKEW_SECONDS, SIGNATURE_HEADER, SlackAuthError, TIMESTAMP_HEADER, sign, verify_signature,
};
pub use user_id::{SLACK_USER_FIELD, slack_user_id};
