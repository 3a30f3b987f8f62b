//! leave-requests REST tests: the `events/` fixture through the real handler on SQLite.

mod common;

use chrono::NaiveDate;
use common::*;
use domain::events::{EventDraft, EventRepo};
use edge::function::RestFunction;
use serde_json::json;
use testkit::{Call, load, outcome};

#[tokio::test]
async fn the_fixture_requests_leave_for_the_roster_manager() {
    let w = world().await;
    let (status, body) = outcome(&w.app.handle(testkit::rest_request(FIXTURE, |_| {})).await);
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["employee"], EMPLOYEE.0);
    assert_eq!(body["manager"], MANAGER.0);
    assert_eq!(body["status"], "pending");
    // Monday to Wednesday morning.
    assert_eq!(body["days"], 2.5);
    assert!(load(FIXTURE)["body"].as_str().unwrap().contains("Pokhara"));
}

#[tokio::test]
async fn the_approver_is_never_taken_from_the_body() {
    let w = world().await;
    let mut body = annual("2026-12-01", "2026-12-01");
    body["manager"] = json!(ADMIN.0);
    let (status, problem) = request_leave(&w, employee(), body).await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem.to_string().contains("manager"), "{problem}");
}

#[tokio::test]
async fn holidays_and_weekends_cost_nothing() {
    let w = world().await;
    EventRepo::new(w.store.as_ref())
        .create(
            "acme",
            "ev-1".into(),
            EventDraft {
                date: NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(),
                title: "Christmas".into(),
                holiday: true,
            },
            ADMIN.0,
            utc(NOW),
        )
        .await
        .unwrap();
    // Monday 21 to Sunday 27 December: five weekdays, one of them a holiday.
    let (status, body) = request_leave(&w, employee(), annual("2026-12-21", "2026-12-27")).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["days"], 4.0);
    // Another company's holiday is not acme's.
    let (status, body) = request_leave(
        &w,
        who(WORKER, "employees", "globex"),
        annual("2026-12-21", "2026-12-27"),
    )
    .await;
    assert_eq!((status, body["days"].clone()), (201, json!(5.0)));
    // Only a weekend: nothing to take off.
    let (status, problem) = request_leave(&w, employee(), annual("2027-01-02", "2027-01-03")).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["field"], "startDate", "{problem}");
}

#[tokio::test]
async fn bad_dates_are_refused_naming_the_field() {
    let w = world().await;
    for (body, field) in [
        (annual("2026-12-10", "2026-12-09"), "endDate"),
        // Further back than the 30-day window from Kathmandu's 25 November.
        (annual("2026-10-23", "2026-10-23"), "startDate"),
        (annual("2026-13-01", "2026-12-01"), "startDate"),
        (
            json!({ "type": "holiday", "startDate": "2026-12-01", "endDate": "2026-12-01", "reason": "x" }),
            "type",
        ),
        (
            json!({ "type": "annual", "startDate": "2026-12-01", "endDate": "2026-12-01", "reason": "" }),
            "reason",
        ),
    ] {
        let (status, problem) = request_leave(&w, employee(), body.clone()).await;
        assert!(
            status == 400 || status == 422,
            "{body} → {status} {problem}"
        );
        assert_eq!(problem["field"], field, "{body}: {problem}");
    }
    // Inside the window, sick leave after the fact is fine.
    let sick = json!({ "type": "sick", "startDate": "2026-11-23", "endDate": "2026-11-23", "reason": "flu" });
    assert_eq!(request_leave(&w, employee(), sick).await.0, 201);
    // Nothing half written: the employee has exactly that one request.
    let (_, mine) = list(&w, employee(), json!(null)).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1, "{mine}");
}

