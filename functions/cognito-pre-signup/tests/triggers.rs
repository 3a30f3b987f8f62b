//! cognito-pre-signup tests: the `events/` trigger fixtures through the real handler, on the
//! local directory.

use std::sync::Arc;

use cognito_pre_signup::{SignUpPolicy, SinglePool, Triggers};
use serde_json::json;
use shared::adapters::embedded::LocalDirectory;
use shared::fixtures::{load, temp_dir};
use shared::ports::UserDirectory;

fn triggers() -> (Triggers, Arc<LocalDirectory>) {
    let directory =
        Arc::new(LocalDirectory::open(&temp_dir("triggers").join("directory.sqlite3")).unwrap());
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
