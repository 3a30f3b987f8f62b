//! `make bench-criterion`, second step: times a fixed sample of in-process handler calls for
//! their p99, reads back the criterion runs of `benches/domain.rs` and `benches/handlers.rs`,
//! and writes the `inproc` part of the benchmark report.

mod estimates;
mod tail;

use bench::inproc_world::world;
use bench::results::{dir, write_part};
use serde_json::json;
use tail::{SAMPLE, Tail, WARM_UP, measure};

/// The in-process latency target: a handler's p99 under one millisecond.
const TARGET_P99_US: f64 = 1_000.0;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let w = world().await;
    let n = WARM_UP + SAMPLE;
    let company: Vec<_> = (0..n).map(|_| w.get_company()).collect();
    let month: Vec<_> = (0..n).map(|_| w.own_month()).collect();
    let leave = w.leave_requests(n).await;
    let tails = vec![
        measure("GET /company", &w.company_admin, &company, 200).await,
        measure(
            "GET /attendance?month= (22 days)",
            &w.attendance,
            &month,
            200,
        )
        .await,
        measure("POST /leave-requests", &w.leave, &leave, 201).await,
    ];
    let criterion_dir = dir()
        .parent()
        .map(|t| t.join("criterion"))
        .unwrap_or_default();
    let estimates = estimates::load(&criterion_dir, &["domain", "handlers"]);
    let markdown = report(&tails, &estimates);
    let json = json!({
        "profile": "local",
        "targetP99Micros": TARGET_P99_US,
        "tail": tails.iter().map(|t| json!({
            "route": t.route, "samples": t.samples, "p50Micros": t.p50_us,
            "p99Micros": t.p99_us, "maxMicros": t.max_us, "met": t.p99_us < TARGET_P99_US,
        })).collect::<Vec<_>>(),
        "criterion": estimates.iter().map(|e| json!({
            "group": e.group, "name": e.name, "meanNanos": e.mean_ns,
            "meanLowNanos": e.mean_low_ns, "meanHighNanos": e.mean_high_ns,
            "medianNanos": e.median_ns,
        })).collect::<Vec<_>>(),
    });
    write_part("inproc", &json, &markdown)?;
    print!("{markdown}");
    Ok(())
}

/// A duration in nanoseconds, in the unit that reads best.
fn human(ns: f64) -> String {
    match ns {
        ns if ns < 1e3 => format!("{ns:.0} ns"),
        ns if ns < 1e6 => format!("{:.1} µs", ns / 1e3),
        ns => format!("{:.2} ms", ns / 1e6),
    }
}

fn report(tails: &[Tail], estimates: &[estimates::Estimate]) -> String {
    let mut md = String::from("## In-process: domain rules and whole handlers\n\n");
    md.push_str(
        "Criterion (0.8, 1 s warm-up, 3 s measurement, 30–50 samples) times the hot domain rules \
         with no I/O, and whole handlers called in-process through `RestFunction::handle` on the \
         embedded adapters (a SQLite file in the temp dir, file blobs, the local directory and \
         face matcher), fed the REST proxy events of `events/` converted exactly as lambda_http \
         converts them; building the request is outside the timed part. Every timed leave \
         request comes from a new employee, so each takes the 201 path (roster and company reads, \
         holidays, the overlap query, a transaction). Criterion reports means with a 95% \
         confidence interval; for the tail, `inproc` then times 5,000 individual calls per handler \
         after 200 untimed ones on one thread and reports p50/p99/max. Everything is built with \
         the `local` profile (opt-level 2, what `make run` ships, not the Lambda's `release` \
         opt-level z), one thread, on the 2-core machine.\n\n",
    );
    md.push_str(
        "```sh\ncargo bench --profile local -p bench --bench domain --bench handlers\n\
         cargo run --profile local -p bench --bin inproc\n```\n\n",
    );
    md.push_str(
        "| group | benchmark | mean | 95% CI of the mean | median |\n|---|---|---:|---:|---:|\n",
    );
    for e in estimates {
        md.push_str(&format!(
            "| {} | {} | {} | {} – {} | {} |\n",
            e.group,
            e.name,
            human(e.mean_ns),
            human(e.mean_low_ns),
            human(e.mean_high_ns),
            human(e.median_ns)
        ));
    }
    if estimates.is_empty() {
        md.push_str("| — | no criterion results found: run the benches first | | | |\n");
    }
    md.push_str(
        "\n| handler (in-process) | timed calls | p50 | p99 | max | p99 < 1 ms |\n|---|---:|---:|---:|---:|---|\n",
    );
    for t in tails {
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            t.route,
            t.samples,
            human(t.p50_us * 1e3),
            human(t.p99_us * 1e3),
            human(t.max_us * 1e3),
            if t.p99_us < TARGET_P99_US {
                "met"
            } else {
                "**missed**"
            }
        ));
    }
    let all_met = tails.iter().all(|t| t.p99_us < TARGET_P99_US);
    md.push_str(&format!(
        "\nTarget (in-process handler p99 under 1 ms): **{}**.\n",
        if all_met {
            "met for every handler measured".to_string()
        } else {
            let missed: Vec<_> = tails
                .iter()
                .filter(|t| t.p99_us >= TARGET_P99_US)
                .map(|t| t.route)
                .collect();
            format!("missed for {}", missed.join(", "))
        }
    ));
    md
}
