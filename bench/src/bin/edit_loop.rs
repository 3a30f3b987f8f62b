//! What one edit costs the loop of `make test`: after a one-line change in one layer of
//! `shared/` (the file's mtime moved, as an editor's save moves it, so cargo rebuilds exactly
//! what such an edit rebuilds), how long the builds `make test` starts with take to come back:
//! the workspace's test binaries (`unit`'s build) and the twelve bootstraps (AWS mode's), on a
//! warm target, `CARGO_INCREMENTAL=0` as CI builds. One edit per file: a rebuild's time varies
//! by a few percent, the layers differ by far more. Nothing else should run meanwhile.

use std::process::Command;
use std::time::{Instant, SystemTime};

use bench::results;
use serde_json::json;

/// Edits timed per file.
const RUNS: usize = 1;

/// One file per layer: what an engineer touching that layer saves.
const EDITS: [(&str, &str); 4] = [
    ("domain rule", "shared/domain/src/leave/status.rs"),
    ("HTTP edge", "shared/edge/src/http.rs"),
    ("AWS adapter", "shared/aws/src/dynamodb.rs"),
    ("embedded adapter", "shared/embedded/src/sqlite.rs"),
];

/// The builds `make test` starts with, as the Makefile runs them.
const BUILDS: [(&str, &[&str]); 2] = [
    (
        "test binaries",
        &["cargo", "test", "--workspace", "--no-run", "--quiet"],
    ),
    ("bootstraps", &["scripts/aws-bootstraps.sh"]),
];

fn timed(command: &[&str]) -> std::io::Result<f64> {
    let started = Instant::now();
    let status = Command::new(command[0])
        .args(&command[1..])
        .current_dir(results::workspace())
        .env("CARGO_INCREMENTAL", "0")
        .stdout(std::process::Stdio::null())
        .status()?;
    if !status.success() {
        return Err(std::io::Error::other(format!(
            "{} failed: {status}",
            command.join(" ")
        )));
    }
    Ok(started.elapsed().as_secs_f64())
}

/// Moves `file`'s modification time to now: to cargo, the file was edited.
fn edit(file: &str) -> std::io::Result<()> {
    std::fs::File::options()
        .append(true)
        .open(results::workspace().join(file))?
        .set_modified(SystemTime::now())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() -> std::io::Result<()> {
    // Warm: whatever the target lacked is built first, and not counted.
    for (_, command) in BUILDS {
        timed(command)?;
    }
    let mut table = String::from("| edited | file |");
    for (name, _) in BUILDS {
        table.push_str(&format!(" {name} (s) |"));
    }
    table.push_str(" both (s) |\n|---|---|");
    table.push_str(&"---:|".repeat(BUILDS.len() + 1));
    table.push('\n');
    let mut rows = Vec::new();
    for (layer, file) in EDITS {
        let mut per_build: Vec<Vec<f64>> = vec![Vec::new(); BUILDS.len()];
        for _ in 0..RUNS {
            edit(file)?;
            for (i, (_, command)) in BUILDS.iter().enumerate() {
                per_build[i].push(timed(command)?);
            }
        }
        let medians: Vec<f64> = per_build.iter().cloned().map(median).collect();
        let both: f64 = medians.iter().sum();
        table.push_str(&format!("| {layer} | `{file}` |"));
        for m in &medians {
            table.push_str(&format!(" {m:.1} |"));
        }
        table.push_str(&format!(" {both:.1} |\n"));
        rows.push(json!({ "layer": layer, "file": file, "seconds": per_build }));
    }
    let markdown = format!(
        "## One edit: what `make test` rebuilds before it can run\n\n\
         After a one-line edit in one layer of `shared/` (the file's modification time moved, \
         which makes cargo rebuild exactly what a real edit rebuilds), the wall time of the two \
         builds `make test` starts with: the workspace's test binaries (`unit`'s \
         `cargo test --workspace --no-run`) and the twelve bootstraps \
         (`scripts/aws-bootstraps.sh`, each crate with the features `sam build` gives it). Warm \
         target, `CARGO_INCREMENTAL=0` as CI builds, this machine's 2 cores with nothing else \
         running; {RUNS} edit of each file (the median when more).\n\n\
         Command: `make bench-edit-loop`.\n\n{table}"
    );
    results::write_part("edit-loop", &json!({ "edits": rows }), &markdown)?;
    println!("{markdown}");
    Ok(())
}
