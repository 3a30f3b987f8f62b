//! `size` (`make bench-size`): what the release profile's `opt-level` costs and buys. Reads the
//! arm64 Lambda zips `cargo lambda build --arm64 --output-format zip` made under each profile
//! (`target/bench/lambda/<profile>/<binary>/bootstrap.zip`) and their stripped bootstraps, then
//! times warm invokes of the native x86_64 builds of both profiles with the cold-start harness.
//!
//! `BENCH_SIZE_COLD_STARTS` (default 5) instances per profile, alternating; `BENCH_WARM` (default
//! 200) warm invokes each; `BENCH_SIZE_FUNCTIONS` (default `company-admin`) the functions timed.

use std::collections::BTreeMap;
use std::path::Path;

use bench::lambda::fixtures::Function;
use bench::lambda::{cpu_share, env_count, measure, spawn, world};
use bench::stats::{median, percentile};
use serde_json::{Value, json};
use spawn::Language;

/// The two profiles compared: the shipped one and its `opt-level = 3` twin.
const PROFILES: [(&str, &str); 2] = [("release", "z"), ("release-o3", "3")];

/// Lambda's budget for a zip we hold ourselves to (decimal megabytes).
const ZIP_LIMIT_BYTES: u64 = 5_000_000;

fn mb(bytes: u64) -> String {
    format!("{:.2}", bytes as f64 / 1e6)
}

/// One profile's timings of one function: warm p50s, warm p99s and inits (ms), one per instance,
/// and its native bootstrap's size.
struct ProfileTimings {
    warm_p50: Vec<f64>,
    warm_p99: Vec<f64>,
    init: Vec<f64>,
    bootstrap_bytes: u64,
}

/// One binary's arm64 artefacts under one profile.
#[derive(Clone, Copy, Default)]
struct Artefact {
    bootstrap: u64,
    zip: u64,
}

/// Every binary cargo lambda packaged under `profile`: its zip, and its stripped bootstrap.
fn artefacts(profile: &str) -> BTreeMap<String, Artefact> {
    let zips = bench::results::dir().join("lambda").join(profile);
    let binaries = bench::results::target_dir()
        .join("aarch64-unknown-linux-gnu")
        .join(profile);
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(&zips).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(zip) = std::fs::metadata(entry.path().join("bootstrap.zip")) else {
            continue;
        };
        let bootstrap = std::fs::metadata(binaries.join(&name)).map_or(0, |m| m.len());
        found.insert(
            name,
            Artefact {
                bootstrap,
                zip: zip.len(),
            },
        );
    }
    found
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("size: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let workspace = bench::results::workspace();
    let sizes: Vec<BTreeMap<String, Artefact>> = PROFILES
        .iter()
        .map(|(profile, _)| artefacts(profile))
        .collect();
    if sizes[0].is_empty() {
        return Err(
            "no Lambda zips under target/bench/lambda/release: run `make bench-size`".into(),
        );
    }
    let mut size_rows = String::new();
    let mut size_json = serde_json::Map::new();
    let mut over = Vec::new();
    let mut o3_over = Vec::new();
    for (binary, z) in &sizes[0] {
        let o3 = sizes[1].get(binary).copied().unwrap_or_default();
        // Only the shipped profile is held to the budget; `3`'s overruns say what it would cost.
        if z.zip > ZIP_LIMIT_BYTES {
            over.push(format!("{binary} ({} MB)", mb(z.zip)));
        }
        if o3.zip > ZIP_LIMIT_BYTES {
            o3_over.push(binary.clone());
        }
        // `BENCH_O3_PKGS` may limit the `3` build to some functions: "–" for the others.
        let (o3_bootstrap, o3_zip, change) = if o3.zip > 0 {
            (
                mb(o3.bootstrap),
                mb(o3.zip),
                format!("{:+.0}%", (o3.zip as f64 / z.zip as f64 - 1.0) * 100.0),
            )
        } else {
            ("–".to_string(), "–".to_string(), "–".to_string())
        };
        let fits = if z.zip <= ZIP_LIMIT_BYTES {
            "yes"
        } else {
            "**no**"
        };
        size_rows.push_str(&format!(
            "| {binary} | {} | {} | {o3_bootstrap} | {o3_zip} | {change} | {fits} |\n",
            mb(z.bootstrap),
            mb(z.zip),
        ));
        size_json.insert(
            binary.clone(),
            json!({
                "release_z": {"bootstrap_bytes": z.bootstrap, "zip_bytes": z.zip},
                "release_o3": {"bootstrap_bytes": o3.bootstrap, "zip_bytes": o3.zip},
            }),
        );
    }

    let (latency_rows, latency_json) = latency(&workspace).await?;
    let largest = sizes[0].values().map(|a| a.zip).max().unwrap_or_default();
    let markdown = format!(
        "## Binary size: `opt-level = \"z\"` against `3`\n\n\
Every Lambda binary is built for arm64 by `cargo lambda build --arm64 --output-format zip` \
under the shipped `[profile.release]` (`opt-level = \"z\"`, fat LTO, one codegen unit, \
`panic = \"abort\"`, stripped) and under `[profile.release-o3]` (the same with `opt-level = 3`); \
the table gives each stripped `bootstrap` and its zip in decimal MB (1 MB = 10⁶ bytes). This \
machine cannot run arm64, so the speed side of the choice is measured on native x86_64 builds \
of both profiles: instances alternate between the two, each on fresh data against moto through \
the cold-start harness, and the table gives medians over instances.\n\n\
Command: `make bench-size`.\n\n\
| binary | bootstrap z (MB) | zip z (MB) | bootstrap 3 (MB) | zip 3 (MB) | zip 3 vs z | zip z ≤ 5 MB |\n\
|---|---|---|---|---|---|---|\n{size_rows}\n\
{verdict}\n\n\
| function (x86_64) | metric | z | 3 | 3 / z |\n|---|---|---|---|---|\n{latency_rows}",
        verdict = {
            let shipped = if over.is_empty() {
                format!(
                    "Every shipped (`z`) zip is within 5 MB (largest {} MB).",
                    mb(largest)
                )
            } else {
                format!("Shipped (`z`) zips over 5 MB: {}.", over.join(", "))
            };
            format!(
                "{shipped} Under `3`, {} of {} would be over.",
                o3_over.len(),
                sizes[0].len()
            )
        },
    );
    let json = json!({
        "zip_limit_bytes": ZIP_LIMIT_BYTES,
        "binaries": Value::Object(size_json),
        "over_limit": over,
        "over_limit_under_o3": o3_over,
        "latency_x86_64": latency_json,
    });
    bench::results::write_part("size", &json, &markdown).map_err(|e| e.to_string())?;
    println!("{markdown}");
    Ok(())
}

