//! slack tests: the `events/slack/` fixtures (real-shaped, signed with a test secret) through the
//! real handler on SQLite, Slack's side of the chat port as a JSON-lines file; and the
//! check-out reminder over real attendance days.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::attendance::{AttendanceDay, AttendanceRepo, Punch};
use domain::clock::ManualClock;
use domain::company::{CompanyProfile, CompanyRepo, Registration, WorkHours};
use domain::leave::{LeaveDraft, LeaveRepo, LeaveRequest, LeaveStatus, LeaveType};
use domain::ports::ItemStore;
use domain::roster::{RosterEntry, RosterRepo, StaffRole};
use edge::function::RestFunction;
use edge::slack::sign;
use embedded_adapters::{JsonlChat, SqliteStore};
use serde_json::{Value, json};
use slack::{CheckoutReminder, Slack};
use testkit::slack::{
    click_form as click_body, click_payload, reject_submission_form as submission_body,
};
use testkit::{acme, load, outcome, temp_dir};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const COMMAND: &str = "slack/post-command.json";
const CLICK: &str = "slack/post-interaction.json";

struct World {
    app: Slack,
    store: Arc<SqliteStore>,
    clock: Arc<ManualClock>,
    chat: PathBuf,
}

/// The fixtures' moment: Monday 21 September 2026, 13:33:20 UTC (19:18 in Kathmandu).
fn fixture_time() -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).unwrap()
}

/// A username (as the pool makes it: a UUID, which no message may show) and an email.
type Person = (&'static str, &'static str);

const ADMIN: Person = (acme::ADMIN, "admin@acme.test");
const MANAGER: Person = (acme::MANAGER, "manager@acme.test");
const OTHER: Person = ("1a2b3c4d-0000-4000-8000-acme00000006", "other@acme.test");
const EMPLOYEE: Person = (acme::EMPLOYEE, "employee@acme.test");
const OFFLINE: Person = ("1a2b3c4d-0000-4000-8000-acme00000007", "offline@acme.test");

async fn person(
    store: &SqliteStore,
    who: Person,
    role: StaffRole,
    manager: Option<&str>,
    slack: Option<&str>,
) {
    let entry = RosterEntry {
        slack_user_id: slack.map(str::to_string),
        ..testkit::active_staff("acme", who, role, manager, fixture_time())
    };
    store.transact(vec![entry.create()]).await.unwrap();
}

/// acme (Kathmandu, 09:00 to 17:00): admin, two managers (both on Slack), an employee of the
/// first manager (on Slack) and one not on Slack.
async fn world() -> World {
    let dir = temp_dir("slack");
    let store = Arc::new(SqliteStore::open(&dir.join("tables.sqlite3")).unwrap());
    let clock = Arc::new(ManualClock::at(fixture_time()));
    CompanyRepo::new(store.as_ref())
        .register(&Registration {
            company_id: "acme".into(),
            owner_sub: ADMIN.0.into(),
            owner_username: ADMIN.0.into(),
            owner_email: Some(ADMIN.1.into()),
            profile: CompanyProfile {
                name: "Acme".into(),
                time_zone: "Asia/Kathmandu".into(),
                work_hours: WorkHours {
                    start: "09:00".into(),
                    end: "17:00".into(),
                    ..WorkHours::default()
                },
            },
            at: fixture_time(),
        })
        .await
        .unwrap();
    use StaffRole::*;
    person(&store, MANAGER, Manager, Some(ADMIN.0), Some("U0MANAGER")).await;
    person(&store, OTHER, Manager, Some(ADMIN.0), Some("U0OTHER")).await;
    person(
        &store,
        EMPLOYEE,
        Employee,
        Some(MANAGER.0),
        Some("U0EMPLOYEE"),
    )
    .await;
    person(&store, OFFLINE, Employee, Some(MANAGER.0), None).await;
    let chat = dir.join("chat.jsonl");
    let app = Slack {
        store: store.clone(),
        chat: Arc::new(JsonlChat::new(chat.clone())),
        clock: clock.clone(),
        signing_secret: SECRET.into(),
    };
    World {
        app,
        store,
        clock,
        chat,
    }
}

