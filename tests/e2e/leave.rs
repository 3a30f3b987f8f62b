//! Leave and Slack end to end through the real stack: an employee asks for leave, the manager
//! finds it in the team list and in Slack, approves it with a signed button click, and the
//! employee is mailed once; a rejection from Slack asks why and the employee reads it;
//! overlapping, past and raced decisions are refused; and the check-out reminder reaches someone
//! who never checked out.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{Days, NaiveDate};
use genese_tests::dates::{NoonZone, monday_after, plus, today};
use genese_tests::local_stack::LocalStack;
use genese_tests::tokens::username_in;
use serde_json::{Value, json};
use testkit::sample_photo;

const DEMO_PASSWORD: &str = "Demo-Password-1";
const WAIT: Duration = Duration::from_secs(10);

fn annual(start: &str, end: &str) -> Value {
    json!({ "type": "annual", "startDate": start, "endDate": end, "reason": "Tihar with family" })
}

#[tokio::test]
async fn leave_is_requested_seen_approved_from_slack_and_mailed_once() {
    let stack = LocalStack::start();
    let employee = stack.token("employee@acme.test", DEMO_PASSWORD).await;
    let manager = stack.token("manager@acme.test", DEMO_PASSWORD).await;
    let admin = stack.token("admin@acme.test", DEMO_PASSWORD).await;
    let monday = monday_after(21);

    let (status, leave) = stack
        .call(
            Some(&employee),
            "POST",
            "/leave-requests",
            Some(annual(&plus(monday, 0), &plus(monday, 1))),
        )
        .await;
    assert_eq!(status, 201, "{leave}");
    // The approver is the manager's username, as the pool made it; people read their email.
    assert_eq!(leave["manager"], username_in(&manager).as_str());
    let id = leave["id"].as_str().unwrap().to_string();

    // The manager sees it in the team list and in Slack, with the buttons.
    let (_, team) = stack
        .call(
            Some(&manager),
            "GET",
            "/leave-requests?scope=team&status=pending",
            None,
        )
        .await;
    assert_eq!(team["items"][0]["id"], id.as_str(), "{team}");
    let posted = stack
        .wait_for_chat(|m| m["op"] == "post" && m["channel"] == "U0MANAGER", WAIT)
        .await
        .expect("the manager's Slack message");
    assert!(posted["blocks"].to_string().contains(&id));
    assert!(
        stack
            .mail_text_to("manager@acme.test")
            .iter()
            .any(|t| t.contains("asks for annual leave"))
    );

    // Not the employee's own button; the manager's click approves it.
    assert_eq!(
        stack.slack_click("U0EMPLOYEE", "leave_approve", &id).await,
        200
    );
    let (_, mine) = stack
        .call(Some(&employee), "GET", "/leave-requests", None)
        .await;
    assert_eq!(mine["items"][0]["status"], "pending");
    assert_eq!(
        stack.slack_click("U0MANAGER", "leave_approve", &id).await,
        200
    );
    let (_, mine) = stack
        .call(Some(&employee), "GET", "/leave-requests", None)
        .await;
    assert_eq!(mine["items"][0]["status"], "approved", "{mine}");

    // The message loses its buttons; the employee is mailed, once.
    stack
        .wait_for_chat(|m| m["op"] == "update" && m["ts"] == posted["ts"], WAIT)
        .await
        .expect("the message shows the outcome");
    let approved = |stack: &LocalStack| {
        stack
            .mail_text_to("employee@acme.test")
            .iter()
            .filter(|t| t.contains("was approved by manager@acme.test"))
            .count()
    };
    let started = std::time::Instant::now();
    while approved(&stack) == 0 && started.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(approved(&stack), 1);

    // Overlap, a start too far back, and an unsigned Slack call are refused.
    let (status, problem) = stack
        .call(
            Some(&employee),
            "POST",
            "/leave-requests",
            Some(annual(&plus(monday, 1), &plus(monday, 2))),
        )
        .await;
    assert_eq!(status, 409, "{problem}");
    let long_ago = (today() - Days::new(60)).to_string();
    let (status, problem) = stack
        .call(
            Some(&employee),
            "POST",
            "/leave-requests",
            Some(annual(&long_ago, &long_ago)),
        )
        .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("startDate")),
        "{problem}"
    );
    let (status, _) = stack
        .call(None, "POST", "/slack/interactions", Some(json!({})))
        .await;
    assert_eq!(status, 401);

    // Twenty decisions at once from the manager and the admin: one wins, nineteen get 409.
    let (_, raced) = stack
        .call(
            Some(&employee),
            "POST",
            "/leave-requests",
            Some(annual(&plus(monday, 7), &plus(monday, 7))),
        )
        .await;
    let raced = raced["id"].as_str().unwrap().to_string();
    let calls = (0..20).map(|i| {
        let (token, action) = match i % 4 {
            0 => (&manager, "approve"),
            1 => (&manager, "reject"),
            2 => (&admin, "approve"),
            _ => (&admin, "reject"),
        };
        let path = format!("/leave-requests/{raced}/{action}");
        let body = (action == "reject").then(|| json!({ "comment": "Audit week" }));
        let stack = &stack;
        async move { stack.call(Some(token), "POST", &path, body).await.0 }
    });
    let statuses = futures_util::future::join_all(calls).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        19,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_rejection_from_slack_asks_why_and_the_employee_reads_it() {
    let stack = LocalStack::start();
    let employee = stack.token("employee@acme.test", DEMO_PASSWORD).await;
    let monday = monday_after(28);
    let (_, leave) = stack
        .call(
            Some(&employee),
            "POST",
            "/leave-requests",
            Some(annual(&plus(monday, 0), &plus(monday, 0))),
        )
        .await;
    let id = leave["id"].as_str().unwrap().to_string();
    // Reject opens the form; an empty form stays open, naming the field.
    assert_eq!(
        stack.slack_click("U0MANAGER", "leave_reject", &id).await,
        200
    );
    let opened = stack
        .wait_for_chat(|m| m["op"] == "views.open", WAIT)
        .await
        .expect("the reject form opened");
    assert_eq!(opened["view"]["private_metadata"], id.as_str());
    let (status, answer) = stack.slack_reject("U0MANAGER", &id, None).await;
    assert_eq!(status, 200);
    assert_eq!(answer["response_action"], "errors", "{answer}");
    // Filled in: the form closes, the request is rejected with the comment, the employee is
    // mailed it.
    let comment = "Audit week: everyone is needed";
    let (status, answer) = stack.slack_reject("U0MANAGER", &id, Some(comment)).await;
    assert_eq!((status, answer), (200, Value::Null));
    let (_, mine) = stack
        .call(Some(&employee), "GET", "/leave-requests", None)
        .await;
    assert_eq!(mine["items"][0]["status"], "rejected", "{mine}");
    assert_eq!(mine["items"][0]["decisionComment"], comment);
    let told = |stack: &LocalStack| {
        stack
            .mail_text_to("employee@acme.test")
            .iter()
            .any(|t| t.contains("was rejected") && t.contains(comment))
    };
    let started = std::time::Instant::now();
    while !told(&stack) && started.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(told(&stack), "the employee reads why");
}

