//! The Lambda harness of `cold-start` and `size`: the Runtime API emulator
//! (`aws_mode::runtime_api`), instances spawned as
//! Lambda spawns them, `moto_server` with fresh tables and data per run, and checked fixtures.

pub mod cpu_share;
pub mod fixtures;
pub mod measure;
pub mod spawn;
pub mod tls;
pub mod tls_front;
pub mod world;

/// A positive count from the environment variable `name`, or `default`.
pub fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}
