//! The mail port: SES v2 `SendEmail` with a simple (subject, text, HTML) body.

use async_trait::async_trait;

/// One email with a plain-text and an HTML body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum MailError {
    /// The message was refused as it stands (unverified sender, bad address); retrying won't help.
    #[error("message rejected: {0}")]
    Rejected(String),
    #[error("throttled")]
    Throttled,
    #[error("mail service unavailable: {0}")]
    Unavailable(String),
}

/// Sends email.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends `email` and returns the provider's message id.
    async fn send(&self, email: &Email) -> Result<String, MailError>;
}
