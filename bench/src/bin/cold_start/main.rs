//! `cold-start` (`make bench-cold`): Lambda cold starts of the Rust functions against a Python
//! boto3 baseline of the same routes, on a local Runtime API emulator and a real `moto_server`.
//!
//! For each function, cold starts rotate through Rust, Rust without the init warm-up, and
//! Python; each one gets fresh tables and data, spawns a real instance (the native release
//! bootstrap, or `python -m awslambdaric`) against moto over HTTPS, and records init, first
//! invoke, warm p50/p99 and peak RSS. Init runs at full speed; from the first invoke on, the
//! instance gets Lambda's CPU share at 128 MB (a cgroup quota, `cpu_share.rs`). Every response
//! is checked, so a number only counts if the invoke did the work.
//!
//! `BENCH_COLD_STARTS` (default 10) cold starts per language and function, `BENCH_WARM` (default
//! 200) warm invokes each, `BENCH_FUNCTIONS` (comma-separated crate names) to pick functions,
//! `BENCH_CPU_PERIOD_MS` (default 20) the quota's period.

mod report;

use std::time::Instant;

use bench::lambda::fixtures::Function;
use bench::lambda::measure::ColdStart;
use bench::lambda::{cpu_share, env_count, measure, spawn, world};
use report::Summary;
use serde_json::{Value, json};
use spawn::Language;

