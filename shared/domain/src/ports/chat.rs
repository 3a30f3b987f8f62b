//! The chat port: posting a message (text and optional Slack blocks) to a channel or user, and
//! opening a form in answer to a click.

use async_trait::async_trait;
use serde_json::Value;

/// One outbound chat message.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatMessage {
    /// Channel id or user id (a direct message).
    pub channel: String,
    /// Fallback text, shown in notifications.
    pub text: String,
    /// Slack Block Kit blocks, if any.
    pub blocks: Option<Value>,
}

/// Where a posted message landed, to update it later. A message to a user id lands in the direct
/// message channel Slack opens for it, whose id differs from the user's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posted {
    pub channel: String,
    pub ts: String,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum ChatError {
    #[error("message rejected: {0}")]
    Rejected(String),
    #[error("chat service unavailable: {0}")]
    Unavailable(String),
}

/// Posts chat messages.
#[async_trait]
pub trait ChatPoster: Send + Sync {
    /// Posts `message`; the answer names its channel and id (Slack's `ts`).
    async fn post(&self, message: &ChatMessage) -> Result<Posted, ChatError>;
    /// Replaces the message `ts` in `message.channel` (e.g. buttons by the decision taken).
    async fn update(&self, ts: &str, message: &ChatMessage) -> Result<(), ChatError>;
    /// Shows `message` in `message.channel` to `user` only (Slack's ephemeral messages).
    async fn whisper(&self, user: &str, message: &ChatMessage) -> Result<(), ChatError>;
    /// Opens the form `view` (Slack's `views.open`) for whoever's click handed out `trigger_id`;
    /// Slack refuses a trigger older than three seconds.
    async fn open_view(&self, trigger_id: &str, view: &Value) -> Result<(), ChatError>;
}
