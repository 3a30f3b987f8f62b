//! IAM as template.yaml grants it, in the embedded stack: each function reaches the stand-ins
//! only through its own role, made from its template statements, so a call its policy does not
//! allow fails here as it would in AWS instead of on deploy day.

mod guards;

use std::sync::{Arc, OnceLock};

pub use guards::{GuardedBlobs, GuardedDirectory, GuardedFaces, GuardedMailer, GuardedStore, Role};

use aws_mode::names::Names;
use aws_mode::template::template;

/// The embedded stack's names: each resource is called by its logical id.
fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(Names::embedded)
}

/// The role of the function with logical id `function`.
pub fn role(function: &str) -> Arc<Role> {
    Arc::new(Role::of(template(), names(), function))
}
