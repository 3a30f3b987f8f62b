//! The company the leave tests work in, on SQLite, with the clock in the test's hand.
//!
//! acme (Asia/Kathmandu, Monday to Friday): its admin (registered it, Slack `U0ADMIN`), the
//! manager reporting to the admin (Slack `U0MANAGER`), the employee (the fixture's caller) and a
//! second employee reporting to the manager. globex: its own admin and worker. Everyone is a
//! [`Person`]: the username the pool made (a UUID, which mail and Slack must never show) and an
//! email.

#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::clock::ManualClock;
use domain::company::{CompanyProfile, CompanyRepo, Registration, WorkHours};
use domain::ids::SequentialIds;
use domain::leave::LeavePolicy;
use domain::ports::ItemStore;
use domain::roster::{RosterEntry, RosterRepo, StaffRole};
use edge::function::RestFunction;
use embedded_adapters::SqliteStore;
use serde_json::{Value, json};
use testkit::{Call, acme, outcome, temp_dir};

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

/// A username (as the pool makes it) and an email.
pub type Person = (&'static str, &'static str);

pub const ADMIN: Person = (acme::ADMIN, "admin@acme.test");
pub const MANAGER: Person = (acme::MANAGER, "manager@acme.test");
pub const EMPLOYEE: Person = (acme::EMPLOYEE, "employee@acme.test");
pub const SECOND: Person = ("1a2b3c4d-0000-4000-8000-acme00000004", "second@acme.test");
pub const GLOBEX_ADMIN: Person = ("2b3c4d5e-0000-4000-8000-globex000001", "admin@globex.test");
pub const WORKER: Person = ("2b3c4d5e-0000-4000-8000-globex000002", "worker@globex.test");

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn company(store: &SqliteStore, id: &str, (admin, email): Person) {
    CompanyRepo::new(store)
        .register(&Registration {
            company_id: id.into(),
            owner_sub: admin.into(),
            owner_username: admin.into(),
            owner_email: Some(email.into()),
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
    who: Person,
    role: StaffRole,
    manager: Option<&str>,
    slack: Option<&str>,
) {
    let entry = RosterEntry {
        slack_user_id: slack.map(str::to_string),
        ..testkit::active_staff(company_id, who, role, manager, utc(NOW))
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
    company(&store, "acme", ADMIN).await;
    link_slack(&store, "acme", ADMIN.0, "U0ADMIN").await;
    use StaffRole::*;
    for (who, role, manager, slack) in [
        (MANAGER, Manager, Some(ADMIN.0), Some("U0MANAGER")),
        (EMPLOYEE, Employee, Some(MANAGER.0), Some("U0EMPLOYEE")),
        (SECOND, Employee, Some(MANAGER.0), None),
    ] {
        person(&store, "acme", who, role, manager, slack).await;
    }
    company(&store, "globex", GLOBEX_ADMIN).await;
    person(
        &store,
        "globex",
        WORKER,
        Employee,
        Some(GLOBEX_ADMIN.0),
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

/// The claims of `person`, of `company` with the Cognito `group`, as the pool issues them.
pub fn who((username, email): Person, group: &str, company: &str) -> Value {
    json!({
        "cognito:username": username, "email": email, "sub": username,
        "cognito:groups": group, "custom:company_id": company,
    })
}

pub fn employee() -> Value {
    who(EMPLOYEE, "employees", "acme")
}

pub fn manager() -> Value {
    who(MANAGER, "managers", "acme")
}

pub fn admin() -> Value {
    who(ADMIN, "admins", "acme")
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

/// `POST /leave-requests/{id}/{action}` as `claims`, a rejection with the comment it needs.
pub async fn act(w: &World, claims: Value, id: &str, action: &str) -> (u16, Value) {
    let body = (action == "reject").then(|| json!({ "comment": "Short-staffed that week" }));
    decide(w, claims, id, action, body).await
}

/// `POST /leave-requests/{id}/{action}` as `claims` with `body`, if any.
pub async fn decide(
    w: &World,
    claims: Value,
    id: &str,
    action: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let resource = format!("/leave-requests/{{id}}/{action}");
    call(
        w,
        Call {
            method: "POST",
            resource: &resource,
            path: Some(format!("/leave-requests/{id}/{action}")),
            params: json!({ "id": id }),
            claims: Some(claims),
            body: body.map(|b| b.to_string()),
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
