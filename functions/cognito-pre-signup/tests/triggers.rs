//! cognito-pre-signup tests: the `events/` trigger fixtures through the real handler, on the
//! local directory. The pool makes usernames (UUIDs), so each event names the user it is about
//! by the username the directory made, as Cognito's events do.

use std::sync::Arc;

use cognito_pre_signup::{SignUpPolicy, SinglePool, Triggers};
use domain::clock::ManualClock;
use domain::ports::{DirectoryUser, UserDirectory};
use domain::roster::{EmploymentStatus, Invitation, RosterEntry, RosterRepo, StaffRole};
use embedded_adapters::{LocalDirectory, SqliteStore};
use serde_json::{Value, json};
use testkit::{load, temp_dir};

/// The username the invited-employee fixture (`pre-token-new-password.json`) carries.
const RAM: &str = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
/// Ram's manager on acme's roster.
const RAMS_MANAGER: &str = "1a2b3c4d-0000-4000-8000-acme00000002";

/// The triggers, the directory, and Sita, who signed up by herself.
fn triggers() -> (Triggers, Arc<LocalDirectory>, DirectoryUser) {
    let dir = temp_dir("triggers");
    let directory = Arc::new(LocalDirectory::open(&dir.join("directory.sqlite3")).unwrap());
    let sita = directory
        .sign_up("sita@example.com", "Sita-Pass-123")
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
        sita,
    )
}

/// The fixture `name`, about `user`: their username and sub, as the pool would send it.
fn event_of(name: &str, user: &DirectoryUser) -> Value {
    let mut event = load(name);
    event["userName"] = json!(user.username);
    if event["request"]["userAttributes"].get("sub").is_some() {
        event["request"]["userAttributes"]["sub"] = json!(user.sub);
    }
    event
}

#[tokio::test]
async fn a_plain_self_sign_up_passes_and_is_not_auto_confirmed() {
    let (t, _, _) = triggers();
    let event = load("cognito/pre-signup.json");
    let out = t.handle(event.clone()).await.unwrap();
    assert_eq!(out["response"]["autoConfirmUser"], false);
    assert_eq!(
        out["userName"], event["userName"],
        "the event is echoed back"
    );
}

#[tokio::test]
async fn blocked_domains_and_self_assigned_company_claims_are_refused() {
    let (t, _, _) = triggers();
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
    let (t, directory, sita) = triggers();
    t.handle(event_of("cognito/post-confirmation.json", &sita))
        .await
        .unwrap();
    assert_eq!(
        directory.get_user("sita@example.com").await.unwrap().groups,
        vec!["applicants"]
    );
}

#[tokio::test]
async fn confirmation_through_the_attendance_client_grants_no_group() {
    let (t, directory, sita) = triggers();
    let mut event = event_of("cognito/post-confirmation.json", &sita);
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
        ..testkit::active_staff(
            "acme",
            (RAM, "ram@acme.test"),
            StaffRole::Employee,
            Some(RAMS_MANAGER),
            invited_at(),
        )
    };
    let invitation = Invitation::new(RAM, "acme", RAMS_MANAGER, invited_at());
    RosterRepo::new(t.store.as_ref())
        .invite(&entry, &invitation)
        .await
        .unwrap();
}

#[tokio::test]
async fn setting_the_first_password_activates_an_invited_employee_once() {
    let (t, _, _) = triggers();
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
    confirmed["userName"] = json!(RAM);
    confirmed["callerContext"]["clientId"] = json!("attendance-portal");
    t.handle(confirmed).await.unwrap();
    let roster = RosterRepo::new(t.store.as_ref());
    let ram = roster.get("acme", RAM).await.unwrap().unwrap();
    assert_eq!(ram.status, EmploymentStatus::Active);
    assert_eq!(ram.sub, RAM, "the pool's sub, which is its username");
    assert_eq!(ram.version, 2, "activated once");
    assert_eq!(roster.invitation(RAM, invited_at()).await.unwrap(), None);
}

#[tokio::test]
async fn a_new_password_without_an_invitation_changes_nothing() {
    let (t, _, _) = triggers();
    let event = load("cognito/pre-token-new-password.json");
    t.handle(event).await.unwrap();
    let (page, _) = RosterRepo::new(t.store.as_ref())
        .list("acme", 10, None)
        .await
        .unwrap();
    assert!(page.is_empty());
}

/// Counts the WARN and ERROR events logged while it is the thread's subscriber.
#[derive(Clone, Default)]
struct Warnings(Arc<std::sync::atomic::AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Warnings {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if *event.metadata().level() <= tracing::Level::WARN {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

#[tokio::test]
async fn an_ordinary_sign_in_runs_the_token_trigger_quietly() {
    use tracing_subscriber::layer::SubscriberExt;
    let (t, _, _) = triggers();
    let warnings = Warnings::default();
    let _quiet =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(warnings.clone()));
    for source in [
        "TokenGeneration_Authentication",
        "TokenGeneration_HostedAuth",
        "TokenGeneration_RefreshTokens",
    ] {
        let mut event = load("cognito/pre-token-authentication.json");
        event["triggerSource"] = json!(source);
        let out = t.handle(event.clone()).await.unwrap();
        assert_eq!(
            out["response"], event["response"],
            "{source}: claims as they are"
        );
    }
    assert_eq!(
        warnings.0.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "every sign-in would log a warning"
    );
}