/// The functions to measure: `BENCH_FUNCTIONS`, or all three.
fn functions() -> Result<Vec<Function>, String> {
    match std::env::var("BENCH_FUNCTIONS") {
        Ok(list) if !list.trim().is_empty() => list
            .split(',')
            .map(|name| {
                Function::from_name(name.trim()).ok_or_else(|| format!("unknown function `{name}`"))
            })
            .collect(),
        _ => Ok(Function::ALL.to_vec()),
    }
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("cold-start: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let cold_starts = env_count("BENCH_COLD_STARTS", 10);
    let warm = env_count("BENCH_WARM", 200);
    let functions = functions()?;
    let workspace = bench::results::workspace();
    // The shipped bootstrap, the same without its connection warm-up, and the baseline.
    let arms = [
        Language::Rust {
            profile: "release",
            warm_up: true,
        },
        Language::Rust {
            profile: "release",
            warm_up: false,
        },
        Language::Python,
    ];
    for function in &functions {
        let path = spawn::bootstrap(*function, "release");
        if !path.exists() {
            return Err(format!(
                "{} is missing: run `make bench-cold`",
                path.display()
            ));
        }
    }
    if !spawn::python(&workspace).exists() {
        return Err("the baseline's venv is missing: run `make bench-cold`".into());
    }
    let share = cpu_share::at_128_mb();
    let cpu = cpu_share::how_invokes_ran(&share);
    eprintln!("{cpu}");
    let started = Instant::now();
    let mut world = world::World::start().await?;
    let round_trip_ms = world.round_trip_ms(50).await?;
    eprintln!(
        "moto_server at {}; one GetItem round trip ≈ {round_trip_ms:.2} ms",
        world.front.endpoint
    );

    let mut results = Vec::new();
    for function in &functions {
        let mut samples: [Vec<ColdStart>; 3] = Default::default();
        let mut repeated = [0usize; 3];
        // Round 0 is discarded: it fills the page cache and Python's bytecode cache, as a
        // function's files are already on disk when Lambda starts an instance.
        for round in 0..=cold_starts {
            for (slot, language) in arms.into_iter().enumerate() {
                let (measured, stalled) = measure::sample(
                    &mut world,
                    &workspace,
                    language,
                    *function,
                    warm,
                    share.as_ref().ok(),
                )
                .await?;
                repeated[slot] += stalled;
                let one = Summary::of(std::slice::from_ref(&measured));
                eprintln!(
                    "{:<16} {:<17} {:>9}: init {:>7.1} ms, first {:>6.1} ms, warm p50 {:>5.2} p99 {:>6.2} ms, peak RSS {:>5.1} MiB",
                    function.crate_name(),
                    language.label(),
                    if round == 0 {
                        "warm-up".to_string()
                    } else {
                        format!("{round}/{cold_starts}")
                    },
                    one.init_ms,
                    one.first_invoke_ms,
                    one.warm_p50_ms,
                    one.warm_p99_ms,
                    one.peak_rss_mib
                );
                if round > 0 {
                    samples[slot].push(measured);
                }
            }
        }
        results.push((*function, samples, repeated));
    }

    let mut table = String::new();
    let mut warm_up_table = String::new();
    let mut misses = Vec::new();
    let mut notes = String::new();
    let mut json_functions = serde_json::Map::new();
    let mut stalls = Vec::new();
    for (function, [rust_runs, unwarmed_runs, python_runs], repeated) in &results {
        for (language, count) in arms.iter().zip(repeated) {
            if *count > 0 {
                stalls.push(format!(
                    "{count} of {} {}",
                    function.crate_name(),
                    language.label()
                ));
            }
        }
        let (r, u, p) = (
            Summary::of(rust_runs),
            Summary::of(unwarmed_runs),
            Summary::of(python_runs),
        );
        let missed_before = misses.len();
        table.push_str(&report::rows(function.crate_name(), &r, &p, &mut misses));
        warm_up_table.push_str(&report::warm_up_row(function.crate_name(), &r, &u));
        if misses[missed_before..]
            .iter()
            .any(|m| m.ends_with("warm p99"))
        {
            notes.push_str(&format!(
                "- {name} warm p99 ({rp99} against {pp99} ms) misses ½: each invoke makes {calls} AWS \
calls, each a moto round trip (≈ {round_trip_ms:.1} ms for a bare GetItem, more for writes) that both \
languages wait on alike, so moto's time is a floor under both and the handler's own work is too small \
a share of the total for a 2× gap.\n",
                name = function.crate_name(),
                rp99 = report::num(r.warm_p99_ms),
                pp99 = report::num(p.warm_p99_ms),
                calls = function.aws_calls(),
            ));
        }
        json_functions.insert(
            function.crate_name().into(),
            json!({
                "route": function.route(),
                "rust": { "summary": r.json(), "runs": rust_runs },
                "rust_without_warm_up": { "summary": u.json(), "runs": unwarmed_runs },
                "python": { "summary": p.json(), "runs": python_runs },
                "ratio_rust_over_python": {
                    "init": r.init_ms / p.init_ms,
                    "first_invoke": r.first_invoke_ms / p.first_invoke_ms,
                    "warm_p50": r.warm_p50_ms / p.warm_p50_ms,
                    "warm_p99": r.warm_p99_ms / p.warm_p99_ms,
                    "peak_rss": r.peak_rss_mib / p.peak_rss_mib,
                },
                "warm_up_saves_first_invoke_ms": u.first_invoke_ms - r.first_invoke_ms,
                "stalled_and_repeated": {
                    "rust": repeated[0],
                    "rust_without_warm_up": repeated[1],
                    "python": repeated[2],
                },
            }),
        );
    }
    let machine = machine();
    let json = json!({
        "cold_starts_per_language": cold_starts,
        "warm_invokes_per_cold_start": warm,
        "moto_get_item_round_trip_ms": round_trip_ms,
        "cpu": cpu,
        "machine": machine,
        "functions": Value::Object(json_functions),
        "elapsed_s": started.elapsed().as_secs_f64(),
    });
    let markdown = markdown(
        cold_starts,
        warm,
        round_trip_ms,
        &machine,
        &table,
        &misses,
        &notes,
        &warm_up_table,
        &stalls,
        &cpu,
    );
    bench::results::write_part("cold-start", &json, &markdown).map_err(|e| e.to_string())?;
    println!("{markdown}");
    Ok(())
}

/// CPU model and count, for reading the numbers.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{model}, {cores} cores, x86_64")
}

