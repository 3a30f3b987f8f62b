use chrono::Duration;
use chrono::{DateTime, Utc};
use domain::exam::{Attempt, AttemptStatus};

use domain::exam::Scoring;
use domain::exam::*;
use embedded_adapters::SqliteStore;

pub(super) fn store() -> SqliteStore {
    SqliteStore::open(&testkit::temp_dir("attempts").join("t.sqlite3")).unwrap()
}

pub(super) fn at(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).unwrap() + Duration::minutes(minute)
}

/// 30 minutes with a 30 s grace, started at `minute`.
pub(super) fn started(uid: &str, minute: i64) -> Attempt {
    Attempt::start(
        uid,
        None,
        Vec::new(),
        at(minute),
        Duration::minutes(30),
        Duration::seconds(30),
        Scoring::AllOrNothing,
    )
}

#[tokio::test]
async fn a_second_start_returns_the_first_attempt() {
    let store = store();
    let repo = AttemptRepo::new(&store);
    let (first, created) = repo.create_once(started("u1", 0)).await.unwrap();
    assert!(created);
    let (again, created) = repo.create_once(started("u1", 5)).await.unwrap();
    assert!(!created);
    assert_eq!(again.started_at, first.started_at);
}

#[tokio::test]
async fn overdue_attempts_are_finalised_once_by_read_or_sweep() {
    let store = store();
    let repo = AttemptRepo::new(&store);
    for (uid, minute) in [("early", 0), ("late", 20)] {
        repo.create_once(started(uid, minute)).await.unwrap();
    }
    // 31 minutes in: only `early` (closing at 30:30) is overdue.
    assert_eq!(repo.finalise_overdue(at(31), 10).await.unwrap(), 1);
    assert_eq!(repo.finalise_overdue(at(31), 10).await.unwrap(), 0);
    let early = repo.get("early").await.unwrap().unwrap();
    assert_eq!(early.status, AttemptStatus::Submitted);
    assert_eq!(early.submitted_at, Some(at(30)));
    // Reading `late` after its deadline finalises it on the spot.
    let late = repo.current("late", at(60)).await.unwrap().unwrap();
    assert_eq!(late.status, AttemptStatus::Submitted);
    let (ranked, _) = repo.list(AttemptStatus::Submitted, 10, None).await.unwrap();
    assert_eq!(ranked.len(), 2);
    let (open, _) = repo
        .list(AttemptStatus::InProgress, 10, None)
        .await
        .unwrap();
    assert!(open.is_empty());
}

#[tokio::test]
async fn concurrent_changes_all_land_in_turn() {
    let store = std::sync::Arc::new(store());
    AttemptRepo::new(store.as_ref())
        .create_once(started("u1", 0))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            AttemptRepo::new(store.as_ref())
                .change("u1", at(1), |a| {
                    a.version += 1;
                    Ok(())
                })
                .await
        }));
    }
    let mut landed = 0;
    for t in tasks {
        landed += usize::from(t.await.unwrap().is_ok());
    }
    let final_version = AttemptRepo::new(store.as_ref())
        .get("u1")
        .await
        .unwrap()
        .unwrap()
        .version;
    // Each write re-reads on conflict, so none is lost and none overwrites another.
    assert_eq!(landed, 4);
    assert_eq!(final_version, 5);
}
