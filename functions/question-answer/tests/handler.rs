//! question-answer handler tests: the `events/` fixture through the real handler on SQLite,
//! with the clock in the test's hand.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::clock::{Clock, ManualClock};
use domain::exam::{
    Attempt, AttemptRepo, Difficulty, DrawnQuestion, FrozenQuestion, QuestionDraft, QuestionKind,
    QuestionOption, Scoring,
};
use domain::ports::Table;
use edge::function::RestFunction;
use embedded_adapters::SqliteStore;
use lambda_http::{Body, Response};
use question_answer::{QuestionAnswer, sweep};
use serde_json::{Value, json};
use testkit::{aim, edit_claims, rest_request, set_body, temp_dir};

const FIXTURE: &str = "question-answer/put-answers.json";
const ASHA: &str = "5e6f7a8b-1c2d-4e3f-9a0b-c1d2e3f4a5b6";
const RECRUITER: &str = r#"{"sub": "recruiter-1", "cognito:username": "recruiter-1", "email": "recruiter@genese.test", "cognito:groups": "recruiters"}"#;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 4, 0, 0).unwrap()
}

struct World {
    app: QuestionAnswer,
    store: Arc<SqliteStore>,
    clock: Arc<ManualClock>,
}

fn world() -> World {
    let store = Arc::new(SqliteStore::open(&temp_dir("answers").join("tables.sqlite3")).unwrap());
    let clock = Arc::new(ManualClock::at(start()));
    World {
        app: QuestionAnswer {
            store: store.clone(),
            clock: clock.clone(),
        },
        store,
        clock,
    }
}

/// A question whose correct options are `correct` (bank order), shown in `shown` order.
fn frozen(
    id: &str,
    category: &str,
    kind: QuestionKind,
    correct: &[usize],
    shown: Vec<usize>,
) -> FrozenQuestion {
    FrozenQuestion {
        drawn: DrawnQuestion {
            question_id: id.into(),
            category: category.into(),
            option_order: shown.clone(),
        },
        content: QuestionDraft {
            text: format!("question {id}"),
            kind,
            category: category.into(),
            difficulty: Difficulty::Medium,
            points: 4,
            options: (0..shown.len())
                .map(|i| QuestionOption {
                    text: format!("option {i}"),
                    correct: correct.contains(&i),
                })
                .collect(),
            active: true,
        },
    }
}

/// Asha's attempt: a single choice (right: bank 2, shown at 1) and a multiple choice
/// (right: bank 0 and 3, shown at 3 and 0), 30 minutes with a 30 s grace.
async fn started(w: &World, uid: &str, email: &str) {
    let questions = vec![
        frozen(
            "rust-1",
            "rust",
            QuestionKind::Single,
            &[2],
            vec![0, 2, 1, 3],
        ),
        frozen(
            "sql-3",
            "sql",
            QuestionKind::Multiple,
            &[0, 3],
            vec![3, 2, 1, 0],
        ),
    ];
    let attempt = Attempt::start(
        uid,
        Some(email.into()),
        questions,
        w.clock.now(),
        Duration::minutes(30),
        Duration::seconds(30),
        Scoring::AllOrNothing,
    );
    AttemptRepo::new(w.store.as_ref())
        .create_once(attempt)
        .await
        .unwrap();
}

/// One request: the fixture re-aimed, as an applicant unless `claims` says otherwise.
#[derive(Default)]
struct Req<'a> {
    method: &'a str,
    resource: &'a str,
    path: &'a str,
    params: Value,
    query: Value,
    claims: Option<&'a str>,
    payload: Option<&'a str>,
}

