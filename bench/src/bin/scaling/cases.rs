//! The two growing workloads, each seeded through the repos and then served by the real handler
//! in-process over a [`CountingStore`]: the company month report for N employees × 22 days, and
//! an exam start drawing from a bank of B questions.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use attendance::{Attendance, PunchPolicy};
use bench::batch_seed::Recorder;
use bench::counting_store::{CountingStore, Counts};
use bench::inproc_world::{ADMIN, COMPANY, Event, MONTH};
use bench::seed;
use bench::stats::median;
use domain::clock::ManualClock;
use domain::exam::{ExamPolicy, Scoring};
use domain::ids::UuidIds;
use domain::ports::{ItemStore, TxOp};
use domain::roster::StaffRole;
use edge::function::RestFunction;
use embedded_adapters::{DlibFaces, FileBlobStore};
use question_collection::QuestionCollection;
use serde_json::{Value, json};
use testkit::{aim, edit_claims};

use crate::backend::Backend;

/// The month before [`MONTH`]: seeded too, and never read by the report.
const OTHER_MONTH: &str = "2026-09";
/// Another company's staff in [`MONTH`]: seeded, never read.
const OTHER_COMPANY_STAFF: usize = 50;
/// Categories of the bank: the policy draws from the first three; `design` is never read.
const CATEGORIES: [&str; 4] = ["rust", "sql", "aptitude", "design"];

/// One measured size of one workload on one backend.
pub struct Row {
    pub backend: &'static str,
    pub workload: &'static str,
    pub size: usize,
    pub seeded_items: usize,
    pub seed: Duration,
    /// Every timed call, in milliseconds.
    pub call_ms: Vec<f64>,
    /// What one call asked of the store (every call asked the same).
    pub counts: Counts,
    /// Items the queries address: what a call should read if nothing is scanned.
    pub expected_items: u64,
}

impl Row {
    pub fn median_ms(&self) -> f64 {
        median(&self.call_ms)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "backend": self.backend, "workload": self.workload, "size": self.size,
            "seededItems": self.seeded_items, "seedSeconds": self.seed.as_secs_f64(),
            "callMillis": self.call_ms, "medianMillis": self.median_ms(),
            "counts": self.counts, "expectedItemsRead": self.expected_items,
        })
    }
}

/// Calls `handler` on `calls` requests, expecting `expected` each time and the same store
/// counts each time; the timings and those counts.
async fn measure<F: RestFunction>(
    handler: &F,
    counting: &CountingStore,
    events: Vec<Event>,
    expected: u16,
) -> Result<(Vec<f64>, Counts), String> {
    let mut times = Vec::new();
    let mut first: Option<Counts> = None;
    for event in events {
        let request = event.request();
        counting.take();
        let started = Instant::now();
        let response = handler.handle(request).await;
        times.push(started.elapsed().as_secs_f64() * 1e3);
        let counts = counting.take();
        if response.status().as_u16() != expected {
            return Err(format!(
                "answered {} instead of {expected}: {:?}",
                response.status(),
                response.body()
            ));
        }
        match first {
            None => first = Some(counts),
            Some(c) if c.items_read != counts.items_read => {
                return Err(format!("reads differ between calls: {c:?} then {counts:?}"));
            }
            Some(_) => {}
        }
    }
    Ok((times, first.unwrap_or_default()))
}

