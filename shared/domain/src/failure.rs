//! What a domain operation can end in besides its result: the domain's own refusal, a fault of
//! the store it reads and writes, or a fault of ours. The edge (`error.rs`) maps each to
//! problem+json in one place; callers that are not HTTP (Slack, the stream consumers) match on it.

use crate::ports::StoreError;
use crate::refusal::{Refusal, RefusalKind};

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Failure {
    /// The rules say no: the person can act on it.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The store failed (throttled, unavailable) or refused a write's condition.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// An invariant of ours broke (a bug, not the person's input); the cause is for the log.
    #[error("fault: {0}")]
    Fault(String),
}

impl Failure {
    /// The refusal, when the rules said no.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Failure::Refused(r) => Some(r),
            _ => None,
        }
    }

    /// The refusal's kind, when the rules said no.
    pub fn kind(&self) -> Option<RefusalKind> {
        self.refusal().map(|r| r.kind)
    }
}

#[cfg(any(test, feature = "samples"))]
impl Failure {
    /// The refusal a test expects, or the test fails naming what came instead.
    pub fn refused(self) -> Refusal {
        match self {
            Failure::Refused(r) => r,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
}