async fn call(w: &World, r: Req<'_>) -> (u16, Value) {
    let path = if r.path.is_empty() {
        r.resource
    } else {
        r.path
    };
    let response: Response<Body> = w
        .app
        .handle(rest_request(FIXTURE, |e| {
            aim(
                e,
                r.method,
                r.resource,
                path,
                r.params.clone(),
                r.query.clone(),
            );
            if let Some(c) = r.claims {
                edit_claims(e, serde_json::from_str(c).unwrap());
            }
            match r.payload {
                Some(p) => set_body(e, p),
                None => e["body"] = Value::Null,
            }
        }))
        .await;
    let body = match response.body() {
        Body::Text(t) => serde_json::from_str(t).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    (response.status().as_u16(), body)
}

async fn save(w: &World, payload: &str) -> (u16, Value) {
    call(
        w,
        Req {
            method: "PUT",
            resource: "/exams/current/answers",
            payload: Some(payload),
            ..Req::default()
        },
    )
    .await
}

async fn submit(w: &World, payload: Option<&str>) -> (u16, Value) {
    call(
        w,
        Req {
            method: "POST",
            resource: "/exams/current/submit",
            payload,
            ..Req::default()
        },
    )
    .await
}

async fn result(w: &World, uid: &str) -> (u16, Value) {
    call(
        w,
        Req {
            method: "GET",
            resource: "/exams/{uid}",
            path: &format!("/exams/{uid}"),
            params: json!({ "uid": uid }),
            claims: Some(RECRUITER),
            ..Req::default()
        },
    )
    .await
}

/// Stream records that moved Asha's attempt to `submitted`: one per grading.
fn submissions(w: &World) -> usize {
    w.store
        .stream_after(Table::ExamAttempts, 0, 1000)
        .unwrap()
        .iter()
        .filter(|c| {
            // Extra-time grants share the table and have no status.
            let status = |image: &Option<serde_json::Map<String, Value>>| {
                image.as_ref().and_then(|i| i.get("status")).cloned()
            };
            status(&c.new_image) == Some(json!("submitted"))
                && status(&c.old_image) == Some(json!("in_progress"))
        })
        .count()
}

#[tokio::test]
async fn answers_are_saved_then_submitted_once_and_graded_on_the_server() {
    let w = world();
    started(&w, ASHA, "asha@example.com").await;
    // Shown 1 of rust-1 is bank option 2 (right); shown 0 and 3 of sql-3 are bank 3 and 0 (right).
    let (status, view) = save(&w, r#"{"answers": {"rust-1": [1]}}"#).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(
        (view["answered"].as_u64(), view["total"].as_u64()),
        (Some(1), Some(2))
    );
    let (status, view) = submit(&w, Some(r#"{"answers": {"sql-3": [3, 0]}}"#)).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status"], "submitted");
    assert_eq!(view["answers"]["sql-3"], json!([0, 3]));
    let shown = view.to_string();
    assert!(
        !shown.contains("score") && !shown.contains("correct"),
        "{shown}"
    );

    let (status, detail) = result(&w, ASHA).await;
    assert_eq!(status, 200);
    assert_eq!(
        (detail["score"].as_f64(), detail["maxScore"].as_u64()),
        (Some(8.0), Some(8))
    );
    assert_eq!(detail["byCategory"]["sql"]["correct"], 1);
    assert_eq!(detail["finalisedBy"], "applicant");
    assert_eq!(
        detail["questions"][0]["options"][2],
        json!({"text": "option 2", "correct": true, "picked": true})
    );

    // Final: no more answers; a repeated submit answers with the same final state.
    let (status, problem) = save(&w, r#"{"answers": {"rust-1": [0]}}"#).await;
    assert_eq!(status, 409, "{problem}");
    let (status, again) = submit(&w, None).await;
    assert_eq!(status, 200);
    assert_eq!(again["submittedAt"], view["submittedAt"]);
    assert_eq!(submissions(&w), 1);
}

#[tokio::test]
async fn twenty_concurrent_submits_grade_once() {
    let w = Arc::new(world());
    started(&w, ASHA, "asha@example.com").await;
    save(&w, r#"{"answers": {"rust-1": [1]}}"#).await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let w = w.clone();
        tasks.push(tokio::spawn(async move { submit(&w, None).await }));
    }
    let mut submitted_at = std::collections::BTreeSet::new();
    for t in tasks {
        let (status, view) = t.await.unwrap();
        assert_eq!(status, 200, "{view}");
        submitted_at.insert(view["submittedAt"].to_string());
    }
    assert_eq!(submitted_at.len(), 1);
    assert_eq!(
        submissions(&w),
        1,
        "one grading, so one stream record to mail from"
    );
}

#[tokio::test]
async fn bad_answers_are_refused_by_field_and_change_nothing() {
    let w = world();
    started(&w, ASHA, "asha@example.com").await;
    let before = AttemptRepo::new(w.store.as_ref())
        .get(ASHA)
        .await
        .unwrap()
        .unwrap();
    for (payload, status, field) in [
        (r#"{"answers": {"go-1": [0]}}"#, 422, "answers.go-1"),
        (r#"{"answers": {"rust-1": [4]}}"#, 422, "answers.rust-1"),
        (r#"{"answers": {"rust-1": [0, 1]}}"#, 422, "answers.rust-1"),
        (r#"{"answers": {"sql-3": [1, 1]}}"#, 422, "answers.sql-3"),
        (r#"{"answers": {"sql-3": [-1]}}"#, 400, "answers.sql-3[0]"),
        (r#"{"answers": {"sql-3": "0"}}"#, 400, "answers.sql-3"),
        (r#"{"answers": {}, "score": 100}"#, 400, "score"),
        (r#"{"answers": {"rust-1": [1]"#, 400, "body"),
        (r#"{}"#, 400, "answers"),
    ] {
        let (got, problem) = save(&w, payload).await;
        assert_eq!(
            (got, problem["field"].as_str()),
            (status, Some(field)),
            "{payload}: {problem}"
        );
    }
    // Bodies past the size an exam's answers can need are refused before parsing.
    let huge = format!(
        r#"{{"answers": {{"rust-1": [1]}}, "pad": "{}"}}"#,
        "x".repeat(20_000)
    );
    assert_eq!(save(&w, &huge).await.0, 413);
    // A valid answer next to a bad one is not saved either.
    let (got, _) = submit(&w, Some(r#"{"answers": {"rust-1": [1], "sql-3": [9]}}"#)).await;
    assert_eq!(got, 422);
    let after = AttemptRepo::new(w.store.as_ref())
        .get(ASHA)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after, before, "nothing half written");
}

#[tokio::test]
async fn the_deadline_is_the_servers_with_a_short_grace() {
    let w = world();
    started(&w, ASHA, "asha@example.com").await;
    w.clock
        .advance(Duration::minutes(30) + Duration::seconds(20));
    let (status, view) = save(&w, r#"{"answers": {"rust-1": [1]}}"#).await;
    assert_eq!(status, 200, "inside the grace: {view}");
    assert_eq!(view["secondsLeft"], 0);
    w.clock.advance(Duration::seconds(11));
    let (status, problem) = save(&w, r#"{"answers": {"sql-3": [0, 3]}}"#).await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("ended"),
        "{problem}"
    );
    let (status, _) = submit(&w, None).await;
    assert_eq!(status, 409, "too late to submit by hand");
    // The saved answer counted; the attempt was finalised at its deadline.
    let (_, detail) = result(&w, ASHA).await;
    assert_eq!(detail["finalisedBy"], "deadline");
    assert_eq!(detail["submittedAt"], "2026-11-24T04:30:00Z");
    assert_eq!(detail["score"].as_f64(), Some(4.0));
    assert_eq!(submissions(&w), 1);
}

#[tokio::test]
async fn the_sweep_finalises_attempts_nobody_reads() {
    let w = world();
    started(&w, "u-1", "one@example.com").await;
    started(&w, "u-2", "two@example.com").await;
    assert_eq!(sweep(w.store.as_ref(), w.clock.as_ref()).await.unwrap(), 0);
    w.clock.advance(Duration::minutes(31));
    assert_eq!(sweep(w.store.as_ref(), w.clock.as_ref()).await.unwrap(), 2);
    assert_eq!(sweep(w.store.as_ref(), w.clock.as_ref()).await.unwrap(), 0);
}

/// The schedule may start a sweep while the last one still runs (no reserved concurrency keeps
/// them apart): each overdue attempt is finalised, and so mailed, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn overlapping_sweeps_finalise_each_attempt_once() {
    let w = world();
    for i in 0..6 {
        started(&w, &format!("u-{i}"), &format!("u{i}@example.com")).await;
    }
    w.clock.advance(Duration::minutes(31));
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let (store, clock) = (w.store.clone(), w.clock.clone());
            tokio::spawn(async move { sweep(store.as_ref(), clock.as_ref()).await.unwrap() })
        })
        .collect();
    let mut finalised = 0;
    for run in runs {
        finalised += run.await.unwrap();
    }
    assert_eq!(finalised, 6, "each attempt by exactly one of the runs");
    assert_eq!(submissions(&w), 6);
}

#[tokio::test]
async fn recruiters_list_results_by_score_and_running_exams_by_deadline() {
    let w = world();
    for (uid, answer) in [
        ("low", r#"{"answers": {}}"#),
        ("high", r#"{"answers": {"rust-1": [1], "sql-3": [0, 3]}}"#),
        ("mid", r#"{"answers": {"rust-1": [1]}}"#),
    ] {
        started(&w, uid, &format!("{uid}@example.com")).await;
        let repo = AttemptRepo::new(w.store.as_ref());
        let answers: Value = serde_json::from_str(answer).unwrap();
        let answers = serde_json::from_value(answers["answers"].clone()).unwrap();
        repo.change(uid, start(), |a| {
            a.save(&answers, start())?;
            a.submit(start())
        })
        .await
        .unwrap();
    }
    started(&w, "running", "running@example.com").await;
    let list = |query: Value| {
        call(
            &w,
            Req {
                method: "GET",
                resource: "/exams",
                query,
                claims: Some(RECRUITER),
                ..Req::default()
            },
        )
    };
    let (status, page) = list(Value::Null).await;
    assert_eq!(status, 200, "{page}");
    let order: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["high", "mid", "low"]);
    assert_eq!(
        page["items"][0]["byCategory"]["rust"]["score"].as_f64(),
        Some(4.0)
    );

    let (_, first) = list(json!({"limit": "2"})).await;
    let (_, second) = list(json!({"limit": "2", "cursor": first["nextCursor"]})).await;
    assert_eq!(second["items"][0]["id"], "low");

    let (_, running) = list(json!({"status": "in_progress"})).await;
    assert_eq!(running["items"][0]["id"], "running");
    // Once it is overdue, a listing finalises it rather than showing it as running.
    w.clock.advance(Duration::hours(1));
    let (_, running) = list(json!({"status": "in_progress"})).await;
    assert_eq!(running["items"], json!([]));
    let (_, ranked) = list(Value::Null).await;
    assert_eq!(ranked["items"].as_array().unwrap().len(), 4);

    for (query, field) in [
        (json!({"status": "done"}), "status"),
        (json!({"limit": "0"}), "limit"),
        (json!({"cursor": "nope"}), "cursor"),
    ] {
        let (status, problem) = list(query).await;
        assert_eq!((status, problem["field"].as_str()), (400, Some(field)));
    }
    assert_eq!(result(&w, "nobody").await.0, 404);
}

#[tokio::test]
async fn each_side_keeps_to_its_routes() {
    let w = world();
    started(&w, ASHA, "asha@example.com").await;
    // Applicants cannot read results, not even their own.
    let (status, _) = call(
        &w,
        Req {
            method: "GET",
            resource: "/exams/{uid}",
            path: &format!("/exams/{ASHA}"),
            params: json!({"uid": ASHA}),
            ..Req::default()
        },
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &w,
        Req {
            method: "GET",
            resource: "/exams",
            ..Req::default()
        },
    )
    .await;
    assert_eq!(status, 403);
    // Recruiters and staff do not take the exam.
    for claims in [RECRUITER, r#"{"cognito:groups": "employees"}"#] {
        let (status, _) = call(
            &w,
            Req {
                method: "PUT",
                resource: "/exams/current/answers",
                claims: Some(claims),
                payload: Some(r#"{"answers": {}}"#),
                ..Req::default()
            },
        )
        .await;
        assert_eq!(status, 403);
    }
    // Someone who never started has nothing to save to.
    let (status, _) = call(
        &w,
        Req {
            method: "PUT",
            resource: "/exams/current/answers",
            claims: Some(r#"{"sub": "someone-else"}"#),
            payload: Some(r#"{"answers": {}}"#),
            ..Req::default()
        },
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &w,
        Req {
            method: "DELETE",
            resource: "/exams/current/submit",
            ..Req::default()
        },
    )
    .await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn recruiters_read_each_questions_facility_and_discrimination() {
    let w = world();
    let statistics = |claims: &'static str| {
        call(
            &w,
            Req {
                method: "GET",
                resource: "/exam-statistics",
                claims: Some(claims),
                ..Req::default()
            },
        )
    };
    let (status, empty) = statistics(RECRUITER).await;
    assert_eq!(
        (status, &empty),
        (200, &json!({ "attempts": 0, "items": [] }))
    );

    // Two submitted: one right on both (rust-1 shown at 1; sql-3 shown at 0 and 3), one on
    // neither; and one still running, which does not count.
    let repo = AttemptRepo::new(w.store.as_ref());
    let now = w.clock.now();
    for (uid, answers) in [
        ("u-strong", json!({ "rust-1": [1], "sql-3": [0, 3] })),
        ("u-weak", json!({ "rust-1": [0], "sql-3": [1] })),
    ] {
        started(&w, uid, "x@example.test").await;
        let answers: domain::exam::Answers = serde_json::from_value(answers).unwrap();
        repo.change(uid, now, |a| {
            a.save(&answers, now)?;
            a.submit(now)
        })
        .await
        .unwrap();
    }
    started(&w, "u-running", "y@example.test").await;

    let (status, seen) = statistics(RECRUITER).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["attempts"], 2);
    let items = seen["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    for item in items {
        assert_eq!(
            (item["attempts"].as_u64(), item["facility"].as_f64()),
            (Some(2), Some(0.5))
        );
        assert_eq!(item["discrimination"].as_f64(), Some(1.0), "{item}");
    }
    assert_eq!(items[0]["questionId"], "rust-1");
    assert_eq!(items[0]["text"], "question rust-1");

    // An erased applicant's attempt stays in the statistics, anonymised.
    domain::applicant::ApplicantRepo::new(w.store.as_ref())
        .erase("u-weak", now)
        .await
        .unwrap();
    let kept = repo.get("u-weak").await.unwrap().unwrap();
    assert!(kept.anonymised_at.is_some());
    assert_eq!(statistics(RECRUITER).await.1, seen);

    let (status, _) = statistics(r#"{"cognito:groups": "applicants"}"#).await;
    assert_eq!(status, 403);
}

async fn extra_time(w: &World, method: &str, payload: Option<&str>, claims: &str) -> (u16, Value) {
    call(
        w,
        Req {
            method,
            resource: "/exams/{uid}/extra-time",
            path: &format!("/exams/{ASHA}/extra-time"),
            params: json!({ "uid": ASHA }),
            claims: Some(claims),
            payload,
            ..Req::default()
        },
    )
    .await
}

#[tokio::test]
async fn extra_time_moves_the_deadline_the_applicant_sees_and_is_audited() {
    let w = world();
    // Nobody to grant to yet.
    let grant = r#"{"minutes": 15, "reason": "Dyslexia: 50% extra time"}"#;
    assert_eq!(extra_time(&w, "PUT", Some(grant), RECRUITER).await.0, 404);
    started(&w, ASHA, "asha@example.com").await;
    w.clock.set(start() + Duration::minutes(10));
    let (status, held) = extra_time(&w, "PUT", Some(grant), RECRUITER).await;
    assert_eq!(status, 200, "{held}");
    assert_eq!(held["minutes"], 15);
    assert_eq!(held["deadline"], "2026-11-24T04:45:00Z");
    assert_eq!(held["changes"][0]["by"], "recruiter@genese.test");
    assert_eq!(held["changes"][0]["reason"], "Dyslexia: 50% extra time");
    // The applicant saves past the policy's 30 minutes, inside the grant's 45.
    w.clock.set(start() + Duration::minutes(40));
    let (status, view) = save(&w, r#"{"answers": {"rust-1": [1]}}"#).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["extraMinutes"], 15);
    assert_eq!(view["secondsLeft"], 300);
    // Recruiters read it with the result and on its own.
    let (_, detail) = result(&w, ASHA).await;
    assert_eq!(detail["extraMinutes"], 15);
    let (status, read) = extra_time(&w, "GET", None, RECRUITER).await;
    assert_eq!((status, &read), (200, &held));
    // Past the grant: the sweep finalises it; a grant no longer changes it.
    w.clock.set(start() + Duration::minutes(46));
    sweep(w.store.as_ref(), w.clock.as_ref()).await.unwrap();
    assert_eq!(submissions(&w), 1);
    let late = r#"{"minutes": 60, "reason": "Asked after the end"}"#;
    let (status, problem) = extra_time(&w, "PUT", Some(late), RECRUITER).await;
    assert_eq!(status, 409, "{problem}");
    let (_, read) = extra_time(&w, "GET", None, RECRUITER).await;
    assert_eq!(read["changes"].as_array().unwrap().len(), 1, "{read}");
}

#[tokio::test]
async fn bad_grants_are_refused_by_field_and_only_recruiters_grant() {
    let w = world();
    started(&w, ASHA, "asha@example.com").await;
    for (payload, status, field) in [
        (r#"{"minutes": 481, "reason": "x"}"#, 422, "minutes"),
        (r#"{"minutes": -1, "reason": "x"}"#, 400, "minutes"),
        (r#"{"minutes": 10, "reason": "  "}"#, 422, "reason"),
        (r#"{"minutes": 10}"#, 400, "reason"),
        (
            r#"{"minutes": 10, "reason": "x", "deadline": "2030-01-01T00:00:00Z"}"#,
            400,
            "deadline",
        ),
    ] {
        let (got, problem) = extra_time(&w, "PUT", Some(payload), RECRUITER).await;
        assert_eq!(
            (got, problem["field"].as_str()),
            (status, Some(field)),
            "{payload}: {problem}"
        );
    }
    let grant = r#"{"minutes": 15, "reason": "x"}"#;
    let applicant =
        r#"{"sub": "5e6f7a8b-1c2d-4e3f-9a0b-c1d2e3f4a5b6", "cognito:groups": "applicants"}"#;
    assert_eq!(extra_time(&w, "PUT", Some(grant), applicant).await.0, 403);
    let (_, read) = extra_time(&w, "GET", None, RECRUITER).await;
    assert_eq!(read["changes"], json!([]), "nothing was granted: {read}");
    assert_eq!(read["deadline"], "2026-11-24T04:30:00Z");
}

#[tokio::test]
async fn twenty_identical_grants_at_once_move_the_deadline_once() {
    let w = Arc::new(world());
    started(&w, ASHA, "asha@example.com").await;
    let grant = r#"{"minutes": 20, "reason": "Screen reader"}"#;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let w = w.clone();
        tasks.push(tokio::spawn(async move {
            extra_time(&w, "PUT", Some(grant), RECRUITER).await
        }));
    }
    for t in tasks {
        let (status, held) = t.await.unwrap();
        assert_eq!(status, 200, "{held}");
    }
    let (_, read) = extra_time(&w, "GET", None, RECRUITER).await;
    assert_eq!(read["changes"].as_array().unwrap().len(), 1, "{read}");
    assert_eq!(read["deadline"], "2026-11-24T04:50:00Z");
}
