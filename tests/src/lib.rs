//! Harnesses for the cross-crate tests: a real `moto_server` (the local AWS emulator) and the
//! real `genese-local` binary, each started on a free loopback port and stopped when dropped.

pub mod dates;
pub mod local_stack;
pub mod moto;
pub mod slack;
pub mod template;
pub mod tokens;
