//! The chat port: posting a message (text and optional Slack blocks) to a channel or user.

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
    /// Posts `message` and returns the provider's message id (Slack's `ts`).
    async fn post(&self, message: &ChatMessage) -> Result<String, ChatError>;
}
