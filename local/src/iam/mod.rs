//! IAM as template.yaml grants it, in the embedded stack: each function reaches the stand-ins
//! only through its own role, made from its template statements, so a call its policy does not
//! allow fails here as it would in AWS instead of on deploy day.

mod grants;
mod guards;

use std::sync::{Arc, OnceLock};

use serde_norway::Value;

pub use guards::{GuardedBlobs, GuardedDirectory, GuardedFaces, GuardedMailer, GuardedStore, Role};

/// The template this build was made from.
const TEMPLATE: &str = include_str!("../../../template.yaml");

/// The template, parsed once.
pub fn template() -> &'static Value {
    static PARSED: OnceLock<Value> = OnceLock::new();
    PARSED.get_or_init(|| serde_norway::from_str(TEMPLATE).expect("template.yaml parses"))
}

/// The role of the function with logical id `function`.
pub fn role(function: &str) -> Arc<Role> {
    Arc::new(Role::of(template(), function))
}
