//! `make bench-load`: throughput and latency of the real embedded stack (`genese-local`, local
//! profile) under a bounded load of 10 keep-alive connections: two reads, and selfie punches
//! through the local face matcher. Writes the `load` part of the benchmark report.

mod generator;
mod stack;
mod staff;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bench::results::write_part;
use chrono::Utc;
use futures_util::{StreamExt, TryStreamExt, stream};
use generator::{Job, Phase, run};
use reqwest::Method;
use serde_json::json;
use stack::Stack;
use staff::{DEMO_PASSWORD, photo};

const CONNECTIONS: usize = 10;
/// Requests per read phase, after an untimed warm-up of `WARM_UP`.
const READS: usize = 20_000;
const WARM_UP: usize = 1_000;
/// Employees who punch: each checks in once and out once, so every punch runs the matcher.
const PUNCHERS: usize = 20;
/// No phase runs longer than this; a phase cut short says so.
const PHASE_DEADLINE: Duration = Duration::from_secs(180);
/// The read target on two cores.
const TARGET_RPS: f64 = 5_000.0;

struct Measured {
    route: String,
    note: &'static str,
    phase: Phase,
    /// The throughput target applies (reads only).
    read: bool,
}

fn jobs(
    stack: &Stack,
    method: Method,
    path: &str,
    tokens: &[Arc<str>],
    body: Option<&serde_json::Value>,
    count: usize,
) -> Vec<Job> {
    let url: Arc<str> = stack.url(path).into();
    let body = body.map(|b| Arc::new(b.to_string().into_bytes()));
    (0..count)
        .map(|i| Job {
            method: method.clone(),
            url: url.clone(),
            token: tokens[i % tokens.len()].clone(),
            body: body.clone(),
        })
        .collect()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let started = Instant::now();
    let stack = Stack::start()?;
    let boot = started.elapsed();
    let admin = stack.token("admin@acme.test", DEMO_PASSWORD).await?;
    let employee = stack.token("employee@acme.test", DEMO_PASSWORD).await?;

    // The punchers: the demo employee and invited colleagues, each with an enrolled face.
    let setup_started = Instant::now();
    let (s, a) = (&stack, &admin);
    let invited: Vec<String> = stream::iter(0..PUNCHERS - 1)
        .map(|n| async move { staff::invite(s, a, &format!("load{n:03}@acme.test")).await })
        .buffer_unordered(4)
        .try_collect()
        .await?;
    let punchers: Vec<Arc<str>> = std::iter::once(employee.clone())
        .chain(invited)
        .map(Arc::from)
        .collect();
    stream::iter(punchers.iter())
        .map(|t| staff::enrol(&stack, t))
        .buffer_unordered(4)
        .try_collect::<Vec<()>>()
        .await?;
    let setup = setup_started.elapsed();

    let selfie = photo("obama2.jpg");
    let mut results = Vec::new();
    for (route, note, expected_path) in [
        (
            "POST /attendance/check-in",
            "each employee once: face matched",
            "/attendance/check-in",
        ),
        (
            "POST /attendance/check-in (repeat)",
            "same employees again: 409 before any matching",
            "/attendance/check-in",
        ),
        (
            "POST /attendance/check-out",
            "each employee once: face matched",
            "/attendance/check-out",
        ),
    ] {
        let list = jobs(
            &stack,
            Method::POST,
            expected_path,
            &punchers,
            Some(&selfie),
            PUNCHERS,
        );
        let phase = run(list, CONNECTIONS, PHASE_DEADLINE).await;
        results.push(Measured {
            route: route.into(),
            note,
            phase,
            read: false,
        });
    }

    let month = Utc::now()
        .with_timezone(&chrono_tz::Asia::Kathmandu)
        .format("%Y-%m")
        .to_string();
    let admin: Arc<str> = admin.into();
    let employee: Arc<str> = employee.into();
    let company = |n| {
        jobs(
            &stack,
            Method::GET,
            "/company",
            std::slice::from_ref(&admin),
            None,
            n,
        )
    };
    run(company(WARM_UP), CONNECTIONS, PHASE_DEADLINE).await;
    results.push(Measured {
        route: "GET /company".into(),
        note: "admin's company profile",
        phase: run(company(READS), CONNECTIONS, PHASE_DEADLINE).await,
        read: true,
    });
    let own_month = format!("/attendance?month={month}");
    let attendance = |n| {
        jobs(
            &stack,
            Method::GET,
            &own_month,
            std::slice::from_ref(&employee),
            None,
            n,
        )
    };
    run(attendance(WARM_UP), CONNECTIONS, PHASE_DEADLINE).await;
    results.push(Measured {
        route: format!("GET /attendance?month={month}"),
        note: "the demo employee's month (one punched day)",
        phase: run(attendance(READS), CONNECTIONS, PHASE_DEADLINE).await,
        read: true,
    });
    drop(stack);

    let markdown = report(&results, boot, setup);
    let json = json!({
        "profile": "local",
        "binary": "target/local/genese-local",
        "connections": CONNECTIONS,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "bootSeconds": boot.as_secs_f64(),
        "punchSetupSeconds": setup.as_secs_f64(),
        "targetReadsPerSecond": TARGET_RPS,
        "phases": results.iter().map(|m| json!({
            "route": m.route, "note": m.note, "planned": m.phase.planned, "sent": m.phase.sent,
            "wallSeconds": m.phase.wall.as_secs_f64(), "perSecond": m.phase.per_second(),
            "statuses": m.phase.statuses, "p50Millis": m.phase.p(50.0), "p99Millis": m.phase.p(99.0),
            "maxMillis": m.phase.latencies_ms.last(),
            "met": m.read.then(|| m.phase.per_second() >= TARGET_RPS),
        })).collect::<Vec<_>>(),
    });
    write_part("load", &json, &markdown).map_err(|e| e.to_string())?;
    print!("{markdown}");
    Ok(())
}

