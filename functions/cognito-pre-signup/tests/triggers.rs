//! cognito-pre-signup tests: the `events/` trigger fixtures through the real handler, on the
//! local directory.

use std::sync::Arc;

use cognito_pre_signup::{SignUpPolicy, SinglePool, Triggers};
use serde_json::json;
use shared::adapters::embedded::{LocalDirectory, SqliteStore};
use shared::clock::ManualClock;
use shared::fixtures::{load, temp_dir};
use shared::ports::UserDirectory;
use shared::roster::{EmploymentStatus, Invitation, RosterEntry, RosterRepo, StaffRole};

fn triggers() -> (Triggers, Arc<LocalDirectory>) {
    let dir = temp_dir("triggers");
    let directory = Arc::new(LocalDirectory::open(&dir.join("directory.sqlite3")).unwrap());
    directory
        .sign_up("sita@example.com", "sita@example.com", "Sita-Pass-123")
        .unwrap();
    let policy = SignUpPolicy {
        blocked_domains: vec!["mailinator.com".into()],
        applicant_client_name: "careers-portal".into(),
    };
    (
        Triggers {
            policy,
            directories: Arc::new(SinglePool(directory.clone())),
            store: Arc::new(SqliteStore::open(&dir.join("tables.sqlite3")).unwrap()),
            clock: Arc::new(ManualClock::at(invited_at())),
        },
        directory,
    )
}

#[tokio::test]
async fn a_plain_self_sign_up_passes_and_is_not_auto_confirmed() {
    let (t, _) = triggers();
    let out = t.handle(load("cognito/pre-signup.json")).await.unwrap();
    assert_eq!(out["response"]["autoConfirmUser"], false);
    assert_eq!(
        out["userName"], "sita@example.com",
        "the event is echoed back"
    );
}

#[tokio::test]
async fn blocked_domains_and_self_assigned_company_claims_are_refused() {
    let (t, _) = triggers();
    let mut blocked = load("cognito/pre-signup.json");
    blocked["request"]["userAttributes"]["email"] = json!("bot@mailinator.com");
    assert!(
        t.handle(blocked)
            .await
            .unwrap_err()
            .0
            .contains("mailinator.com")
    );
    let mut smuggled = load("cognito/pre-signup.json");
    smuggled["request"]["userAttributes"]["custom:company_id"] = json!("acme");
    assert!(t.handle(smuggled).await.is_err());
}

#[tokio::test]
async fn confirmation_through_the_careers_client_makes_an_applicant() {
    let (t, directory) = triggers();
    t.handle(load("cognito/post-confirmation.json"))
        .await
        .unwrap();
    assert_eq!(
        directory.get_user("sita@example.com").await.unwrap().groups,
        vec!["applicants"]
    );
}

#[tokio::test]
async fn confirmation_through_the_attendance_client_grants_no_group() {
    let (t, directory) = triggers();
    let mut event = load("cognito/post-confirmation.json");
    event["callerContext"]["clientId"] = json!("attendance-portal");
    t.handle(event).await.unwrap();
    assert!(
        directory
            .get_user("sita@example.com")
            .await
            .unwrap()
            .groups
            .is_empty()
    );
}

fn invited_at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap()
}

async fn invite_ram(t: &Triggers) {
    let entry = RosterEntry {
        sub: String::new(),
        status: EmploymentStatus::Invited,
        ..shared::fixtures::active_staff(
            "acme",
            "ram@acme.test",
            StaffRole::Employee,
            Some("manager@acme.test"),
            invited_at(),
        )
    };
    let invitation = Invitation::new("ram@acme.test", "acme", "admin@acme.test", invited_at());
    RosterRepo::new(t.store.as_ref())
        .invite(&entry, &invitation)
        .await
        .unwrap();
}

#[tokio::test]
async fn setting_the_first_password_activates_an_invited_employee_once() {
    let (t, _) = triggers();
    invite_ram(&t).await;
    let event = load("cognito/pre-token-new-password.json");
    for _ in 0..3 {
        let out = t.handle(event.clone()).await.unwrap();
        assert_eq!(
            out["response"], event["response"],
            "claims are left as they are"
        );
    }
    let mut confirmed = load("cognito/post-confirmation.json");
    confirmed["userName"] = json!("ram@acme.test");
    confirmed["callerContext"]["clientId"] = json!("attendance-portal");
    t.handle(confirmed).await.unwrap();
    let roster = RosterRepo::new(t.store.as_ref());
    let ram = roster.get("acme", "ram@acme.test").await.unwrap().unwrap();
    assert_eq!(ram.status, EmploymentStatus::Active);
    assert_eq!(ram.sub, "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    assert_eq!(ram.version, 2, "activated once");
    assert_eq!(
        roster
            .invitation("ram@acme.test", invited_at())
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn a_new_password_without_an_invitation_changes_nothing() {
    let (t, _) = triggers();
    let event = load("cognito/pre-token-new-password.json");
    t.handle(event).await.unwrap();
    let (page, _) = RosterRepo::new(t.store.as_ref())
        .list("acme", 10, None)
        .await
        .unwrap();
    assert!(page.is_empty());
}