/// A pending request of the employee, stored as the REST handler stores it.
async fn leave(w: &World, start: &str, end: &str) -> String {
    let store = w.store.as_ref();
    let me = RosterRepo::new(store)
        .get("acme", EMPLOYEE.0)
        .await
        .unwrap()
        .unwrap();
    let draft = LeaveDraft {
        leave_type: LeaveType::Annual,
        start_date: start.parse().unwrap(),
        end_date: end.parse().unwrap(),
        start_half: None,
        end_half: None,
        reason: "Dashain <family>".into(),
    };
    let work_days = WorkHours::default().work_days;
    let id = format!("leave-{start}");
    let request =
        LeaveRequest::new(id, &me, draft, &work_days, &BTreeSet::new(), fixture_time()).unwrap();
    LeaveRepo::new(store)
        .create(request)
        .await
        .unwrap()
        .leave_id
}

async fn status_of(w: &World, id: &str) -> LeaveStatus {
    LeaveRepo::new(w.store.as_ref())
        .get("acme", id)
        .await
        .unwrap()
        .unwrap()
        .status
}

/// The fixture with `body`, signed with `secret` at `at` as Slack signs.
fn signed(fixture: &str, body: &str, secret: &str, at: DateTime<Utc>) -> lambda_http::Request {
    let ts = at.timestamp();
    let signature = sign(secret, ts, body.as_bytes());
    testkit::rest_request(fixture, |e| {
        e["body"] = json!(body);
        for (name, value) in [
            ("X-Slack-Request-Timestamp", ts.to_string()),
            ("X-Slack-Signature", signature.clone()),
        ] {
            e["headers"][name] = json!(value);
            e["multiValueHeaders"][name] = json!([value]);
        }
    })
}

fn command_body(user: &str, command: &str, text: &str) -> String {
    let body = load(COMMAND)["body"].as_str().unwrap().to_string();
    body.replace("user_id=U0MANAGER", &format!("user_id={user}"))
        .replace(
            "command=%2Fleave",
            &format!("command={}", command.replace('/', "%2F")),
        )
        .replace("text=pending", &format!("text={text}"))
}

async fn send(w: &World, request: lambda_http::Request) -> (u16, Value) {
    outcome(&w.app.handle(request).await)
}

async fn command(w: &World, user: &str, command: &str, text: &str) -> (u16, Value) {
    let body = command_body(user, command, text);
    send(w, signed(COMMAND, &body, SECRET, w.clock.now())).await
}

async fn submit(w: &World, user: &str, leave_id: &str, comment: Option<&str>) -> (u16, Value) {
    let body = submission_body(user, leave_id, comment);
    send(w, signed(CLICK, &body, SECRET, w.clock.now())).await
}

async fn click(w: &World, user: &str, action: &str, leave_id: &str) -> (u16, Value) {
    let body = click_body(user, action, leave_id);
    send(w, signed(CLICK, &body, SECRET, w.clock.now())).await
}

fn chat(w: &World) -> Vec<Value> {
    std::fs::read_to_string(&w.chat)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

use domain::clock::Clock;

#[tokio::test]
async fn the_signed_fixture_lists_the_managers_queue_with_buttons() {
    let w = world().await;
    let id = leave(&w, "2026-10-05", "2026-10-06").await;
    let (status, reply) = send(&w, testkit::rest_request(COMMAND, |_| {})).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["response_type"], "ephemeral");
    assert_eq!(reply["text"], "1 request waits for your decision.");
    let blocks = reply["blocks"].to_string();
    assert!(blocks.contains(&format!("\"value\":\"{id}\"")), "{blocks}");
    assert!(
        blocks.contains("Dashain &lt;family&gt;"),
        "mrkdwn is escaped: {blocks}"
    );
    assert!(
        blocks.contains("employee@acme.test asks for annual leave") && !blocks.contains(EMPLOYEE.0),
        "people are named, never by username: {blocks}"
    );
    // The same signed request again is a replay.
    let (status, problem) = send(&w, testkit::rest_request(COMMAND, |_| {})).await;
    assert_eq!(status, 401, "{problem}");
}