/// `GET /attendance/report?month=2026-10` as acme's admin, acme having `employees` staff who
/// attended every weekday of September and October, and globex 50 staff in October.
pub async fn month_report(
    backend: &Backend,
    employees: usize,
    calls: usize,
    faces: Arc<DlibFaces>,
) -> Result<Row, String> {
    let fresh = backend.fresh(&format!("report{employees}")).await?;
    let store = fresh.store.as_ref();
    let started = Instant::now();
    seed::company(store, COMPANY, ADMIN).await?;
    seed::company(store, "globex", "admin@globex.test").await?;
    let recorder = Recorder::default();
    let staff: Vec<String> = (0..employees)
        .map(|n| format!("staff{n:05}@acme.test"))
        .collect();
    let fail = |e: domain::ports::StoreError| e.to_string();
    let roster: Vec<TxOp> = staff
        .iter()
        .map(|u| seed::staff(COMPANY, u, StaffRole::Employee, ADMIN).create())
        .collect();
    recorder.transact(roster).await.map_err(fail)?;
    for username in &staff {
        for month in [OTHER_MONTH, MONTH] {
            seed::worked_month(&recorder, COMPANY, username, month)
                .await
                .map_err(fail)?;
        }
    }
    for n in 0..OTHER_COMPANY_STAFF {
        let username = format!("staff{n:05}@globex.test");
        seed::worked_month(&recorder, "globex", &username, MONTH)
            .await
            .map_err(fail)?;
    }
    let seeded = fresh.seed(recorder.drain()).await?;
    let seed_time = started.elapsed();

    let counting = Arc::new(CountingStore::new(fresh.store.clone()));
    let dir = testkit::temp_dir("bench-scaling-blobs");
    let handler = Attendance {
        store: counting.clone(),
        blobs: Arc::new(FileBlobStore::new(
            dir.clone(),
            "http://127.0.0.1:1".into(),
            vec![7; 32],
        )),
        faces,
        clock: Arc::new(ManualClock::at(seed::utc(seed::NOW))),
        policy: PunchPolicy {
            threshold: 80.0,
            max_shift: chrono::Duration::hours(14),
        },
    };
    let events = (0..calls)
        .map(|_| {
            Event::from_fixture("attendance/post-check-in.json", |e| {
                aim(
                    e,
                    "GET",
                    "/attendance/report",
                    "/attendance/report",
                    Value::Null,
                    json!({ "month": MONTH, "format": "json" }),
                );
                e["body"] = Value::Null;
                edit_claims(e, bench::inproc_world::claims(ADMIN, "admins"));
            })
        })
        .collect();
    let measured = measure(&handler, &counting, events, 200).await;
    let _ = std::fs::remove_dir_all(dir);
    let (call_ms, counts) = measured?;
    Ok(Row {
        backend: backend.name(),
        workload: "GET /attendance/report (N employees × 22 days)",
        size: employees,
        seeded_items: seeded + 2,
        seed: seed_time,
        call_ms,
        counts,
        // The month's rows, plus the company profile (the holiday query finds none).
        expected_items: employees as u64 * seed::weekdays(MONTH).len() as u64 + 1,
    })
}

/// `POST /exams` by `calls` new applicants, drawing 4 questions from each of three categories
/// out of a bank of `bank` questions spread evenly over four categories.
pub async fn exam_start(backend: &Backend, bank: usize, calls: usize) -> Result<Row, String> {
    let fresh = backend.fresh(&format!("exam{bank}")).await?;
    let started = Instant::now();
    let recorder = Recorder::default();
    let fail = |e: domain::ports::StoreError| e.to_string();
    for n in 0..bank {
        seed::question(&recorder, n, CATEGORIES[n % CATEGORIES.len()])
            .await
            .map_err(fail)?;
    }
    let seeded = fresh.seed(recorder.drain()).await?;
    let seed_time = started.elapsed();

    let counting = Arc::new(CountingStore::new(fresh.store.clone()));
    let handler = QuestionCollection {
        store: counting.clone(),
        clock: Arc::new(ManualClock::at(seed::utc(seed::NOW))),
        ids: Arc::new(UuidIds),
        policy: ExamPolicy {
            per_category: CATEGORIES[..3]
                .iter()
                .map(|c| (c.to_string(), 4))
                .collect::<BTreeMap<_, _>>(),
            duration: chrono::Duration::minutes(30),
            grace: chrono::Duration::seconds(30),
            scoring: Scoring::Partial,
        },
    };
    let events = (0..calls)
        .map(|n| {
            Event::from_fixture("question-collection/post-exams.json", |e| {
                edit_claims(e, json!({ "sub": format!("applicant-{bank}-{n}") }))
            })
        })
        .collect();
    let (call_ms, counts) = measure(&handler, &counting, events, 201).await?;
    let drawn_from = (0..bank).filter(|n| n % CATEGORIES.len() < 3).count();
    Ok(Row {
        backend: backend.name(),
        workload: "POST /exams (bank of B questions)",
        size: bank,
        seeded_items: seeded,
        seed: seed_time,
        call_ms,
        counts,
        // Every active question of the three drawn categories (no attempt exists yet).
        expected_items: drawn_from as u64,
    })
}
