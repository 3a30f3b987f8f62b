//! question-collection handler tests: the `events/` fixture through the real handler on SQLite.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::TimeZone;
use domain::clock::ManualClock;
use domain::exam::{ExamPolicy, QuestionDraft, QuestionRepo};
use domain::ids::SequentialIds;
use domain::ports::{ItemStore, Key, Table};
use edge::function::RestFunction;
use embedded_adapters::SqliteStore;
use lambda_http::{Body, Response};
use question_collection::QuestionCollection;
use serde_json::{Value, json};
use testkit::{aim, edit_claims, rest_request, set_body, temp_dir};

const FIXTURE: &str = "question-collection/post-question.json";

fn world() -> (QuestionCollection, Arc<SqliteStore>) {
    let store = Arc::new(SqliteStore::open(&temp_dir("questions").join("tables.sqlite3")).unwrap());
    let app = QuestionCollection {
        store: store.clone(),
        clock: Arc::new(ManualClock::at(
            chrono::Utc.with_ymd_and_hms(2026, 11, 24, 4, 0, 0).unwrap(),
        )),
        ids: Arc::new(SequentialIds::new("q")),
        policy: ExamPolicy::from_env(&BTreeMap::from([(
            "EXAM_QUESTIONS_PER_CATEGORY".to_string(),
            "rust=2,sql=2".to_string(),
        )]))
        .unwrap(),
    };
    (app, store)
}

fn body(response: &Response<Body>) -> Value {
    match response.body() {
        Body::Text(t) => serde_json::from_str(t).unwrap(),
        _ => Value::Null,
    }
}

/// The fixture re-aimed at `method path` (resource template `resource`) with `body`.
async fn call(
    app: &QuestionCollection,
    method: &str,
    resource: &str,
    path: &str,
    id: Option<&str>,
    query: Value,
    payload: Option<Value>,
) -> Response<Body> {
    app.handle(rest_request(FIXTURE, |e| {
        let params = id.map(|id| json!({ "id": id })).unwrap_or(Value::Null);
        aim(e, method, resource, path, params, query.clone());
        match &payload {
            Some(p) => set_body(e, &p.to_string()),
            None => e["body"] = Value::Null,
        }
    }))
    .await
}

fn question(category: &str, text: &str) -> Value {
    json!({"text": text, "kind": "multiple", "category": category, "difficulty": "medium", "points": 3,
           "options": [{"text": "a", "correct": true}, {"text": "b", "correct": true}, {"text": "c", "correct": false}]})
}

