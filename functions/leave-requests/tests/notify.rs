//! leave-notify tests: real stream records from the SQLite change log, made by the REST handler,
//! through the real stream handler; mail as `.eml` files, Slack as a JSON-lines file.

mod common;

use std::path::Path;
use std::sync::Arc;

use aws_lambda_events::event::dynamodb::Event;
use common::*;
use domain::ports::Table;
use embedded_adapters::{EmlMailer, JsonlChat, StreamChange};
use leave_requests::{LeaveNotify, NotifyConfig};
use serde_json::{Value, json};
use testkit::{FlakyMailer, sent_mail};

fn notifier(w: &World, failures: usize) -> LeaveNotify {
    LeaveNotify {
        store: w.store.clone(),
        mailer: Arc::new(FlakyMailer::new(
            EmlMailer::new(w.dir.join("mail")),
            failures,
        )),
        chat: Arc::new(JsonlChat::new(w.dir.join("chat.jsonl"))),
        clock: w.clock.clone(),
        config: NotifyConfig {
            from: "attendance@acme.test".into(),
        },
    }
}

/// The LeaveRequests stream after `after`, as one Lambda event.
fn batch(w: &World, after: i64) -> (Event, i64) {
    let changes = w
        .store
        .stream_after(Table::LeaveRequests, after, 100)
        .unwrap();
    let last = changes.last().map(|c| c.sequence).unwrap_or(after);
    let records: Vec<_> = changes
        .iter()
        .map(StreamChange::to_event_record)
        .collect::<Result<_, _>>()
        .unwrap();
    let event = serde_json::from_value(json!({ "Records": records })).unwrap();
    (event, last)
}

fn chat(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("chat.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn each_transition_is_told_once_however_often_it_is_delivered() {
    let w = world().await;
    let notify = notifier(&w, 0);
    let (_, leave) = request_leave(&w, employee(), annual("2026-12-07", "2026-12-08")).await;
    let id = leave["id"].as_str().unwrap();
    let (event, seen) = batch(&w, 0);
    assert!(notify.handle(event).await.batch_item_failures.is_empty());
    let mail = sent_mail(&w.dir.join("mail"));
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_eq!(mail[0].0, "manager@acme.test");
    assert!(
        mail[0]
            .1
            .starts_with("Leave request from employee@acme.test"),
        "{}",
        mail[0].1
    );
    let posted = chat(&w.dir);
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0]["op"], "post");
    assert_eq!(posted[0]["channel"], "U0MANAGER");
    let buttons = &posted[0]["blocks"][2]["elements"];
    assert_eq!(buttons[0]["action_id"], "leave_approve");
    assert_eq!(buttons[0]["value"], id);

    // The same batch again (a Lambda retry) tells nobody anything new.
    let (again, _) = batch(&w, 0);
    assert!(notify.handle(again).await.batch_item_failures.is_empty());
    assert_eq!(sent_mail(&w.dir.join("mail")).len(), 1);
    assert_eq!(chat(&w.dir).len(), 1);

    // Approved with a word: the employee is mailed it and the manager's message loses its
    // buttons and shows it.
    let note = Some(json!({ "comment": "Enjoy <Pokhara>" }));
    assert_eq!(decide(&w, manager(), id, "approve", note).await.0, 200);
    let (event, _) = batch(&w, seen);
    assert!(notify.handle(event).await.batch_item_failures.is_empty());
    let (event, _) = batch(&w, 0);
    assert!(notify.handle(event).await.batch_item_failures.is_empty());
    let mail = sent_mail(&w.dir.join("mail"));
    assert_eq!(mail.len(), 2, "{mail:?}");
    let to_employee = mail.iter().find(|m| m.0 == "employee@acme.test").unwrap();
    assert!(
        to_employee.1.starts_with("Your leave request was approved"),
        "{}",
        to_employee.1
    );
    assert!(to_employee.2.contains("approved by manager@acme.test"));
    assert!(
        to_employee
            .2
            .contains("manager@acme.test wrote: Enjoy <Pokhara>"),
        "{}",
        to_employee.2
    );
    let posted = chat(&w.dir);
    assert_eq!(posted.len(), 2, "{posted:?}");
    assert_eq!(posted[1]["op"], "update");
    assert_eq!(posted[1]["ts"], posted[0]["ts"]);
    assert!(
        posted[1]["text"]
            .as_str()
            .unwrap()
            .contains("Approved by manager@acme.test")
    );
    assert!(
        posted[1]["blocks"]
            .to_string()
            .contains("*Comment:* Enjoy &lt;Pokhara&gt;"),
        "{}",
        posted[1]["blocks"]
    );
    assert!(
        posted[1]["blocks"]
            .to_string()
            .find("leave_approve")
            .is_none()
    );

    // Cancelled after approval: the manager hears of it, once.
    assert_eq!(act(&w, employee(), id, "cancel").await.0, 200);
    for _ in 0..2 {
        let (event, _) = batch(&w, 0);
        assert!(notify.handle(event).await.batch_item_failures.is_empty());
    }
    let mail = sent_mail(&w.dir.join("mail"));
    assert_eq!(mail.len(), 3, "{mail:?}");
    assert!(
        mail.iter()
            .any(|m| m.0 == "manager@acme.test" && m.1.starts_with("Leave cancelled"))
    );
    assert_eq!(chat(&w.dir).len(), 3);
}