#[tokio::test]
async fn overlapping_pending_or_approved_leave_is_a_conflict() {
    let w = world().await;
    let (_, first) = request_leave(&w, employee(), annual("2026-12-07", "2026-12-09")).await;
    let (status, problem) = request_leave(&w, employee(), annual("2026-12-09", "2026-12-11")).await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem.to_string().contains(first["id"].as_str().unwrap()),
        "{problem}"
    );
    // Someone else's leave on the same days is no overlap.
    let other = who(SECOND, "employees", "acme");
    assert_eq!(
        request_leave(&w, other, annual("2026-12-09", "2026-12-11"))
            .await
            .0,
        201
    );
    // Once rejected, the dates are free again.
    let id = first["id"].as_str().unwrap();
    assert_eq!(act(&w, manager(), id, "reject").await.0, 200);
    assert_eq!(
        request_leave(&w, employee(), annual("2026-12-09", "2026-12-11"))
            .await
            .0,
        201
    );
    // A half day meets another at noon without overlapping.
    let am = json!({ "type": "other", "startDate": "2026-12-14", "endDate": "2026-12-14", "endHalf": "morning", "reason": "errand" });
    let pm = json!({ "type": "other", "startDate": "2026-12-14", "endDate": "2026-12-14", "startHalf": "afternoon", "reason": "dentist" });
    assert_eq!(request_leave(&w, employee(), am).await.0, 201);
    assert_eq!(request_leave(&w, employee(), pm).await.0, 201);
}

#[tokio::test]
async fn concurrent_overlapping_requests_leave_one_standing() {
    let w = world().await;
    let tries = (0..10).map(|i| {
        let w = &w;
        async move {
            let day = format!("2026-12-{:02}", 7 + i % 3);
            request_leave(w, employee(), annual(&day, "2026-12-11"))
                .await
                .0
        }
    });
    let statuses = futures_util::future::join_all(tries).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_answer() {
    let w = world().await;
    let keyed = |key: &'static str| Call {
        method: "POST",
        resource: "/leave-requests",
        claims: Some(employee()),
        headers: vec![("Idempotency-Key", key.to_string())],
        body: Some(annual("2026-12-07", "2026-12-08").to_string()),
        ..Call::default()
    };
    let first = call(&w, keyed("k-1")).await;
    let again = call(&w, keyed("k-1")).await;
    assert_eq!(first.0, 201);
    assert_eq!(first, again);
    let (_, mine) = list(&w, employee(), json!(null)).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    // A new key is a new request, which overlaps.
    assert_eq!(call(&w, keyed("k-2")).await.0, 409);
}

#[tokio::test]
async fn who_may_approve_reject_and_cancel() {
    let w = world().await;
    let (_, leave) = request_leave(&w, employee(), annual("2026-12-07", "2026-12-08")).await;
    let id = leave["id"].as_str().unwrap();
    // Not your own, not a colleague's, not another company's.
    assert_eq!(act(&w, employee(), id, "approve").await.0, 403);
    let colleague = who(SECOND, "employees", "acme");
    assert_eq!(act(&w, colleague.clone(), id, "approve").await.0, 403);
    assert_eq!(act(&w, colleague, id, "cancel").await.0, 403);
    let outsider = who(GLOBEX_ADMIN, "admins", "globex");
    assert_eq!(act(&w, outsider, id, "approve").await.0, 404);
    assert_eq!(act(&w, manager(), "leave-404", "approve").await.0, 404);
    // The manager approves; a second decision is a conflict.
    let (status, approved) = act(&w, manager(), id, "approve").await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["decidedBy"], MANAGER.0);
    assert_eq!(act(&w, admin(), id, "reject").await.0, 409);
    // The employee may cancel approved leave until it starts.
    let (status, cancelled) = act(&w, employee(), id, "cancel").await;
    assert_eq!(
        (status, cancelled["status"].clone()),
        (200, json!("cancelled"))
    );
    assert_eq!(act(&w, employee(), id, "cancel").await.0, 409);
    // An admin decides for any manager of the company.
    let (_, second) = request_leave(&w, employee(), annual("2026-12-09", "2026-12-09")).await;
    let (status, rejected) = act(&w, admin(), second["id"].as_str().unwrap(), "reject").await;
    assert_eq!(
        (status, rejected["status"].clone()),
        (200, json!("rejected"))
    );
}