#[tokio::test]
async fn a_recruiter_creates_reads_updates_and_deletes_a_question() {
    let (app, store) = world();
    let created = app.handle(rest_request(FIXTURE, |_| {})).await;
    assert_eq!(created.status(), 201, "{}", body(&created));
    // With the stage, as the client called API Gateway's own endpoint (`/v1/questions`).
    assert_eq!(created.headers()["location"], "/v1/questions/q-1");
    let q = body(&created);
    assert_eq!(
        (
            q["id"].as_str(),
            q["version"].as_u64(),
            q["active"].as_bool()
        ),
        (Some("q-1"), Some(1), Some(true))
    );
    assert_eq!(q["options"][0]["correct"], true, "recruiters see the key");

    let read = call(
        &app,
        "GET",
        "/questions/{id}",
        "/questions/q-1",
        Some("q-1"),
        Value::Null,
        None,
    )
    .await;
    assert_eq!(
        body(&read)["text"],
        "Which keyword makes a Rust binding mutable?"
    );

    let mut edit = body(&read);
    edit.as_object_mut().unwrap().retain(|k, _| {
        [
            "text",
            "kind",
            "category",
            "difficulty",
            "points",
            "options",
            "active",
            "version",
        ]
        .contains(&k.as_str())
    });
    edit["points"] = json!(5);
    let updated = call(
        &app,
        "PUT",
        "/questions/{id}",
        "/questions/q-1",
        Some("q-1"),
        Value::Null,
        Some(edit.clone()),
    )
    .await;
    assert_eq!(updated.status(), 200, "{}", body(&updated));
    assert_eq!(
        (
            body(&updated)["points"].as_u64(),
            body(&updated)["version"].as_u64()
        ),
        (Some(5), Some(2))
    );
    let stale = call(
        &app,
        "PUT",
        "/questions/{id}",
        "/questions/q-1",
        Some("q-1"),
        Value::Null,
        Some(edit),
    )
    .await;
    assert_eq!(stale.status(), 409);
    assert_eq!(body(&stale)["field"], "version");

    let deleted = call(
        &app,
        "DELETE",
        "/questions/{id}",
        "/questions/q-1",
        Some("q-1"),
        Value::Null,
        None,
    )
    .await;
    assert_eq!(deleted.status(), 204);
    let gone = call(
        &app,
        "GET",
        "/questions/{id}",
        "/questions/q-1",
        Some("q-1"),
        Value::Null,
        None,
    )
    .await;
    assert_eq!(gone.status(), 404);
    let kept = store
        .get(Table::Questions, &Key::of("q-1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (kept["deleted"].as_bool(), kept["points"].as_u64()),
        (Some(true), Some(5)),
        "attempts keep deleted questions"
    );
    let list = call(
        &app,
        "GET",
        "/questions",
        "/questions",
        None,
        Value::Null,
        None,
    )
    .await;
    assert_eq!(body(&list)["items"], json!([]));
}

#[tokio::test]
async fn listing_filters_by_category_and_pages_every_question_once() {
    let (app, _) = world();
    for n in 0..30 {
        let category = if n % 3 == 0 { "sql" } else { "rust" };
        let r = call(
            &app,
            "POST",
            "/questions",
            "/questions",
            None,
            Value::Null,
            Some(question(category, &format!("question {n}"))),
        )
        .await;
        assert_eq!(r.status(), 201);
    }
    let sql = call(
        &app,
        "GET",
        "/questions",
        "/questions",
        None,
        json!({"category": "sql", "limit": "100"}),
        None,
    )
    .await;
    assert_eq!(body(&sql)["items"].as_array().unwrap().len(), 10);

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let mut query = json!({"limit": "7"});
        if let Some(c) = &cursor {
            query["cursor"] = json!(c);
        }
        let page = body(&call(&app, "GET", "/questions", "/questions", None, query, None).await);
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| q["id"].as_str().unwrap().to_string()),
        );
        match page["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 30);
}

#[tokio::test]
async fn bad_questions_and_parameters_are_refused_by_field() {
    let (app, store) = world();
    let mut two_right = question("rust", "x");
    two_right["kind"] = json!("single");
    let mut one_option = question("rust", "x");
    one_option["options"] = json!([{"text": "a", "correct": true}]);
    let mut wrong_type = question("rust", "x");
    wrong_type["points"] = json!("three");
    let mut unknown = question("rust", "x");
    unknown["answer"] = json!(0);
    for (payload, status, field) in [
        (two_right, 422, "options"),
        (one_option, 422, "options"),
        (wrong_type, 400, "points"),
        (unknown, 400, "answer"),
    ] {
        let r = call(
            &app,
            "POST",
            "/questions",
            "/questions",
            None,
            Value::Null,
            Some(payload),
        )
        .await;
        assert_eq!(
            (r.status().as_u16(), body(&r)["field"].as_str()),
            (status, Some(field))
        );
    }
    assert!(
        store
            .get(Table::Questions, &Key::of("q-1"))
            .await
            .unwrap()
            .is_none(),
        "nothing written"
    );

    for (query, field) in [
        (json!({"limit": "0"}), "limit"),
        (json!({"difficulty": "extreme"}), "difficulty"),
        (json!({"cursor": "bm9wZQ"}), "cursor"),
        (json!({"active": "yes"}), "active"),
    ] {
        let r = call(&app, "GET", "/questions", "/questions", None, query, None).await;
        assert_eq!(
            (r.status().as_u16(), body(&r)["field"].as_str()),
            (400, Some(field))
        );
    }
    let r = call(
        &app,
        "POST",
        "/questions",
        "/questions",
        None,
        Value::Null,
        Some(question("rust", "ok")),
    )
    .await;
    let mut no_version = body(&r);
    no_version.as_object_mut().unwrap().retain(|k, _| {
        [
            "text",
            "kind",
            "category",
            "difficulty",
            "points",
            "options",
        ]
        .contains(&k.as_str())
    });
    let r = call(
        &app,
        "PUT",
        "/questions/{id}",
        "/questions/q-1",
        Some("q-1"),
        Value::Null,
        Some(no_version),
    )
    .await;
    assert_eq!(
        (r.status().as_u16(), body(&r)["field"].as_str()),
        (400, Some("version"))
    );
}

