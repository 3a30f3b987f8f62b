//! ses-notify handler tests: the stream fixture and real stream records from SQLite, through
//! the real handler, with mail written as `.eml` files.

use std::path::PathBuf;
use std::sync::Arc;

use aws_lambda_events::event::dynamodb::Event;
use chrono::{Duration, TimeZone, Utc};
use domain::applicant::{ApplicantRepo, Details};
use domain::clock::{Clock, ManualClock};
use domain::exam::{Attempt, AttemptRepo, ExtraTimeDraft, ExtraTimeRepo, Scoring};
use domain::ports::Table;
use embedded_adapters::{EmlMailer, SqliteStore};
use serde_json::{Value, json};
use ses_notify::{NotifyConfig, SesNotify};
use testkit::{FlakyMailer, load, sent_mail as messages, temp_dir};

const FIXTURE: &str = "dynamodb/exam-attempt-submitted.json";

struct World {
    app: SesNotify,
    store: Arc<SqliteStore>,
    mail: PathBuf,
    /// The one clock of this world: the handler's, and whatever the test writes directly.
    clock: Arc<ManualClock>,
}

fn world(failures: usize) -> World {
    let dir = temp_dir("notify");
    let store = Arc::new(SqliteStore::open(&dir.join("tables.sqlite3")).unwrap());
    let mail = dir.join("mail");
    let clock = Arc::new(ManualClock::at(
        Utc.with_ymd_and_hms(2026, 11, 24, 10, 22, 0).unwrap(),
    ));
    let app = SesNotify {
        store: store.clone(),
        mailer: Arc::new(FlakyMailer::new(EmlMailer::new(mail.clone()), failures)),
        clock: clock.clone(),
        config: NotifyConfig {
            from: "careers@genese.test".into(),
            recruiters: vec!["hr@genese.test".into(), "lead@genese.test".into()],
        },
    };
    World {
        app,
        store,
        mail,
        clock,
    }
}

fn event(value: Value) -> Event {
    serde_json::from_value(value).unwrap()
}

#[tokio::test]
async fn a_submission_mails_the_recruiters_and_the_applicant_once() {
    let w = world(0);
    let details: Details = serde_json::from_value(json!({
        "firstName": "Asha", "lastName": "Rai <dev>", "phone": "+9779812345678",
        "availability": {"startDate": "2027-01-04", "commitment": "internship"}
    }))
    .unwrap();
    ApplicantRepo::new(w.store.as_ref())
        .save_details(
            "5e6f7a8b-1c2d-4e3f-9a0b-c1d2e3f4a5b6",
            &details,
            w.clock.now(),
        )
        .await
        .unwrap();
    let response = w.app.handle(event(load(FIXTURE))).await;
    assert!(response.batch_item_failures.is_empty());
    let mail = messages(&w.mail);
    assert_eq!(mail.len(), 2, "{mail:?}");
    let applicant = &mail[0];
    assert_eq!(applicant.0, "asha@example.com");
    assert!(applicant.2.contains("answered 2 of 2"), "{}", applicant.2);
    assert!(!applicant.2.contains("8 / 8"), "no score for the applicant");
    let recruiters = &mail[1];
    assert_eq!(recruiters.0, "hr@genese.test, lead@genese.test");
    assert!(
        recruiters.1.contains("Asha Rai <dev> scored 8 / 8"),
        "{}",
        recruiters.1
    );
    assert!(
        recruiters.2.contains("sql: 4 / 4"),
        "text breakdown: {}",
        recruiters.2
    );
    assert!(
        recruiters
            .2
            .contains("<strong>Asha Rai &lt;dev&gt;</strong>"),
        "escaped HTML: {}",
        recruiters.2
    );

    // The same batch again (a retry after a timeout): nothing new is sent.
    let again = w.app.handle(event(load(FIXTURE))).await;
    assert!(again.batch_item_failures.is_empty());
    assert_eq!(messages(&w.mail).len(), 2);
}

#[tokio::test]
async fn twenty_concurrent_deliveries_send_one_pair() {
    let w = Arc::new(world(0));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let w = w.clone();
        tasks.push(tokio::spawn(async move {
            w.app
                .handle(event(load(FIXTURE)))
                .await
                .batch_item_failures
                .len()
        }));
    }
    let mut busy = 0;
    for t in tasks {
        busy += t.await.unwrap();
    }
    // Deliveries that met a live lease asked to be retried; a retry finds the mail done.
    for _ in 0..busy {
        assert!(
            w.app
                .handle(event(load(FIXTURE)))
                .await
                .batch_item_failures
                .is_empty()
        );
    }
    assert_eq!(messages(&w.mail).len(), 2);
}