#[tokio::test]
async fn forged_stale_and_replayed_requests_are_refused() {
    let w = world().await;
    let body = command_body("U0MANAGER", "/leave", "pending");
    let (status, problem) = send(&w, signed(COMMAND, &body, "not-the-secret", w.clock.now())).await;
    assert_eq!(status, 401, "{problem}");
    // Signed six minutes ago: outside the five-minute window.
    let stale = w.clock.now() - Duration::minutes(6);
    assert_eq!(send(&w, signed(COMMAND, &body, SECRET, stale)).await.0, 401);
    // A body altered after signing.
    let mut tampered = signed(COMMAND, &body, SECRET, w.clock.now());
    *tampered.body_mut() = lambda_http::Body::Text(body.replace("pending", "mine"));
    assert_eq!(send(&w, tampered).await.0, 401);
    // No signature at all.
    let bare = testkit::rest_request(COMMAND, |e| {
        e["headers"]
            .as_object_mut()
            .unwrap()
            .remove("X-Slack-Signature");
        e["multiValueHeaders"]
            .as_object_mut()
            .unwrap()
            .remove("X-Slack-Signature");
    });
    assert_eq!(send(&w, bare).await.0, 401);
    // The genuine request goes through once; its replay a minute later does not.
    let genuine = signed(COMMAND, &body, SECRET, w.clock.now());
    let again = signed(COMMAND, &body, SECRET, w.clock.now());
    assert_eq!(send(&w, genuine).await.0, 200);
    w.clock.advance(Duration::minutes(1));
    let (status, problem) = send(&w, again).await;
    assert_eq!(status, 401);
    assert!(
        problem["detail"].as_str().unwrap().contains("already"),
        "{problem}"
    );
}

#[tokio::test]
async fn an_unlinked_slack_user_is_told_and_changes_nothing() {
    let w = world().await;
    let id = leave(&w, "2026-10-05", "2026-10-06").await;
    let (status, reply) = command(&w, "U0NOBODY", "/leave", "pending").await;
    assert_eq!(status, 200);
    assert!(
        reply["text"].as_str().unwrap().contains("not linked"),
        "{reply}"
    );
    let (status, _) = click(&w, "U0NOBODY", "leave_approve", &id).await;
    assert_eq!(status, 200, "Slack always gets its 200");
    assert_eq!(status_of(&w, &id).await, LeaveStatus::Pending);
    let told = chat(&w);
    assert_eq!(told.len(), 1);
    assert_eq!(
        (told[0]["op"].as_str(), told[0]["user"].as_str()),
        (Some("ephemeral"), Some("U0NOBODY"))
    );
    assert!(told[0]["text"].as_str().unwrap().contains("not linked"));
}