#[tokio::test]
async fn only_recruiters_manage_the_bank() {
    let (app, _) = world();
    for group in ["applicants", "admins", "employees"] {
        let r = app
            .handle(rest_request(FIXTURE, |e| {
                edit_claims(e, json!({"cognito:groups": group}))
            }))
            .await;
        assert_eq!(r.status(), 403, "{group}");
    }
    let missing = call(
        &app,
        "GET",
        "/questions/{id}",
        "/questions/none",
        Some("none"),
        Value::Null,
        None,
    )
    .await;
    assert_eq!(missing.status(), 404);
}

// ---------- starting an exam (applicants) ----------

const EXAM_FIXTURE: &str = "question-collection/post-exams.json";

async fn exam_call(
    app: &QuestionCollection,
    method: &str,
    resource: &str,
    claims: Value,
    payload: Option<&str>,
) -> Response<Body> {
    app.handle(rest_request(EXAM_FIXTURE, |e| {
        aim(e, method, resource, resource, Value::Null, Value::Null);
        edit_claims(e, claims.clone());
        match payload {
            Some(p) => set_body(e, p),
            None => e["body"] = Value::Null,
        }
    }))
    .await
}

/// `per_category` live questions in each of rust and sql (four options each), plus a deleted
/// and an inactive one that must never be drawn.
async fn seed_bank(app: &QuestionCollection, per_category: usize) {
    let repo = QuestionRepo::new(app.store.as_ref());
    let now = app.clock.now();
    for category in ["rust", "sql"] {
        for i in 0..per_category {
            let mut q: QuestionDraft =
                serde_json::from_value(question(category, &format!("{category} question {i}")))
                    .unwrap();
            q.options
                .push(serde_json::from_value(json!({"text": "d", "correct": false})).unwrap());
            repo.create(format!("{category}-{i}"), q, now)
                .await
                .unwrap();
        }
    }
    let mut inactive: QuestionDraft = serde_json::from_value(question("rust", "retired")).unwrap();
    inactive.active = false;
    repo.create("rust-inactive".into(), inactive, now)
        .await
        .unwrap();
    let gone = repo
        .create(
            "rust-deleted".into(),
            serde_json::from_value(question("rust", "deleted")).unwrap(),
            now,
        )
        .await
        .unwrap();
    repo.delete(&gone, now).await.unwrap();
}

#[tokio::test]
async fn starting_draws_the_policy_freezes_it_and_never_reveals_answers() {
    let (app, store) = world();
    seed_bank(&app, 5).await;
    let started = exam_call(&app, "POST", "/exams", json!({}), None).await;
    assert_eq!(started.status(), 201, "{}", body(&started));
    assert_eq!(started.headers()["location"], "/v1/exams/current");
    let exam = body(&started);
    let questions = exam["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 4);
    for category in ["rust", "sql"] {
        assert_eq!(
            questions
                .iter()
                .filter(|q| q["category"] == category)
                .count(),
            2
        );
    }
    for q in questions {
        let id = q["id"].as_str().unwrap();
        assert!(
            !id.ends_with("inactive") && !id.ends_with("deleted"),
            "{id}"
        );
        assert_eq!(q["options"].as_array().unwrap().len(), 4);
    }
    let text = exam.to_string();
    assert!(
        !text.contains("correct") && !text.contains("score"),
        "{text}"
    );
    assert_eq!(exam["secondsLeft"], 30 * 60);

    // The deadline is the server's: 30 minutes from the clock, frozen in the stored attempt.
    let stored = store
        .get(
            Table::ExamAttempts,
            &Key::with_sort("5e6f7a8b-1c2d-4e3f-9a0b-c1d2e3f4a5b6", "intern-exam"),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored["deadline"], "2026-11-24T04:30:00Z");

    // Starting again, or reading, returns the same draw in the same order.
    let again = exam_call(&app, "POST", "/exams", json!({}), Some("{}")).await;
    assert_eq!(again.status(), 200);
    assert_eq!(body(&again)["questions"], exam["questions"]);
    let current = exam_call(&app, "GET", "/exams/current", json!({}), None).await;
    assert_eq!(body(&current)["questions"], exam["questions"]);
}

#[tokio::test]
async fn twenty_concurrent_starts_create_one_attempt() {
    let (app, store) = world();
    seed_bank(&app, 6).await;
    let app = Arc::new(app);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let r = exam_call(&app, "POST", "/exams", json!({}), None).await;
            (r.status().as_u16(), body(&r)["questions"].clone())
        }));
    }
    let mut created = 0;
    let mut draws = std::collections::BTreeSet::new();
    for t in tasks {
        let (status, questions) = t.await.unwrap();
        assert!(status == 200 || status == 201, "{status}");
        created += usize::from(status == 201);
        draws.insert(questions.to_string());
    }
    assert_eq!(created, 1, "exactly one start creates the attempt");
    assert_eq!(draws.len(), 1, "every caller sees the one frozen draw");
    let page = store
        .query(
            Table::ExamAttempts,
            &domain::ports::Query::partition("5e6f7a8b-1c2d-4e3f-9a0b-c1d2e3f4a5b6"),
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
}