fn report(results: &[Measured], boot: Duration, setup: Duration) -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mut md = String::from("## Embedded stack under load\n\n");
    md.push_str(&format!(
        "The real `genese-local` binary of the `local` profile (`target/local/genese-local`, what \
         `make run` ships: opt-level 2, its default `info` access log on) is started on a free \
         loopback port with a fresh state folder (up in {:.1} s), and a closed-loop generator \
         sends a fixed list of requests over {CONNECTIONS} keep-alive connections (one reqwest \
         client each), every request carrying a real id token from `POST /local/auth/token` that \
         the stack's gateway verifies. Reads: {READS} requests per route after {WARM_UP} untimed \
         ones. Punches: {PUNCHERS} employees (the demo employee and {} invited over the API, \
         activated with the mailed temporary password, `obama.jpg` enrolled; setup {:.1} s) each \
         check in once and out once with `obama2.jpg`, so every 201 ran the dlib matcher; a \
         repeated check-in is refused with 409 before any matching and is listed apart. The \
         generator runs on one thread of the same {cores}-core machine as the stack, so the stack \
         had at most the other core and a half to itself.\n\n",
        boot.as_secs_f64(),
        PUNCHERS - 1,
        setup.as_secs_f64()
    ));
    md.push_str("```sh\ncargo build --profile local -p local\ncargo run --profile local -p bench --bin load\n```\n\n");
    md.push_str("| route | what | requests | statuses | req/s | p50 | p99 | max | ≥ 5,000 req/s |\n|---|---|---:|---|---:|---:|---:|---:|---|\n");
    for m in results {
        let p = &m.phase;
        let statuses: Vec<String> = p
            .statuses
            .iter()
            .map(|(s, n)| format!("{n}× {s}"))
            .collect();
        md.push_str(&format!(
            "| {} | {} | {}{} | {} | {:.0} | {:.2} ms | {:.2} ms | {:.2} ms | {} |\n",
            m.route,
            m.note,
            p.sent,
            if p.sent < p.planned {
                format!(" of {} (deadline)", p.planned)
            } else {
                String::new()
            },
            statuses.join(", "),
            p.per_second(),
            p.p(50.0),
            p.p(99.0),
            p.latencies_ms.last().copied().unwrap_or(f64::NAN),
            match (m.read, p.per_second() >= TARGET_RPS) {
                (false, _) => "—",
                (true, true) => "met",
                (true, false) => "**missed**",
            }
        ));
    }
    let reads: Vec<&Measured> = results.iter().filter(|m| m.read).collect();
    let met = reads.iter().all(|m| m.phase.per_second() >= TARGET_RPS);
    md.push_str(&format!(
        "\nTarget (≥ 5,000 GET requests per second on 2 cores): **{}**. The face matcher serialises \
         its work behind one lock (`DlibFaces`), so punches run one at a time whatever the \
         concurrency; their rate is the matcher's, not the gateway's.\n",
        if met { "met" } else { "missed" }
    ));
    md
}