#[tokio::test]
async fn only_the_employees_manager_or_an_admin_decides_from_slack() {
    let w = world().await;
    let id = leave(&w, "2026-10-05", "2026-10-06").await;
    // Another manager, and the employee themself: refused, told why, nothing changes.
    for user in ["U0OTHER", "U0EMPLOYEE"] {
        assert_eq!(click(&w, user, "leave_approve", &id).await.0, 200);
        assert_eq!(status_of(&w, &id).await, LeaveStatus::Pending, "{user}");
    }
    let told = chat(&w);
    assert_eq!(told.len(), 2);
    assert!(
        told.iter().all(|m| m["op"] == "ephemeral"
            && m["text"].as_str().unwrap().starts_with("Nothing changed"))
    );
    // A button that is not ours, and a request that does not exist.
    assert_eq!(click(&w, "U0MANAGER", "leave_delete", &id).await.0, 200);
    assert_eq!(
        click(&w, "U0MANAGER", "leave_approve", "leave-none")
            .await
            .0,
        200
    );
    assert_eq!(status_of(&w, &id).await, LeaveStatus::Pending);
    // Their manager approves; a second click is told it is decided, and so is a rejection
    // written afterwards in a form opened before.
    assert_eq!(click(&w, "U0MANAGER", "leave_approve", &id).await.0, 200);
    assert_eq!(status_of(&w, &id).await, LeaveStatus::Approved);
    w.clock.advance(Duration::seconds(1));
    assert_eq!(click(&w, "U0MANAGER", "leave_approve", &id).await.0, 200);
    let last = chat(&w).pop().unwrap();
    assert!(
        last["text"]
            .as_str()
            .unwrap()
            .starts_with("Nothing changed"),
        "{last}"
    );
    let (status, answer) = submit(&w, "U0MANAGER", &id, Some("Too late")).await;
    assert_eq!(status, 200);
    assert_eq!(answer["response_action"], "errors", "{answer}");
    assert!(
        answer["errors"]["comment"]
            .as_str()
            .unwrap()
            .contains("approved"),
        "{answer}"
    );
    assert_eq!(status_of(&w, &id).await, LeaveStatus::Approved);
    let decided = LeaveRepo::new(w.store.as_ref())
        .get("acme", &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(decided.decided_by.as_deref(), Some(MANAGER.0));
}

#[tokio::test]
async fn concurrent_clicks_decide_once() {
    let w = world().await;
    let id = leave(&w, "2026-10-05", "2026-10-06").await;
    // Approve clicks and submitted reject forms at once.
    let clicks = (0..10).map(|i| {
        let w = &w;
        let id = id.clone();
        async move {
            let body = if i % 2 == 0 {
                click_body("U0MANAGER", "leave_approve", &id)
            } else {
                submission_body("U0MANAGER", &id, Some("Audit week"))
            };
            // Each is its own signed request (Slack's timestamps differ).
            send(
                w,
                signed(CLICK, &body, SECRET, w.clock.now() - Duration::seconds(i)),
            )
            .await
        }
    });
    let outcomes = futures_util::future::join_all(clicks).await;
    assert!(outcomes.iter().all(|(s, _)| *s == 200), "{outcomes:?}");
    let whispered = chat(&w).iter().filter(|m| m["op"] == "ephemeral").count();
    let on_forms = outcomes
        .iter()
        .filter(|(_, a)| a["response_action"] == "errors")
        .count();
    assert_eq!(whispered + on_forms, 9, "one won, nine were told");
    assert_ne!(status_of(&w, &id).await, LeaveStatus::Pending);
}

#[tokio::test]
async fn reject_opens_a_form_and_its_comment_goes_with_the_rejection() {
    let w = world().await;
    let id = leave(&w, "2026-10-05", "2026-10-06").await;
    // The click opens the form, carrying the request; nothing is decided yet.
    assert_eq!(click(&w, "U0MANAGER", "leave_reject", &id).await.0, 200);
    assert_eq!(status_of(&w, &id).await, LeaveStatus::Pending);
    let opened = chat(&w).pop().unwrap();
    assert_eq!(opened["op"], "views.open");
    assert_eq!(
        opened["trigger_id"],
        "13345224609.738474920.8088930838d88f008e0"
    );
    let form = &opened["view"];
    assert_eq!(
        (
            form["callback_id"].as_str(),
            form["private_metadata"].as_str()
        ),
        (Some("leave_reject_form"), Some(id.as_str()))
    );
    assert_eq!(form["blocks"][0]["block_id"], "comment");
    // Submitted empty: the form stays open, the field says why.
    let (status, answer) = submit(&w, "U0MANAGER", &id, None).await;
    assert_eq!(status, 200);
    assert!(
        answer["errors"]["comment"]
            .as_str()
            .unwrap()
            .contains("needs a comment"),
        "{answer}"
    );
    // Someone else's form: refused on the form.
    let (_, answer) = submit(&w, "U0OTHER", &id, Some("No")).await;
    assert!(
        answer["errors"]["comment"]
            .as_str()
            .unwrap()
            .starts_with("Nothing changed"),
        "{answer}"
    );
    let (_, answer) = submit(&w, "U0NOBODY", &id, Some("No")).await;
    assert!(
        answer["errors"]["comment"]
            .as_str()
            .unwrap()
            .contains("not linked"),
        "{answer}"
    );
    assert_eq!(status_of(&w, &id).await, LeaveStatus::Pending);
    // The manager's comment: an empty 200 closes the form; the rejection carries it.
    let (status, answer) = submit(&w, "U0MANAGER", &id, Some(" Audit week \n")).await;
    assert_eq!((status, answer), (200, json!("")));
    let rejected = LeaveRepo::new(w.store.as_ref())
        .get("acme", &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rejected.status, LeaveStatus::Rejected);
    assert_eq!(rejected.decision_comment.as_deref(), Some("Audit week"));
    assert_eq!(rejected.decided_by.as_deref(), Some(MANAGER.0));
}

#[tokio::test]
async fn a_reject_click_without_a_trigger_is_told_to_click_again() {
    let w = world().await;
    let id = leave(&w, "2026-10-05", "2026-10-06").await;
    let mut payload = click_payload("U0MANAGER", "leave_reject", &id);
    payload.as_object_mut().unwrap().remove("trigger_id");
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload.to_string())
        .finish();
    assert_eq!(
        send(&w, signed(CLICK, &body, SECRET, w.clock.now()))
            .await
            .0,
        200
    );
    let told = chat(&w).pop().unwrap();
    assert_eq!(told["op"], "ephemeral");
    assert!(
        told["text"]
            .as_str()
            .unwrap()
            .contains("click Reject again"),
        "{told}"
    );
    assert_eq!(status_of(&w, &id).await, LeaveStatus::Pending);
}

