//! The last step of `make bench`: gathers each part's results (`target/bench/<part>.{md,json}`)
//! into BENCHMARKS.md and `bench/results.json`, headed by the machine and toolchain they were
//! measured on, so the numbers always travel with their method and their context. A part not
//! run this time (one part rerun alone: `make bench-aws-e2e bench-report`) is carried over from
//! the last bench/results.json with the commit and date it was measured at, and says so.

use std::process::Command;

use bench::results;
use serde_json::{Map, Value, json};

/// The parts in the order BENCHMARKS.md tells them: the Lambda comparison first.
const PARTS: [&str; 8] = [
    "cold-start",
    "size",
    "photo",
    "inproc",
    "load",
    "scaling",
    "aws-e2e",
    "edit-loop",
];

/// What the team decided from these numbers (memory, timeouts, profile, what is left), written
/// by hand and kept with the code; it closes BENCHMARKS.md.
const DECISIONS: &str = "bench/decisions.md";

/// The first line of a command's output, or "unknown" where the tool is missing.
fn first_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::trim).map(str::to_string))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// A `/proc` file's value for `key` (`model name`, `MemTotal`…).
fn proc_value(file: &str, key: &str) -> String {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == key).then(|| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// `PRETTY_NAME` of /etc/os-release (`KEY="value"` lines).
fn os_name() -> String {
    std::fs::read_to_string("/etc/os-release")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn machine() -> Value {
    json!({
        "cpu": proc_value("/proc/cpuinfo", "model name"),
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "memory": proc_value("/proc/meminfo", "MemTotal"),
        "os": os_name(),
        "kernel": first_line("uname", &["-r"]),
        "rustc": first_line("rustc", &["--version"]),
        "python": first_line("python3", &["--version"]),
        "commit": first_line("git", &["rev-parse", "--short", "HEAD"]),
        "date": chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
    })
}

/// The last report's results (bench/results.json), for the parts not run this time.
fn previous(root: &std::path::Path) -> Value {
    std::fs::read_to_string(root.join("bench/results.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null)
}

fn main() -> std::io::Result<()> {
    let dir = results::dir();
    let root = results::workspace();
    let machine = machine();
    let previous = previous(&root);
    let measured_now = json!({ "commit": machine["commit"], "date": machine["date"] });
    let mut parts = Map::new();
    let mut markdown = Map::new();
    let mut measured = Map::new();
    let mut sections = Vec::new();
    let mut carried = Vec::new();
    let mut missing = Vec::new();
    for part in PARTS {
        let md = std::fs::read_to_string(dir.join(format!("{part}.md")));
        let js = std::fs::read_to_string(dir.join(format!("{part}.json")));
        let (md, value, at) = match (md, js) {
            (Ok(md), Ok(js)) => {
                let value: Value = serde_json::from_str(&js).map_err(std::io::Error::other)?;
                (md.trim().to_string(), value, measured_now.clone())
            }
            _ => match (
                previous["markdown"][part].as_str(),
                &previous["parts"][part],
                &previous["measured"][part],
            ) {
                (Some(md), value, at) if !value.is_null() && !at.is_null() => {
                    carried.push(format!(
                        "{part} ({}, {})",
                        at["commit"].as_str().unwrap_or_default(),
                        at["date"].as_str().unwrap_or_default()
                    ));
                    (md.to_string(), value.clone(), at.clone())
                }
                _ => {
                    missing.push(part);
                    continue;
                }
            },
        };
        sections.push(md.clone());
        parts.insert(part.to_string(), value);
        markdown.insert(part.to_string(), Value::String(md));
        measured.insert(part.to_string(), at);
    }

    let m = &machine;
    let mut doc = String::from(
        "# Benchmarks\n\n\
         Written by `make bench` (bench/src/bin/report.rs); do not edit by hand. The same numbers, \
         machine-readable, are in [bench/results.json](bench/results.json). Every part's figures \
         come from one run on the machine below; loopback only, every loop bounded in count and \
         time.\n\n",
    );
    doc.push_str(&format!(
        "| machine | |\n|---|---|\n| CPU | {} ({} cores) |\n| memory | {} |\n| OS | {} (kernel {}) |\n\
         | toolchain | {}; {} |\n| commit | {} |\n| date | {} |\n\n",
        m["cpu"].as_str().unwrap_or_default(),
        m["cores"],
        m["memory"].as_str().unwrap_or_default(),
        m["os"].as_str().unwrap_or_default(),
        m["kernel"].as_str().unwrap_or_default(),
        m["rustc"].as_str().unwrap_or_default(),
        m["python"].as_str().unwrap_or_default(),
        m["commit"].as_str().unwrap_or_default(),
        m["date"].as_str().unwrap_or_default(),
    ));
    if !carried.is_empty() {
        doc.push_str(&format!(
            "**Carried over** from earlier runs on this machine (not run this time; commit and date \
             of their run): {}.\n\n",
            carried.join("; ")
        ));
    }
    if !missing.is_empty() {
        doc.push_str(&format!(
            "**Incomplete run:** no results for {} (that part failed or was skipped).\n\n",
            missing.join(", ")
        ));
    }
    if let Ok(decisions) = std::fs::read_to_string(root.join(DECISIONS)) {
        sections.push(decisions.trim().to_string());
    }
    doc.push_str(&sections.join("\n\n"));
    doc.push('\n');

    std::fs::write(root.join("BENCHMARKS.md"), doc)?;
    let all = json!({
        "machine": machine,
        "parts": parts,
        "markdown": markdown,
        "measured": measured,
        "missing": missing,
    });
    let pretty = serde_json::to_string_pretty(&all).map_err(std::io::Error::other)?;
    std::fs::write(root.join("bench/results.json"), pretty + "\n")?;
    println!(
        "wrote BENCHMARKS.md and bench/results.json ({} parts{}{})",
        parts.len(),
        if carried.is_empty() {
            String::new()
        } else {
            format!(", {} carried over", carried.len())
        },
        if missing.is_empty() {
            String::new()
        } else {
            format!(", missing {}", missing.join(", "))
        }
    );
    Ok(())
}
