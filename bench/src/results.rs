//! Where each part of `make bench` leaves its results: `target/bench/<part>.json` for machines
//! and `target/bench/<part>.md`, one Markdown section, for BENCHMARKS.md.

use std::path::PathBuf;

/// `<workspace>/target/bench`, honouring `CARGO_TARGET_DIR` like cargo does.
pub fn dir() -> PathBuf {
    target_dir().join("bench")
}

/// Cargo's target folder: `CARGO_TARGET_DIR`, or `<workspace>/target`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
}

/// The workspace root (this crate's parent folder).
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Writes `<part>.json` (pretty) and `<part>.md` under [`dir`], creating it if needed.
pub fn write_part(name: &str, json: &serde_json::Value, markdown: &str) -> std::io::Result<()> {
    let dir = dir();
    std::fs::create_dir_all(&dir)?;
    let pretty = serde_json::to_string_pretty(json).map_err(std::io::Error::other)?;
    std::fs::write(dir.join(format!("{name}.json")), pretty + "\n")?;
    std::fs::write(dir.join(format!("{name}.md")), markdown)?;
    Ok(())
}
