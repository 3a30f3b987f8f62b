use chrono::{DateTime, Utc};
use domain::ports::StoreError;
use domain::roster::{EmploymentStatus, Invitation, RosterEntry};
use std::sync::Arc;

use domain::roster::StaffRole;
use domain::roster::*;
use domain::samples::acme;
use embedded_adapters::SqliteStore;

/// Ram's username, as the pool made it when he was invited.
const RAM: &str = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

fn invited(at: DateTime<Utc>) -> (RosterEntry, Invitation) {
    let entry = RosterEntry {
        status: EmploymentStatus::Invited,
        ..domain::samples::active_staff(
            "acme",
            (RAM, "ram@acme.test"),
            StaffRole::Employee,
            Some(acme::MANAGER),
            at,
        )
    };
    let invitation = Invitation::new(RAM, "acme", acme::ADMIN, at);
    (entry, invitation)
}

#[tokio::test]
async fn an_invitation_is_created_once_and_activates_once_under_races() {
    let store = Arc::new(SqliteStore::open(&testkit::temp_dir("roster").join("t.db")).unwrap());
    let at = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
    let repo = RosterRepo::new(store.as_ref());
    let (entry, invitation) = invited(at);
    repo.invite(&entry, &invitation).await.unwrap();
    assert_eq!(
        repo.invite(&entry, &invitation).await,
        Err(StoreError::ConditionFailed)
    );
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            RosterRepo::new(store.as_ref())
                .activate(RAM, "sub-ram", at)
                .await
                .unwrap()
        }));
    }
    let mut activated = 0;
    for t in tasks {
        match t.await.unwrap() {
            Activation::Activated(e) => {
                activated += 1;
                assert_eq!(e.sub, "sub-ram");
            }
            Activation::AlreadyActive(e) => assert!(e.is_active()),
            Activation::NotInvited => {}
        }
    }
    assert_eq!(activated, 1);
    let now = repo.get("acme", RAM).await.unwrap().unwrap();
    assert_eq!((now.status, now.version), (EmploymentStatus::Active, 2));
    assert_eq!(repo.invitation(RAM, at).await.unwrap(), None);
}

#[tokio::test]
async fn an_expired_invitation_activates_nobody() {
    let store = SqliteStore::open(&testkit::temp_dir("roster").join("t.db")).unwrap();
    let at = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
    let repo = RosterRepo::new(&store);
    let (entry, invitation) = invited(at);
    repo.invite(&entry, &invitation).await.unwrap();
    let late = at + chrono::Duration::days(8);
    assert_eq!(
        repo.activate(RAM, "s", late).await.unwrap(),
        Activation::NotInvited
    );
    assert_eq!(repo.invitation(RAM, late).await.unwrap(), None);
    let still = repo.get("acme", RAM).await.unwrap().unwrap();
    assert_eq!(still.status, EmploymentStatus::Invited);
}
