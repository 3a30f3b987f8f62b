//! Criterion benches of the hot domain rules, no I/O: grading an exam, the work date of a punch,
//! the leave overlap check and mapping an error to problem+json.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use chrono::{NaiveDate, TimeDelta};
use chrono_tz::Tz;
use criterion::{Criterion, criterion_group, criterion_main};
use domain::attendance::closing_date;
use domain::calendar::work_date;
use domain::exam::{
    Answers, Difficulty, DrawnQuestion, QuestionDraft, QuestionKind, QuestionOption, Scoring,
    check_answers, grade,
};
use domain::leave::{HalfDay, LeaveRequest, LeaveStatus, LeaveType};
use domain::ports::StoreError;
use edge::ApiError;
use edge::http::respond;

use bench::seed::utc;

/// `n` drawn questions over three categories, every other one multiple choice, options shown
/// reversed, and answers picking the first shown option (some right, some wrong).
fn exam(n: usize) -> (Vec<DrawnQuestion>, BTreeMap<String, QuestionDraft>, Answers) {
    let categories = ["rust", "sql", "aptitude"];
    let mut drawn = Vec::new();
    let mut content = BTreeMap::new();
    let mut answers = Answers::new();
    for i in 0..n {
        let id = format!("q{i}");
        let multiple = i % 2 == 1;
        content.insert(
            id.clone(),
            QuestionDraft {
                text: format!("question {i}"),
                kind: if multiple {
                    QuestionKind::Multiple
                } else {
                    QuestionKind::Single
                },
                category: categories[i % 3].into(),
                difficulty: Difficulty::Medium,
                points: 2,
                options: (0..4)
                    .map(|o| QuestionOption {
                        text: format!("option {o}"),
                        correct: o == 3 || (multiple && o == 2),
                    })
                    .collect(),
                active: true,
            },
        );
        drawn.push(DrawnQuestion {
            question_id: id.clone(),
            category: categories[i % 3].into(),
            option_order: vec![3, 2, 1, 0],
        });
        answers.insert(id, if multiple { vec![0, 1] } else { vec![i % 4] });
    }
    (drawn, content, answers)
}

fn exam_grading(c: &mut Criterion) {
    let mut g = c.benchmark_group("domain");
    for n in [12, 50] {
        let (drawn, content, answers) = exam(n);
        g.bench_function(
            format!("exam grading: check and grade {n} questions"),
            |b| {
                b.iter(|| {
                    check_answers(black_box(&drawn), &content, black_box(&answers))
                        .expect("valid answers");
                    grade(&drawn, &content, &answers, Scoring::Partial)
                })
            },
        );
    }
}

fn work_dates(c: &mut Criterion) {
    let mut g = c.benchmark_group("domain");
    let zone: Tz = "Asia/Kathmandu".parse().expect("zone");
    let at = utc("2026-11-24T19:05:00Z");
    g.bench_function("work date: of a punch in Asia/Kathmandu", |b| {
        b.iter(|| work_date(black_box(at), black_box(zone)))
    });
    let checked_in = utc("2026-11-24T14:00:00Z");
    g.bench_function("work date: night-shift check-out closing yesterday", |b| {
        b.iter(|| {
            closing_date(
                black_box(at),
                zone,
                black_box(Some(checked_in)),
                TimeDelta::hours(14),
            )
        })
    });
}

fn leave(n: u32, start: NaiveDate, days: i64, status: LeaveStatus) -> LeaveRequest {
    LeaveRequest {
        leave_id: format!("leave-{n}"),
        company_id: "acme".into(),
        employee: "employee@acme.test".into(),
        manager: Some("manager@acme.test".into()),
        leave_type: LeaveType::Annual,
        start_date: start,
        end_date: start + TimeDelta::days(days - 1),
        start_half: None,
        end_half: Some(HalfDay::Morning),
        reason: "Family visit".into(),
        days: days as f64 - 0.5,
        status,
        decided_by: None,
        decided_at: None,
        decision_comment: None,
        created_at: utc("2026-11-24T22:30:00Z"),
        version: 1,
    }
}

/// The domain half of the overlap check: the new request against the employee's ledger in the
/// index range (here 20 requests, none clashing, so every one is compared).
fn leave_overlap(c: &mut Criterion) {
    let mut g = c.benchmark_group("domain");
    let base = NaiveDate::from_ymd_opt(2026, 1, 5).expect("date");
    let statuses = [
        LeaveStatus::Approved,
        LeaveStatus::Pending,
        LeaveStatus::Cancelled,
        LeaveStatus::Rejected,
    ];
    let ledger: Vec<LeaveRequest> = (0..20)
        .map(|i| {
            leave(
                i,
                base + TimeDelta::days(14 * i64::from(i)),
                3,
                statuses[i as usize % 4],
            )
        })
        .collect();
    let wanted = leave(
        99,
        NaiveDate::from_ymd_opt(2026, 12, 21).expect("date"),
        3,
        LeaveStatus::Pending,
    );
    g.bench_function("leave overlap: new request against 20 on the ledger", |b| {
        b.iter(|| {
            black_box(&ledger)
                .iter()
                .find(|other| other.clashes_with(black_box(&wanted)))
                .is_some()
        })
    });
}

fn problem_json(c: &mut Criterion) {
    let mut g = c.benchmark_group("domain");
    g.bench_function("problem+json: 422 naming the field", |b| {
        b.iter(|| {
            respond(
                Some("7c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e"),
                Err(ApiError::invalid(
                    black_box("endDate"),
                    "the leave ends before it starts",
                )),
            )
        })
    });
    g.bench_function("problem+json: store conflict mapped to 409", |b| {
        b.iter(|| {
            respond(
                Some("7c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e"),
                Err(ApiError::from(black_box(StoreError::ConditionFailed))),
            )
        })
    });
}

criterion_group! {
    name = domain;
    // Short runs: `make bench` must stay within its time budget on two shared cores.
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = exam_grading, work_dates, leave_overlap, problem_json
}
criterion_main!(domain);