#[tokio::test]
async fn a_rejection_says_why_and_an_approval_may_say_something() {
    let w = world().await;
    let (_, leave) = request_leave(&w, employee(), annual("2026-12-07", "2026-12-08")).await;
    let id = leave["id"].as_str().unwrap();
    // Without a comment, a blank one or a too long one, nothing is decided.
    for body in [
        None,
        Some(json!({})),
        Some(json!({ "comment": "  \n " })),
        Some(json!({ "comment": "x".repeat(501) })),
        Some(json!({ "comment": "ring\u{7}" })),
    ] {
        let (status, problem) = decide(&w, manager(), id, "reject", body.clone()).await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some("comment")),
            "{body:?}: {problem}"
        );
    }
    for (body, field) in [
        (json!({ "comment": "x", "status": "approved" }), "status"),
        (json!({ "comment": 7 }), "comment"),
    ] {
        let (status, problem) = decide(&w, manager(), id, "reject", Some(body)).await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (400, Some(field)),
            "{problem}"
        );
    }
    let (status, problem) = decide(
        &w,
        employee(),
        id,
        "cancel",
        Some(json!({ "comment": "x" })),
    )
    .await;
    assert_eq!(status, 413, "a cancellation takes no body: {problem}");
    let (_, mine) = list(&w, employee(), json!(null)).await;
    assert_eq!(mine["items"][0]["status"], "pending", "nothing was decided");
    let body = json!({ "comment": " Audit week: everyone is needed.\nAsk again for January. " });
    let (status, rejected) = decide(&w, manager(), id, "reject", Some(body)).await;
    assert_eq!(status, 200, "{rejected}");
    assert_eq!(
        rejected["decisionComment"],
        "Audit week: everyone is needed.\nAsk again for January."
    );
    // The employee sees it with the request.
    let (_, mine) = list(&w, employee(), json!(null)).await;
    assert_eq!(
        mine["items"][0]["decisionComment"],
        rejected["decisionComment"]
    );
    // Approving takes a comment or none; no body at all is an approval without one.
    let (_, second) = request_leave(&w, employee(), annual("2026-12-09", "2026-12-09")).await;
    let second = second["id"].as_str().unwrap();
    let note = Some(json!({ "comment": "Enjoy" }));
    let (status, approved) = decide(&w, manager(), second, "approve", note).await;
    assert_eq!(
        (status, approved["decisionComment"].as_str()),
        (200, Some("Enjoy"))
    );
    let (_, third) = request_leave(&w, employee(), annual("2026-12-10", "2026-12-10")).await;
    let (status, approved) = act(&w, manager(), third["id"].as_str().unwrap(), "approve").await;
    assert_eq!(
        (status, approved["decisionComment"].clone()),
        (200, json!(null))
    );
}

#[tokio::test]
async fn started_leave_can_no_longer_be_cancelled() {
    let w = world().await;
    let (_, leave) = request_leave(&w, employee(), annual("2026-12-07", "2026-12-08")).await;
    let id = leave["id"].as_str().unwrap();
    assert_eq!(act(&w, manager(), id, "approve").await.0, 200);
    // Monday 7 December, 10:00 in Kathmandu.
    w.clock.set(utc("2026-12-07T04:15:00Z"));
    let (status, problem) = act(&w, employee(), id, "cancel").await;
    assert_eq!(status, 409, "{problem}");
}

#[tokio::test]
async fn twenty_concurrent_decisions_leave_exactly_one_outcome() {
    let w = world().await;
    let (_, leave) = request_leave(&w, employee(), annual("2026-12-07", "2026-12-08")).await;
    let id = leave["id"].as_str().unwrap();
    let calls = (0..20).map(|i| {
        let w = &w;
        let (claims, action) = match i % 4 {
            0 => (manager(), "approve"),
            1 => (manager(), "reject"),
            2 => (admin(), "approve"),
            _ => (admin(), "reject"),
        };
        async move { act(w, claims, id, action).await }
    });
    let outcomes = futures_util::future::join_all(calls).await;
    let winners: Vec<_> = outcomes.iter().filter(|(s, _)| *s == 200).collect();
    assert_eq!(winners.len(), 1, "{outcomes:?}");
    assert_eq!(
        outcomes.iter().filter(|(s, _)| *s == 409).count(),
        19,
        "{outcomes:?}"
    );
    // What stands is what the winner was told.
    let (_, mine) = list(&w, employee(), json!(null)).await;
    assert_eq!(mine["items"][0]["status"], winners[0].1["status"]);
    assert_eq!(mine["items"][0]["decidedBy"], winners[0].1["decidedBy"]);
}