#[tokio::test]
async fn the_reminder_fires_for_a_missing_check_out() {
    let stack = LocalStack::start();
    let admin = stack.token("admin@acme.test", DEMO_PASSWORD).await;
    let employee = stack.token("employee@acme.test", DEMO_PASSWORD).await;
    // A zone where it is about noon now: the check-in lands well inside a work day that spans
    // the whole local day, whatever the hour the test runs.
    let zone = NoonZone::now();
    let (_, company) = stack.call(Some(&admin), "GET", "/company", None).await;
    let (status, updated) = stack
        .call(
            Some(&admin),
            "PUT",
            "/company",
            Some(json!({
                "name": company["name"], "timeZone": zone.name,
                "workHours": { "start": "00:00", "end": "23:59", "lateAfterMinutes": 10 },
                "version": company["version"],
            })),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    let photo = |name: &str| json!({ "photo": STANDARD.encode(sample_photo(name)) });
    stack.consent_to_face_matching(&employee).await;
    let (status, _) = stack
        .call(Some(&employee), "PUT", "/me/face", Some(photo("obama.jpg")))
        .await;
    assert_eq!(status, 200);
    let (status, checked_in) = stack
        .call(
            Some(&employee),
            "POST",
            "/attendance/check-in",
            Some(photo("obama2.jpg")),
        )
        .await;
    assert_eq!(status, 201, "{checked_in}");
    let date: NaiveDate = checked_in["date"].as_str().unwrap().parse().unwrap();

    // Before the end of the day nothing fires; one minute after 23:59 it does, once.
    let before_end = format!("/local/reminders?at={}", zone.instant(date, "23:58"));
    let (_, early) = stack.call(None, "POST", &before_end, None).await;
    assert_eq!(early["reminded"], 0, "{early}");
    let after_hours = format!(
        "/local/reminders?at={}",
        zone.instant(date + Days::new(1), "00:00")
    );
    for _ in 0..2 {
        let (status, done) = stack.call(None, "POST", &after_hours, None).await;
        assert_eq!(
            (status, done["reminded"].clone()),
            (200, json!(1)),
            "{done}"
        );
    }
    let reminders: Vec<_> = stack
        .chat()
        .into_iter()
        .filter(|m| {
            m["channel"] == "U0EMPLOYEE"
                && m["text"].as_str().unwrap_or("").contains("not checked out")
        })
        .collect();
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    let (status, problem) = stack
        .call(None, "POST", "/local/reminders?at=tomorrow", None)
        .await;
    assert_eq!((status, problem["field"].as_str()), (400, Some("at")));
}