#[allow(clippy::too_many_arguments)]
fn markdown(
    cold_starts: usize,
    warm: usize,
    round_trip_ms: f64,
    machine: &str,
    table: &str,
    misses: &[String],
    notes: &str,
    warm_up_table: &str,
    stalls: &[String],
    cpu: &str,
) -> String {
    let mut md = format!(
        "## Cold starts: Rust against the Python boto3 baseline\n\n\
Each function's native x86_64 release bootstrap and a Python 3.11 boto3 port of the same route \
(`bench/python/`, clients at module level, run by `awslambdaric` {awslambdaric}) are spawned \
against a Lambda Runtime API emulator on 127.0.0.1 with Lambda's environment (128 MB announced), \
their AWS endpoint pointed at a local `moto_server` behind an HTTPS front (`bench/src/lambda/\
tls_front.rs`; a throwaway authority the instances trust through `SSL_CERT_FILE` and \
`AWS_CA_BUNDLE`), so that, as on AWS, a first call pays a TLS handshake and later calls reuse \
the connection. Init runs at full speed, as Lambda's init is reported to; once an instance first \
asks for work it is moved into a cgroup that holds it to the CPU Lambda gives 128 MB, one vCPU \
× 128/1,769 (`bench/src/lambda/cpu_share.rs`; Lambda does not document the quota's period, \
`BENCH_CPU_PERIOD_MS` changes it). Here {cpu}. moto, like DynamoDB, is outside the instance and \
not limited. Cold starts rotate Rust, Rust without its warm-up, Python ({cold_starts} of each per \
function); each gets fresh tables and fresh callers, so \
every invoke does its full work, and every response's status and key fields are checked. Init is \
spawn → first `next`; the first invoke includes the first AWS calls and their connection set-up; \
then {warm} warm invokes give p50/p99; peak RSS is `VmHWM` read just before the instance is \
stopped. The table shows medians over the cold starts; moto answers one GetItem in about \
{round_trip_ms:.2} ms, a floor both languages share on every call.\n\n\
Command: `make bench-cold` (quick: `BENCH_COLD_STARTS=2 BENCH_WARM=20 make bench-cold`). \
Machine: {machine}.\n\n\
| function | metric | Rust | Python | Rust/Python | target | met |\n\
|---|---|---|---|---|---|---|\n{table}",
        awslambdaric = "4.2.2",
    );
    if misses.is_empty() {
        md.push_str("\nEvery target is met.\n");
    } else {
        md.push_str(&format!("\nMissed: {}.\n", misses.join(", ")));
    }
    md.push_str(&format!("\n{notes}"));
    if !stalls.is_empty() {
        md.push_str(&format!(
            "\nCold starts discarded and repeated on fresh data because {}: {}.\n",
            measure::stall_reason(),
            stalls.join(", ")
        ));
    }
    md.push_str(&format!(
        "\n### Connection warm-up during init\n\n\
Every function builds its SDK clients in `main` and then reads a key that never exists in its \
first table (`DynamoStore::at_init`), so the HTTP connector, the TLS root store and a pooled TLS \
connection are set up before the first `next`, at init's full speed, and not in the first \
invoke at the 128 MB share. The same bootstrap with `WARM_UP_AT_INIT=false` leaves all that to \
the first invoke; both run in the rotation above. Each cell is *with / without* the warm-up, \
medians in ms; CPU time is summed over the instance's threads (`/proc/<pid>/task/*/schedstat`). \
The last column is what the first caller of a new instance waits for. Against this one host \
every client reuses the warmed connection; on AWS, Cognito and SES are other hosts and still \
pay their own handshake.\n\n\
| function | init | init CPU | first invoke | first invoke CPU | init + first invoke |\n\
|---|---|---|---|---|---|\n{warm_up_table}"
    ));
    md
}