#[tokio::test]
async fn the_team_list_is_filtered_paged_and_kept_to_the_team() {
    let w = world().await;
    for (claims, start, end) in [
        (employee(), "2026-12-07", "2026-12-08"),
        (employee(), "2027-01-11", "2027-01-12"),
        (who(SECOND, "employees", "acme"), "2026-12-14", "2026-12-14"),
    ] {
        assert_eq!(request_leave(&w, claims, annual(start, end)).await.0, 201);
    }
    let (_, first) = list(&w, employee(), json!(null)).await;
    let id = first["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(act(&w, manager(), &id, "approve").await.0, 200);
    let (status, team) = list(&w, manager(), json!({ "scope": "team" })).await;
    assert_eq!(status, 200, "{team}");
    assert_eq!(team["items"].as_array().unwrap().len(), 3);
    let (_, pending) = list(
        &w,
        manager(),
        json!({ "scope": "team", "status": "pending" }),
    )
    .await;
    assert_eq!(pending["items"].as_array().unwrap().len(), 2);
    let (_, january) = list(
        &w,
        manager(),
        json!({ "scope": "team", "month": "2027-01" }),
    )
    .await;
    assert_eq!(january["items"].as_array().unwrap().len(), 1, "{january}");
    assert_eq!(january["items"][0]["startDate"], "2027-01-11");
    // One at a time, following the cursor, each exactly once.
    let mut seen = Vec::new();
    let mut cursor = None::<String>;
    for _ in 0..5 {
        let mut query = json!({ "scope": "team", "limit": "1" });
        if let Some(c) = &cursor {
            query["cursor"] = json!(c);
        }
        let (status, page) = list(&w, manager(), query).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].clone()),
        );
        cursor = page["nextCursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
    // Employees have no team; admins read a manager's; nobody reads another company's.
    assert_eq!(
        list(&w, employee(), json!({ "scope": "team" })).await.0,
        403
    );
    let (_, theirs) = list(
        &w,
        admin(),
        json!({ "scope": "team", "manager": MANAGER.0 }),
    )
    .await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 3);
    let (_, own) = list(&w, admin(), json!({ "scope": "team" })).await;
    assert_eq!(own["items"].as_array().unwrap().len(), 0);
    let outsider = who(GLOBEX_ADMIN, "admins", "globex");
    assert_eq!(
        list(
            &w,
            outsider,
            json!({ "scope": "team", "manager": MANAGER.0 })
        )
        .await
        .0,
        404
    );
    for (query, field) in [
        (json!({ "scope": "everyone" }), "scope"),
        (json!({ "scope": "team", "status": "maybe" }), "status"),
        (json!({ "scope": "team", "month": "2026-13" }), "month"),
        (json!({ "scope": "team", "cursor": "not-ours" }), "cursor"),
        (json!({ "scope": "team", "limit": "0" }), "limit"),
    ] {
        let (status, problem) = list(&w, manager(), query.clone()).await;
        assert!(
            status == 400 || status == 422,
            "{query}: {status} {problem}"
        );
        assert_eq!(problem["field"], field, "{query}: {problem}");
    }
}

#[tokio::test]
async fn an_admin_without_a_manager_is_decided_by_another_admin() {
    let w = world().await;
    let (status, leave) = request_leave(&w, admin(), annual("2026-12-07", "2026-12-07")).await;
    assert_eq!(status, 201, "{leave}");
    assert_eq!(leave["manager"], json!(null));
    let id = leave["id"].as_str().unwrap();
    assert_eq!(
        act(&w, admin(), id, "approve").await.0,
        403,
        "not one's own"
    );
    let (_, queue) = list(&w, admin(), json!({ "scope": "team", "manager": "none" })).await;
    assert_eq!(queue["items"][0]["id"], leave["id"]);
}

#[tokio::test]
async fn wrong_methods_and_roles_are_refused() {
    let w = world().await;
    let (status, _) = call(
        &w,
        Call {
            method: "DELETE",
            resource: "/leave-requests",
            claims: Some(employee()),
            ..Call::default()
        },
    )
    .await;
    assert_eq!(status, 405);
    let applicant = who(
        (
            "5e6f7a8b-1c2d-4e3f-9a0b-c1d2e3f4a5b6",
            "someone@example.com",
        ),
        "applicants",
        "acme",
    );
    assert_eq!(
        request_leave(&w, applicant, annual("2026-12-07", "2026-12-07"))
            .await
            .0,
        403
    );
}