#[tokio::test]
async fn a_request_without_a_manager_goes_to_the_other_admins() {
    let w = world().await;
    let (_, leave) = request_leave(&w, admin(), annual("2026-12-07", "2026-12-07")).await;
    assert_eq!(leave["manager"], json!(null));
    let notify = notifier(&w, 0);
    let (event, seen) = batch(&w, 0);
    assert!(notify.handle(event).await.batch_item_failures.is_empty());
    // The only admin is the one on leave: nobody else decides it, so nobody is told.
    assert!(sent_mail(&w.dir.join("mail")).is_empty());
    // With a second admin, the next request goes to them (not to the asker, not to managers).
    person(
        &w.store,
        "acme",
        ("1a2b3c4d-0000-4000-8000-acme00000005", "deputy@acme.test"),
        domain::roster::StaffRole::Admin,
        None,
        Some("U0DEPUTY"),
    )
    .await;
    let (status, _) = request_leave(&w, admin(), annual("2026-12-09", "2026-12-09")).await;
    assert_eq!(status, 201);
    let (event, _) = batch(&w, seen);
    assert!(notify.handle(event).await.batch_item_failures.is_empty());
    let mail = sent_mail(&w.dir.join("mail"));
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_eq!(mail[0].0, "deputy@acme.test");
    let posted = chat(&w.dir);
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0]["channel"], "U0DEPUTY");
}

#[tokio::test]
async fn a_failed_send_is_retried_and_never_blocks_the_state_change() {
    let w = world().await;
    let notify = notifier(&w, 1);
    let (_, leave) = request_leave(&w, employee(), annual("2026-12-07", "2026-12-08")).await;
    let (event, _) = batch(&w, 0);
    let response = notify.handle(event).await;
    assert_eq!(
        response.batch_item_failures.len(),
        1,
        "the throttled record is reported"
    );
    assert!(sent_mail(&w.dir.join("mail")).is_empty());
    // The request stands and can be decided while its mail waits.
    let (status, _) = act(&w, manager(), leave["id"].as_str().unwrap(), "approve").await;
    assert_eq!(status, 200);
    // The retry (Lambda redelivers from the failed record) sends each message once.
    let (event, _) = batch(&w, 0);
    assert!(notify.handle(event).await.batch_item_failures.is_empty());
    let mail = sent_mail(&w.dir.join("mail"));
    assert_eq!(mail.len(), 2, "{mail:?}");
    assert_eq!(chat(&w.dir).iter().filter(|m| m["op"] == "post").count(), 1);
}

#[tokio::test]
async fn ledger_items_and_unchanged_statuses_tell_nobody() {
    let w = world().await;
    let notify = notifier(&w, 0);
    let (_, leave) = request_leave(&w, employee(), annual("2026-12-07", "2026-12-08")).await;
    let (event, _) = batch(&w, 0);
    // The request and the employee's ledger were both written.
    assert_eq!(
        event.records.len(),
        2,
        "{:?}",
        event
            .records
            .iter()
            .map(|r| &r.event_name)
            .collect::<Vec<_>>()
    );
    // A write that leaves the status as it was (here: the insert replayed as a modification).
    let mut unchanged = event
        .records
        .iter()
        .find(|r| !r.change.new_image.contains_key("recent"))
        .expect("the request's own record")
        .clone();
    unchanged.event_name = "MODIFY".into();
    unchanged.change.old_image = unchanged.change.new_image.clone();
    notify.handle(event).await;
    assert_eq!(sent_mail(&w.dir.join("mail")).len(), 1);
    assert!(leave["id"].is_string());
    let mut again: Event = serde_json::from_value(json!({ "Records": [] })).unwrap();
    again.records.push(unchanged);
    assert!(notify.handle(again).await.batch_item_failures.is_empty());
    assert_eq!(
        sent_mail(&w.dir.join("mail")).len(),
        1,
        "nobody is told twice"
    );
    assert_eq!(
        chat(&w.dir).len(),
        1,
        "the ledger and the unchanged write post nothing"
    );
}