/// Warm latency, init and native size of each timed function under both profiles.
async fn latency(workspace: &Path) -> Result<(String, Value), String> {
    let cold_starts = env_count("BENCH_SIZE_COLD_STARTS", 5);
    let warm = env_count("BENCH_WARM", 200);
    let functions: Vec<Function> = std::env::var("BENCH_SIZE_FUNCTIONS")
        .unwrap_or_else(|_| "company-admin".into())
        .split(',')
        .filter_map(|n| Function::from_name(n.trim()))
        .collect();
    let share = cpu_share::at_128_mb();
    let mut world = world::World::start().await?;
    let mut rows = String::new();
    let mut out = serde_json::Map::new();
    let mut notes = String::new();
    for function in functions {
        let mut per: Vec<ProfileTimings> = Vec::new();
        for (profile, _) in PROFILES {
            let path = spawn::bootstrap(function, profile);
            let bytes = std::fs::metadata(&path)
                .map_err(|e| format!("{}: {e}: run `make bench-size`", path.display()))?
                .len();
            per.push(ProfileTimings {
                warm_p50: Vec::new(),
                warm_p99: Vec::new(),
                init: Vec::new(),
                bootstrap_bytes: bytes,
            });
        }
        let mut stalls = 0;
        // Round 0 is discarded: it fills the page cache.
        for round in 0..=cold_starts {
            for (slot, (profile, _)) in PROFILES.iter().enumerate() {
                let language = Language::Rust {
                    profile,
                    warm_up: true,
                };
                let (mut measured, stalled) = measure::sample(
                    &mut world,
                    workspace,
                    language,
                    function,
                    warm,
                    share.as_ref().ok(),
                )
                .await?;
                stalls += stalled;
                measured.warm_ms.sort_by(f64::total_cmp);
                let (p50, p99) = (
                    percentile(&measured.warm_ms, 50.0),
                    percentile(&measured.warm_ms, 99.0),
                );
                eprintln!(
                    "{} {profile:<10} {round}/{cold_starts}: init {:.1} ms, warm p50 {p50:.2} p99 {p99:.2} ms",
                    function.crate_name(),
                    measured.init_ms
                );
                if round > 0 {
                    per[slot].warm_p50.push(p50);
                    per[slot].warm_p99.push(p99);
                    per[slot].init.push(measured.init_ms);
                }
            }
        }
        let name = function.crate_name();
        let row = |metric: &str, z: f64, o3: f64| {
            format!("| {name} | {metric} | {z:.2} | {o3:.2} | {:.2} |\n", o3 / z)
        };
        let (z, o3) = (&per[0], &per[1]);
        rows.push_str(&row(
            "warm p50 (ms)",
            median(&z.warm_p50),
            median(&o3.warm_p50),
        ));
        rows.push_str(&row(
            "warm p99 (ms)",
            median(&z.warm_p99),
            median(&o3.warm_p99),
        ));
        rows.push_str(&row("init (ms)", median(&z.init), median(&o3.init)));
        rows.push_str(&row(
            "native bootstrap (MB)",
            z.bootstrap_bytes as f64 / 1e6,
            o3.bootstrap_bytes as f64 / 1e6,
        ));
        if stalls > 0 {
            notes.push_str(&format!(
                "\n{name}: {stalls} cold starts discarded and repeated on fresh data because {}.\n",
                measure::stall_reason()
            ));
        }
        out.insert(
            name.into(),
            json!({
                "cold_starts_per_profile": cold_starts,
                "warm_invokes": warm,
                "stalled_and_repeated": stalls,
                "release_z": {"warm_p50_ms": z.warm_p50, "warm_p99_ms": z.warm_p99, "init_ms": z.init, "bootstrap_bytes": z.bootstrap_bytes},
                "release_o3": {"warm_p50_ms": o3.warm_p50, "warm_p99_ms": o3.warm_p99, "init_ms": o3.init, "bootstrap_bytes": o3.bootstrap_bytes},
            }),
        );
    }
    rows.push_str(&notes);
    rows.push_str(&format!(
        "\nAs in the cold-start part, {}.\n",
        cpu_share::how_invokes_ran(&share)
    ));
    Ok((rows, Value::Object(out)))
}