#[tokio::test]
async fn a_failed_send_is_reported_and_its_retry_sends_exactly_once() {
    let w = world(1);
    let failed = w.app.handle(event(load(FIXTURE))).await;
    assert_eq!(failed.batch_item_failures.len(), 1);
    assert_eq!(
        failed.batch_item_failures[0].item_identifier.as_deref(),
        Some("111100000000012345678901")
    );
    assert!(messages(&w.mail).is_empty());
    let retried = w.app.handle(event(load(FIXTURE))).await;
    assert!(retried.batch_item_failures.is_empty());
    assert_eq!(messages(&w.mail).len(), 2);
}

#[tokio::test]
async fn only_the_move_to_submitted_mails_and_a_poison_record_stops_the_batch() {
    let w = world(0);
    let fixture = load(FIXTURE);
    let submitted = fixture["Records"][0].clone();
    let mut save = submitted.clone();
    save["dynamodb"]["NewImage"]["status"] = json!({"S": "in_progress"});
    let mut resave = submitted.clone();
    resave["dynamodb"]["OldImage"]["status"] = json!({"S": "submitted"});
    let mut removed = submitted.clone();
    removed["eventName"] = json!("REMOVE");
    // An erased applicant's overdue attempt, graded as erasure keeps it.
    let mut anonymised = submitted.clone();
    anonymised["dynamodb"]["OldImage"]["status"] = json!({"S": "in_progress"});
    anonymised["dynamodb"]["NewImage"]["anonymised_at"] = json!({"S": "2026-12-04T10:00:00Z"});
    anonymised["dynamodb"]["NewImage"]
        .as_object_mut()
        .unwrap()
        .remove("email");
    let mut poison = submitted.clone();
    poison["dynamodb"]["NewImage"]["grade"] = json!({"S": "not a grade"});
    poison["dynamodb"]["SequenceNumber"] = json!("2");
    let mut after = submitted.clone();
    after["dynamodb"]["SequenceNumber"] = json!("3");
    let response = w
        .app
        .handle(event(
            json!({ "Records": [save, resave, removed, anonymised, poison, after] }),
        ))
        .await;
    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect();
    assert_eq!(failed, [Some("2".to_string())]);
    assert!(
        messages(&w.mail).is_empty(),
        "nothing after the poison record ran"
    );
}

#[tokio::test]
async fn records_from_the_real_table_stream_mail_on_submit_and_deadline() {
    let w = world(0);
    let repo = AttemptRepo::new(w.store.as_ref());
    let t0 = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
    for uid in ["by-hand", "by-deadline"] {
        let a = Attempt::start(
            uid,
            Some(format!("{uid}@example.com")),
            Vec::new(),
            t0,
            Duration::minutes(30),
            Duration::seconds(30),
            Scoring::AllOrNothing,
        );
        repo.create_once(a).await.unwrap();
    }
    // Extra time shares the table: its grant's records are no submission and fail nothing.
    let grant = ExtraTimeDraft {
        minutes: 15,
        reason: "Dyslexia".into(),
    };
    ExtraTimeRepo::new(w.store.as_ref())
        .grant("by-deadline", &grant, "recruiter", t0)
        .await
        .unwrap();
    repo.change("by-hand", t0, |a| a.submit(t0)).await.unwrap();
    repo.finalise_overdue(t0 + Duration::hours(1), 10)
        .await
        .unwrap();
    let records = w
        .store
        .stream_after(Table::ExamAttempts, 0, 100)
        .unwrap()
        .iter()
        .map(|c| c.to_event_record().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(
        records.len(),
        6,
        "two inserts, a grant and the deadline it moved, two submissions"
    );
    let wire = serde_json::to_value(json!({ "Records": records })).unwrap();
    let response = w.app.handle(event(wire)).await;
    assert!(response.batch_item_failures.is_empty());
    let mail = messages(&w.mail);
    assert_eq!(mail.len(), 4, "a pair per submission");
    assert!(
        mail.iter()
            .any(|m| m.0 == "by-deadline@example.com" && m.2.contains("at the deadline"))
    );
}
