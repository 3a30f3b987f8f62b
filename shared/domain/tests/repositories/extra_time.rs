//! Extra time on the real store: a grant before the start is there when it starts, a grant
//! during the attempt moves its deadline and the sweep waits for it, a grant racing the start
//! always ends up on the attempt, identical grants at once take effect once, and an erasure
//! takes the grant with it.

use std::sync::Arc;

use domain::applicant::ApplicantRepo;
use domain::exam::{Attempt, AttemptRepo, AttemptStatus, ExtraTimeDraft, ExtraTimeRepo};
use domain::refusal::RefusalKind;
use embedded_adapters::SqliteStore;

use super::applicants::details;
use super::attempts::{at, started, store};

fn grant(minutes: u32) -> ExtraTimeDraft {
    ExtraTimeDraft {
        minutes,
        reason: "Dyslexia: 50% extra".into(),
    }
}

async fn applicant(store: &SqliteStore, uid: &str) {
    ApplicantRepo::new(store)
        .save_details(uid, &details("Sita"), at(0))
        .await
        .unwrap();
}

/// Starts `uid`'s attempt at `minute` as the start handler does: create, then apply the grant.
async fn start(store: &SqliteStore, uid: &str, minute: i64) -> Attempt {
    let (attempt, _) = AttemptRepo::new(store)
        .create_once(started(uid, minute))
        .await
        .unwrap();
    ExtraTimeRepo::new(store)
        .apply(attempt, at(minute))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_grant_before_the_start_is_there_when_it_starts() {
    let store = store();
    let grants = ExtraTimeRepo::new(&store);
    // Nobody by that uid: nothing to grant to.
    let unknown = grants
        .grant("u1", &grant(15), "rec", at(0))
        .await
        .unwrap_err();
    assert_eq!(unknown.refused().kind, RefusalKind::NotFound);
    applicant(&store, "u1").await;
    let (held, attempt) = grants.grant("u1", &grant(15), "rec", at(0)).await.unwrap();
    assert_eq!((held.minutes, attempt), (15, None));
    let attempt = start(&store, "u1", 5).await;
    assert_eq!(attempt.extra_minutes, 15);
    assert_eq!(attempt.deadline, at(5 + 30 + 15));
    assert_eq!(
        AttemptRepo::new(&store).get("u1").await.unwrap(),
        Some(attempt)
    );
}

#[tokio::test]
async fn a_grant_during_the_attempt_moves_the_deadline_and_the_sweep_waits() {
    let store = store();
    let repo = AttemptRepo::new(&store);
    start(&store, "u1", 0).await;
    let grants = ExtraTimeRepo::new(&store);
    let (_, moved) = grants.grant("u1", &grant(20), "rec", at(10)).await.unwrap();
    assert_eq!(moved.unwrap().deadline, at(50));
    // Past the policy's 30 minutes, not past the grant's 50.
    assert_eq!(repo.finalise_overdue(at(31), 10).await.unwrap(), 0);
    assert_eq!(repo.finalise_overdue(at(50), 10).await.unwrap(), 0);
    // Taking time back that already ran is refused; taking back what is left is not.
    let refused = grants
        .grant("u1", &grant(0), "rec", at(40))
        .await
        .unwrap_err()
        .refused();
    assert_eq!(refused.kind, RefusalKind::Conflict);
    assert!(
        refused
            .detail
            .ends_with("grant at least 10 to keep it running"),
        "{}",
        refused.detail
    );
    let (_, moved) = grants.grant("u1", &grant(12), "rec", at(40)).await.unwrap();
    assert_eq!(moved.unwrap().deadline, at(42));
    assert_eq!(repo.finalise_overdue(at(43), 10).await.unwrap(), 1);
    let over = repo.get("u1").await.unwrap().unwrap();
    assert_eq!(
        (over.status, over.submitted_at),
        (AttemptStatus::Submitted, Some(at(42)))
    );
    // Once over, a grant changes nothing.
    let refused = grants
        .grant("u1", &grant(60), "rec", at(44))
        .await
        .unwrap_err();
    assert_eq!(refused.refused().kind, RefusalKind::Conflict);
    assert_eq!(grants.get("u1").await.unwrap().minutes, 12);
}

#[tokio::test]
async fn a_grant_racing_the_start_always_ends_up_on_the_attempt() {
    let store = Arc::new(store());
    let uids: Vec<String> = (0..12).map(|i| format!("racer-{i}")).collect();
    for uid in &uids {
        applicant(&store, uid).await;
    }
    let mut tasks = Vec::new();
    for uid in uids.clone() {
        let (a, b) = (store.clone(), store.clone());
        let u = uid.clone();
        tasks.push(tokio::spawn(async move {
            start(&a, &u, 1).await;
        }));
        tasks.push(tokio::spawn(async move {
            ExtraTimeRepo::new(b.as_ref())
                .grant(&uid, &grant(25), "rec", at(1))
                .await
                .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    for uid in &uids {
        let attempt = AttemptRepo::new(store.as_ref())
            .get(uid)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (attempt.extra_minutes, attempt.deadline),
            (25, at(1 + 30 + 25)),
            "{uid}"
        );
    }
}

#[tokio::test]
async fn twenty_identical_grants_at_once_take_effect_once() {
    let store = Arc::new(store());
    start(&store, "u1", 0).await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            ExtraTimeRepo::new(store.as_ref())
                .grant("u1", &grant(10), "rec", at(5))
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        let (held, _) = t.await.unwrap();
        assert_eq!(held.minutes, 10);
    }
    let held = ExtraTimeRepo::new(store.as_ref()).get("u1").await.unwrap();
    assert_eq!(held.changes.len(), 1, "audited once");
    let attempt = AttemptRepo::new(store.as_ref())
        .get("u1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(attempt.deadline, at(40), "moved once");
}

#[tokio::test]
async fn an_erasure_takes_the_grant_and_no_grant_follows_it() {
    let store = store();
    applicant(&store, "u1").await;
    let grants = ExtraTimeRepo::new(&store);
    grants.grant("u1", &grant(15), "rec", at(0)).await.unwrap();
    assert!(ApplicantRepo::new(&store).erase("u1", at(1)).await.unwrap());
    assert_eq!(
        grants.get("u1").await.unwrap().version,
        0,
        "the reason went too"
    );
    let refused = grants
        .grant("u1", &grant(15), "rec", at(2))
        .await
        .unwrap_err();
    assert_eq!(refused.refused().kind, RefusalKind::NotFound);
}
