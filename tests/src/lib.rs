//! Harnesses for the cross-crate tests: the real `genese-local` binary, started on a free
//! loopback port and stopped when dropped, and what the tests share. The emulator and the
//! template's resources on it are `aws_mode::moto` and `aws_mode::world`.

pub mod api_call;
pub mod dates;
pub mod local_stack;
pub mod slack;
pub mod tokens;