#[tokio::test]
async fn an_erased_applicants_token_cannot_start_or_read_an_exam() {
    // The fixture's applicant.
    const UID: &str = "5e6f7a8b-1c2d-4e3f-9a0b-c1d2e3f4a5b6";
    let (app, store) = world();
    seed_bank(&app, 6).await;
    let applicants = domain::applicant::ApplicantRepo::new(store.as_ref());
    applicants.erase(UID, app.clock.now()).await.unwrap();
    let late = exam_call(&app, "POST", "/exams", json!({}), None).await;
    assert_eq!(late.status(), 410, "{}", body(&late));
    let attempts = domain::exam::AttemptRepo::new(store.as_ref());
    assert_eq!(
        attempts.get(UID).await.unwrap(),
        None,
        "the attempt was taken back"
    );

    // Erased after finishing: the attempt stays anonymised, and is not theirs to read.
    let (app, store) = world();
    seed_bank(&app, 6).await;
    assert_eq!(
        exam_call(&app, "POST", "/exams", json!({}), None)
            .await
            .status(),
        201
    );
    let attempts = domain::exam::AttemptRepo::new(store.as_ref());
    let now = app.clock.now();
    attempts.change(UID, now, |a| a.submit(now)).await.unwrap();
    domain::applicant::ApplicantRepo::new(store.as_ref())
        .erase(UID, now)
        .await
        .unwrap();
    for method in ["POST", "GET"] {
        let resource = if method == "POST" {
            "/exams"
        } else {
            "/exams/current"
        };
        let r = exam_call(&app, method, resource, json!({}), None).await;
        assert_eq!(r.status(), 410, "{method} {resource}: {}", body(&r));
    }
    let kept = attempts.get(UID).await.unwrap().unwrap();
    assert_eq!((kept.email, kept.anonymised_at.is_some()), (None, true));
}

#[tokio::test]
async fn the_exam_is_for_applicants_and_needs_a_full_bank() {
    let (app, store) = world();
    seed_bank(&app, 1).await;
    let thin = exam_call(&app, "POST", "/exams", json!({}), None).await;
    assert_eq!(thin.status(), 503, "{}", body(&thin));
    let none = exam_call(&app, "GET", "/exams/current", json!({}), None).await;
    assert_eq!(none.status(), 404);
    for group in ["recruiters", "employees", "admins"] {
        let r = exam_call(
            &app,
            "POST",
            "/exams",
            json!({"cognito:groups": group}),
            None,
        )
        .await;
        assert_eq!(r.status(), 403, "{group}");
    }
    let bad = exam_call(
        &app,
        "POST",
        "/exams",
        json!({}),
        Some("{\"questions\": 99}"),
    )
    .await;
    assert_eq!(bad.status(), 400);
    assert_eq!(body(&bad)["field"], "questions");
    let wrong = exam_call(&app, "PUT", "/exams/current", json!({}), None).await;
    assert_eq!(wrong.status(), 405);
    let page = store
        .query(
            Table::ExamAttempts,
            &domain::ports::Query::partition("5e6f7a8b-1c2d-4e3f-9a0b-c1d2e3f4a5b6"),
        )
        .await
        .unwrap();
    assert!(page.items.is_empty(), "nothing written by refused starts");
}

