//! The company the leave tests work in, on SQLite, with the clock in the test's hand.
//!
//! acme (Asia/Kathmandu, Monday to Friday): `admin@acme.test` (registered it, Slack `U0ADMIN`),
//! `manager@acme.test` reporting to the admin (Slack `U0MANAGER`), `employee@acme.test` and
//! `second@acme.test` reporting to the manager. globex: its own admin and employee.

#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use shared::adapters::embedded::SqliteStore;
use shared::clock::ManualClock;
use shared::company::{CompanyProfile, CompanyRepo, Registration, WorkHours};
use shared::fixtures::{Call, outcome, temp_dir};
use shared::function::RestFunction;
use shared::ids::SequentialIds;
use shared::leave::LeavePolicy;
use shared::ports::ItemStore;
use shared::roster::{RosterEntry, RosterRepo, StaffRole};

use leave_requests::LeaveRequests;

pub const FIXTURE: &str = "leave-requests/post-leave-request.json";
/// The fixture's moment: Wednesday 25 November 2026, 04:15 in Kathmandu.
pub const NOW: &str = "2026-11-24T22:30:00Z";

pub struct World {
    pub app: LeaveRequests,
    pub store: Arc<SqliteStore>,
    pub clock: Arc<ManualClock>,
    pub dir: std::path::PathBuf,
}

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn company(store: &SqliteStore, id: &str, admin: &str) {
    CompanyRepo::new(store)
        .register(&Registration {
            company_id: id.into(),
            owner_sub: format!("s-{admin}"),
            owner_username: admin.into(),
            owner_email: Some(admin.into()),
            profile: CompanyProfile {
                name: id.into(),
                time_zone: "Asia/Kathmandu".into(),
                work_hours: WorkHours::default(),
            },
            at: utc(NOW),
        })
        .await
        .unwrap();
}

pub async fn person(
    store: &SqliteStore,
    company_id: &str,
    username: &str,
    role: StaffRole,
    manager: Option<&str>,
    slack: Option<&str>,
) {
    let entry = RosterEntry {
        slack_user_id: slack.map(str::to_string),
        ..shared::fixtures::active_staff(company_id, username, role, manager, utc(NOW))
    };
    store.transact(vec![entry.create()]).await.unwrap();
}

/// Links `username` of `company_id` to a Slack user, as an admin does over `PUT /employees`.
pub async fn link_slack(store: &SqliteStore, company_id: &str, username: &str, slack: &str) {
    let repo = RosterRepo::new(store);
    let current = repo.get(company_id, username).await.unwrap().unwrap();
    let mut next = current.clone();
    next.slack_user_id = Some(slack.into());
    next.version += 1;
    repo.replace(&current, &next).await.unwrap();
}

pub async fn world() -> World {
    let dir = temp_dir("leave");
    let store = Arc::new(SqliteStore::open(&dir.join("tables.sqlite3")).unwrap());
    let clock = Arc::new(ManualClock::at(utc(NOW)));
    company(&store, "acme", "admin@acme.test").await;
    link_slack(&store, "acme", "admin@acme.test", "U0ADMIN").await;
    use StaffRole::*;
    for (username, role, manager, slack) in [
        (
            "manager@acme.test",
            Manager,
            Some("admin@acme.test"),
            Some("U0MANAGER"),
        ),
        (
            "employee@acme.test",
            Employee,
            Some("manager@acme.test"),
            Some("U0EMPLOYEE"),
        ),
        (
            "second@acme.test",
            Employee,
            Some("manager@acme.test"),
            None,
        ),
    ] {
        person(&store, "acme", username, role, manager, slack).await;
    }
    company(&store, "globex", "admin@globex.test").await;
    person(
        &store,
        "globex",
        "worker@globex.test",
        Employee,
        Some("admin@globex.test"),
        None,
    )
    .await;
    let app = LeaveRequests {
        store: store.clone(),
        clock: clock.clone(),
        ids: Arc::new(SequentialIds::new("leave")),
        policy: LeavePolicy::default(),
    };
    World {
        app,
        store,
        clock,
        dir,
    }
}

/// The claims of `username`, of `company` with the Cognito `group`.
pub fn who(username: &str, group: &str, company: &str) -> Value {
    json!({
        "cognito:username": username, "email": username, "sub": format!("s-{username}"),
        "cognito:groups": group, "custom:company_id": company,
    })
}

pub fn employee() -> Value {
    who("employee@acme.test", "employees", "acme")
}

pub fn manager() -> Value {
    who("manager@acme.test", "managers", "acme")
}

pub fn admin() -> Value {
    who("admin@acme.test", "admins", "acme")
}

pub async fn call(w: &World, c: Call<'_>) -> (u16, Value) {
    outcome(&w.app.handle(c.request(FIXTURE)).await)
}

/// `POST /leave-requests` as `claims` with `body`.
pub async fn request_leave(w: &World, claims: Value, body: Value) -> (u16, Value) {
    call(
        w,
        Call {
            method: "POST",
            resource: "/leave-requests",
            claims: Some(claims),
            body: Some(body.to_string()),
            ..Call::default()
        },
    )
    .await
}

/// `POST /leave-requests/{id}/{action}` as `claims`.
pub async fn act(w: &World, claims: Value, id: &str, action: &str) -> (u16, Value) {
    let resource = format!("/leave-requests/{{id}}/{action}");
    call(
        w,
        Call {
            method: "POST",
            resource: &resource,
            path: Some(format!("/leave-requests/{id}/{action}")),
            params: json!({ "id": id }),
            claims: Some(claims),
            ..Call::default()
        },
    )
    .await
}

/// `GET /leave-requests` as `claims` with the `query`.
pub async fn list(w: &World, claims: Value, query: Value) -> (u16, Value) {
    call(
        w,
        Call {
            method: "GET",
            resource: "/leave-requests",
            query,
            claims: Some(claims),
            ..Call::default()
        },
    )
    .await
}

/// Annual leave from `start` to `end`, whole days.
pub fn annual(start: &str, end: &str) -> Value {
    json!({ "type": "annual", "startDate": start, "endDate": end, "reason": "Family visit" })
}
