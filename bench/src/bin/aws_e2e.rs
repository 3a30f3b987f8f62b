//! What `make aws-e2e` costs CI: the bootstraps' build and the journeys' run, beside the
//! workspace test build they share dependencies with, from a clean target (what a fresh clone
//! pays) and from a warm one (what a second run pays). Each step is the command the Makefile
//! runs, timed from outside as wall time on this machine's cores; nothing else should run
//! meanwhile. The clean target is a folder of its own under target/bench, removed before and
//! after, so the workspace's target stays warm.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use bench::results;
use serde_json::json;

/// Warm runs of the journeys; the table shows their median.
const WARM_RUNS: usize = 3;

/// One timed step: its name, the command line the Makefile runs, and the wall seconds.
struct Step {
    name: &'static str,
    command: &'static [&'static str],
    seconds: f64,
}

/// The steps of `make aws-e2e` in CI's order: `unit` builds the bootstraps first (the first
/// build of a clean CI run) and the workspace's test binaries, then `aws-e2e` runs the journeys
/// from the genese-local test binary with the workspace's features, so nothing builds again.
const STEPS: [(&str, &[&str]); 3] = [
    (
        "bootstraps (12, dev profile)",
        &["scripts/aws-bootstraps.sh"],
    ),
    (
        "workspace test build (unit's)",
        &["cargo", "test", "--workspace", "--no-run", "--quiet"],
    ),
    (
        "journeys (run)",
        &[
            "cargo",
            "test",
            "--workspace",
            "--bin",
            "genese-local",
            "--quiet",
            "aws_e2e::",
            "--",
            "--test-threads=1",
        ],
    ),
];

/// Runs `command` in the workspace with `env`, failing the bench if it fails.
fn timed(command: &[&str], env: &[(&str, &Path)]) -> std::io::Result<f64> {
    let started = Instant::now();
    let status = Command::new(command[0])
        .args(&command[1..])
        .current_dir(results::workspace())
        .envs(env.iter().map(|(k, v)| (*k, v.as_os_str())))
        // As CI builds (.ci/run): incremental caches only cost disk on a clean target.
        .env("CARGO_INCREMENTAL", "0")
        .status()?;
    if !status.success() {
        return Err(std::io::Error::other(format!(
            "{} failed: {status}",
            command.join(" ")
        )));
    }
    Ok(started.elapsed().as_secs_f64())
}

/// Every step once against the target folder `target` (None: the workspace's own).
fn run_steps(target: Option<&Path>) -> std::io::Result<Vec<Step>> {
    let bootstraps = target.map(|t| t.join("aws-mode/bootstraps"));
    let mut env: Vec<(&str, &Path)> = Vec::new();
    if let (Some(t), Some(b)) = (target, bootstraps.as_deref()) {
        env.push(("CARGO_TARGET_DIR", t));
        env.push(("AWS_MODE_BOOTSTRAPS", b));
    }
    STEPS
        .iter()
        .map(|(name, command)| {
            Ok(Step {
                name,
                command,
                seconds: timed(command, &env)?,
            })
        })
        .collect()
}

/// A folder's size on disk in GiB (`du`), the disk a clean CI run needs for it.
fn gib(dir: &Path) -> f64 {
    Command::new("du")
        .args(["-sk"])
        .arg(dir)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0 / 1024.0)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() -> std::io::Result<()> {
    let clean_target = results::dir().join("aws-e2e-clean-target");
    let _ = std::fs::remove_dir_all(&clean_target);
    std::fs::create_dir_all(&clean_target)?;
    let clean = run_steps(Some(&clean_target))?;
    let clean_disk = gib(&clean_target);
    std::fs::remove_dir_all(&clean_target)?;

    // The first warm pass builds whatever the workspace's target lacked; it is not counted.
    run_steps(None)?;
    let mut warm_runs = Vec::new();
    for _ in 0..WARM_RUNS {
        warm_runs.push(run_steps(None)?);
    }

    let mut table = String::from(
        "| step | command | clean target (s) | warm target (s, median of 3) |\n|---|---|---:|---:|\n",
    );
    let mut rows = Vec::new();
    for (i, step) in clean.iter().enumerate() {
        let warm = median(warm_runs.iter().map(|run| run[i].seconds).collect());
        table.push_str(&format!(
            "| {} | `{}` | {:.0} | {:.1} |\n",
            step.name,
            step.command.join(" "),
            step.seconds,
            warm
        ));
        rows.push(json!({
            "step": step.name,
            "command": step.command.join(" "),
            "clean_s": step.seconds,
            "warm_s": warm_runs.iter().map(|run| run[i].seconds).collect::<Vec<_>>(),
        }));
    }
    let clean_total: f64 = clean.iter().map(|s| s.seconds).sum();
    let warm_total = median(
        warm_runs
            .iter()
            .map(|run| run.iter().map(|s| s.seconds).sum())
            .collect(),
    );
    table.push_str(&format!(
        "| **all three** | | **{clean_total:.0}** | **{warm_total:.1}** |\n"
    ));

    let markdown = format!(
        "## AWS mode: what `make aws-e2e` costs CI\n\n\
         `make aws-e2e` walks every journey on the real bootstraps (built as `sam build` resolves \
         their features, natively, in the dev profile) on moto with IAM enforced. Each step below \
         is the Makefile's own command, timed as wall time on this machine's 2 cores with \
         nothing else running and `CARGO_INCREMENTAL=0` as CI sets it. *Clean* is a fresh, empty \
         target folder (a fresh clone's first run: every dependency compiled); its peak size was \
         {clean_disk:.1} GiB. *Warm* is the workspace's target after one unmeasured pass, the \
         median of {WARM_RUNS} runs. What `aws-e2e` adds to CI is the first row and the last: the \
         test build is `unit`'s, shown because the bootstraps share part of its dependencies \
         (each bootstrap builds with its own crate's features, as `sam build` does, so not all).\n\n\
         Command: `make bench-aws-e2e`.\n\n{table}"
    );
    results::write_part(
        "aws-e2e",
        &json!({ "steps": rows, "clean_total_s": clean_total, "warm_total_s": warm_total, "clean_target_gib": clean_disk }),
        &markdown,
    )?;
    println!("{markdown}");
    Ok(())
}