#[tokio::test]
async fn an_attempt_read_after_its_deadline_is_finalised_on_the_spot() {
    let (app, _store) = world();
    seed_bank(&app, 2).await;
    let clock = Arc::new(ManualClock::at(
        chrono::Utc.with_ymd_and_hms(2026, 11, 24, 4, 0, 0).unwrap(),
    ));
    let app = QuestionCollection {
        clock: clock.clone(),
        ..app
    };
    assert_eq!(
        exam_call(&app, "POST", "/exams", json!({}), None)
            .await
            .status(),
        201
    );
    clock.advance(chrono::Duration::minutes(31));
    let late = body(&exam_call(&app, "GET", "/exams/current", json!({}), None).await);
    assert_eq!(late["status"], "submitted");
    assert_eq!(late["finalisedBy"], "deadline");
    assert_eq!(late["submittedAt"], "2026-11-24T04:30:00Z");
    assert_eq!(late["secondsLeft"], 0);
    assert!(!late.to_string().contains("score"));
}

/// A policy of `n` questions in `rust` alone.
fn drawing(app: &QuestionCollection, n: u32) -> QuestionCollection {
    QuestionCollection {
        policy: ExamPolicy::from_env(&BTreeMap::from([(
            "EXAM_QUESTIONS_PER_CATEGORY".to_string(),
            format!("rust={n}"),
        )]))
        .unwrap(),
        ..app.clone()
    }
}

/// 2,000 characters of Devanagari and eight options of 480: every character limit holds, but it
/// is some 18 KB as stored, three bytes a character.
fn long_devanagari_question() -> Value {
    let options: Vec<Value> = (0..8)
        .map(|i| json!({ "text": format!("{i}{}", "ख".repeat(480)), "correct": i == 0 }))
        .collect();
    json!({ "text": "क".repeat(2000), "kind": "single", "category": "rust",
        "difficulty": "hard", "points": 5, "options": options })
}

#[tokio::test]
async fn a_question_an_exam_cannot_freeze_is_refused_when_written_not_when_drawn() {
    let (app, store) = world();
    // Four such questions fit a four-question exam: stored, and the exam starts.
    let small = drawing(&app, 4);
    for _ in 0..4 {
        let created = call(
            &small,
            "POST",
            "/questions",
            "/questions",
            None,
            Value::Null,
            Some(long_devanagari_question()),
        )
        .await;
        assert_eq!(created.status(), 201, "{:?}", body(&created));
    }
    let started = exam_call(&small, "POST", "/exams", json!({}), None).await;
    assert_eq!(started.status(), 201, "{:?}", body(&started));

    // Under a fifty-question policy, each question may take a fiftieth of the item: refused,
    // naming the field, and nothing written.
    let big = drawing(&app, 50);
    let refused = call(
        &big,
        "POST",
        "/questions",
        "/questions",
        None,
        Value::Null,
        Some(long_devanagari_question()),
    )
    .await;
    assert_eq!(refused.status(), 422, "{:?}", body(&refused));
    assert_eq!(body(&refused)["field"], "options");
    assert!(
        body(&refused)["detail"].as_str().unwrap().contains("bytes"),
        "{:?}",
        body(&refused)
    );
    assert!(
        store
            .get(Table::Questions, &Key::of("q-5"))
            .await
            .unwrap()
            .is_none()
    );

    // Questions stored before the policy grew: fifty of them would exceed DynamoDB's item, so
    // the start is refused as unavailable (the bank needs attention), not failed by the store.
    let repo = QuestionRepo::new(store.as_ref());
    for i in 0..50 {
        let draft: QuestionDraft = serde_json::from_value(long_devanagari_question()).unwrap();
        repo.create(format!("old-{i}"), draft, app.clock.now())
            .await
            .unwrap();
    }
    let late = exam_call(
        &big,
        "POST",
        "/exams",
        json!({"sub": "another-applicant", "cognito:username": "another-applicant"}),
        None,
    )
    .await;
    assert_eq!(late.status(), 503, "{:?}", body(&late));
}