#[tokio::test]
async fn mine_and_today_answer_the_caller() {
    let w = world().await;
    leave(&w, "2026-10-05", "2026-10-06").await;
    let (_, mine) = command(&w, "U0EMPLOYEE", "/leave", "mine").await;
    assert!(
        mine["text"]
            .as_str()
            .unwrap()
            .contains("annual leave 2026-10-05 → 2026-10-06 (2 working days): *pending*"),
        "{mine}"
    );
    let (_, pending) = command(&w, "U0EMPLOYEE", "/leave", "pending").await;
    assert!(
        pending["text"]
            .as_str()
            .unwrap()
            .starts_with("Only managers and admins")
    );
    let (_, help) = command(&w, "U0EMPLOYEE", "/leave", "approve").await;
    assert!(help["text"].as_str().unwrap().starts_with("Try"));
    // 09:05 in Kathmandu.
    let punch = Punch {
        at: "2026-09-21T03:20:00Z".parse().unwrap(),
        similarity: 92.0,
        photo_key: "k".into(),
    };
    let date = NaiveDate::from_ymd_opt(2026, 9, 21).unwrap();
    AttendanceRepo::new(w.store.as_ref())
        .check_in(&AttendanceDay::checked_in("acme", EMPLOYEE.0, date, punch))
        .await
        .unwrap();
    let (_, today) = command(&w, "U0MANAGER", "/attendance", "today").await;
    assert_eq!(
        today["text"], "1 person checked in on 2026-09-21:\n• employee@acme.test in since 09:05",
        "{today}"
    );
    let (_, own) = command(&w, "U0EMPLOYEE", "/attendance", "today").await;
    assert!(
        own["text"]
            .as_str()
            .unwrap()
            .starts_with("Your day, 2026-09-21")
    );
}

