//! The one id generator: injected, so tests get predictable ids.

use std::sync::atomic::{AtomicU64, Ordering};

/// Makes new unique ids.
pub trait IdGenerator: Send + Sync {
    /// A new id: URL-safe, unique, roughly time-ordered in production.
    fn new_id(&self) -> String;
}

/// UUID v7 (time-ordered) ids in their hyphenless form.
#[derive(Clone, Copy, Debug, Default)]
pub struct UuidIds;

impl IdGenerator for UuidIds {
    fn new_id(&self) -> String {
        uuid::Uuid::now_v7().simple().to_string()
    }
}

/// `prefix-1`, `prefix-2`, …; for tests.
#[derive(Debug)]
pub struct SequentialIds {
    prefix: String,
    next: AtomicU64,
}

impl SequentialIds {
    pub fn new(prefix: impl Into<String>) -> Self {
        SequentialIds {
            prefix: prefix.into(),
            next: AtomicU64::new(1),
        }
    }
}

impl IdGenerator for SequentialIds {
    fn new_id(&self) -> String {
        format!(
            "{}-{}",
            self.prefix,
            self.next.fetch_add(1, Ordering::Relaxed)
        )
    }
}
