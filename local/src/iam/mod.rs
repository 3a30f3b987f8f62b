//! IAM as template.yaml grants it, in the embedded stack: each function reaches the stand-ins
//! only through its own role, made from its template statements, so a call its policy does not
//! allow fails here as it would in AWS instead of on deploy day.

mod grants;
mod guards;

use std::sync::Arc;

pub use guards::{GuardedBlobs, GuardedDirectory, GuardedFaces, GuardedMailer, GuardedStore, Role};

use crate::template::template;

/// The role of the function with logical id `function`.
pub fn role(function: &str) -> Arc<Role> {
    Arc::new(Role::of(template(), function))
}