#[tokio::test]
async fn the_reminder_fires_once_after_the_work_day_for_open_days_only() {
    let w = world().await;
    let reminder = CheckoutReminder {
        store: w.store.clone(),
        chat: w.app.chat.clone(),
        clock: w.clock.clone(),
    };
    let date = NaiveDate::from_ymd_opt(2026, 9, 22).unwrap();
    let punch = |at: &str| Punch {
        at: at.parse().unwrap(),
        similarity: 92.0,
        photo_key: "k".into(),
    };
    let repo = AttendanceRepo::new(w.store.as_ref());
    // 09:00 Kathmandu: the employee (on Slack), the unlinked one, and the manager who checks out.
    for (who, _) in [EMPLOYEE, OFFLINE, MANAGER] {
        repo.check_in(&AttendanceDay::checked_in(
            "acme",
            who,
            date,
            punch("2026-09-22T03:15:00Z"),
        ))
        .await
        .unwrap();
    }
    let manager_day = repo.day("acme", MANAGER.0, date).await.unwrap().unwrap();
    repo.check_out(&manager_day, punch("2026-09-22T11:00:00Z"))
        .await
        .unwrap();
    // 16:59 local: the day has not ended.
    w.clock.set("2026-09-22T11:14:00Z".parse().unwrap());
    let done = reminder.run().await.unwrap();
    assert_eq!((done.reminded, done.not_yet), (0, 2), "{done:?}");
    // 17:05 local: the employee is reminded; the unlinked one cannot be; the manager left.
    w.clock.set("2026-09-22T11:20:00Z".parse().unwrap());
    let done = reminder.run().await.unwrap();
    assert_eq!(
        (done.reminded, done.unreachable, done.failed),
        (1, 1, 0),
        "{done:?}"
    );
    // Every later run (every 15 minutes in AWS) finds it done.
    w.clock.advance(Duration::minutes(15));
    reminder.run().await.unwrap();
    let posted = chat(&w);
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(posted[0]["channel"], "U0EMPLOYEE");
    assert!(
        posted[0]["text"]
            .as_str()
            .unwrap()
            .contains("checked in at 09:00 on 2026-09-22"),
        "{}",
        posted[0]
    );
    // Once checked out the day leaves the index.
    let open = repo.day("acme", EMPLOYEE.0, date).await.unwrap().unwrap();
    repo.check_out(&open, punch("2026-09-22T12:00:00Z"))
        .await
        .unwrap();
    assert_eq!(
        repo.open_on(date).await.unwrap().len(),
        1,
        "only the unlinked person's day is open"
    );
}

/// The schedule may start a run while the last one still runs (no reserved concurrency keeps
/// them apart): each reminder is posted once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn overlapping_reminder_runs_post_each_reminder_once() {
    let w = world().await;
    let date = NaiveDate::from_ymd_opt(2026, 9, 22).unwrap();
    let punch = Punch {
        at: "2026-09-22T03:15:00Z".parse().unwrap(),
        similarity: 92.0,
        photo_key: "k".into(),
    };
    AttendanceRepo::new(w.store.as_ref())
        .check_in(&AttendanceDay::checked_in("acme", EMPLOYEE.0, date, punch))
        .await
        .unwrap();
    // 17:05 in Kathmandu: the work day is over.
    w.clock.set("2026-09-22T11:20:00Z".parse().unwrap());
    let runs: Vec<_> = (0..5)
        .map(|_| {
            let reminder = CheckoutReminder {
                store: w.store.clone(),
                chat: w.app.chat.clone(),
                clock: w.clock.clone(),
            };
            tokio::spawn(async move { reminder.run().await.unwrap() })
        })
        .collect();
    // A run that finds another one sending the same reminder leaves it to that one.
    for run in runs {
        run.await.unwrap();
    }
    let posted = chat(&w);
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(posted[0]["channel"], "U0EMPLOYEE");
}
