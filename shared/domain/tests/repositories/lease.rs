use chrono::{DateTime, Duration};
use domain::idempotency::lease::*;
use domain::ports::StoreError;
use embedded_adapters::SqliteStore;
use serde_json::json;

#[tokio::test]
async fn one_holder_at_a_time_and_done_is_final() {
    let store = SqliteStore::open(&testkit::temp_dir("lease").join("t.sqlite3")).unwrap();
    let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
    let minute = Duration::minutes(1);
    let Begin::Go(first) = begin(&store, "mail#1", now, minute).await.unwrap() else {
        panic!("the first caller gets the lease");
    };
    assert_eq!(
        begin(&store, "mail#1", now, minute).await.unwrap(),
        Begin::Busy
    );
    // The holder died: after the lease runs out, someone else takes over.
    let later = now + Duration::minutes(2);
    let Begin::Go(second) = begin(&store, "mail#1", later, minute).await.unwrap() else {
        panic!("a lapsed lease is taken over");
    };
    // The old holder can no longer finish or release what it lost.
    assert_eq!(
        finish(&store, &first, json!("late"), later).await,
        Err(StoreError::ConditionFailed)
    );
    finish(&store, &second, json!("msg-1"), later)
        .await
        .unwrap();
    assert_eq!(
        begin(&store, "mail#1", later, minute).await.unwrap(),
        Begin::Done
    );
    assert_eq!(
        begin(&store, "mail#1", later + Duration::days(1), minute)
            .await
            .unwrap(),
        Begin::Done
    );
}

#[tokio::test]
async fn a_released_lease_can_be_taken_at_once() {
    let store = SqliteStore::open(&testkit::temp_dir("lease").join("t.sqlite3")).unwrap();
    let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
    let Begin::Go(lease) = begin(&store, "k", now, Duration::minutes(5)).await.unwrap() else {
        panic!("free");
    };
    release(&store, &lease).await.unwrap();
    assert!(matches!(
        begin(&store, "k", now, Duration::minutes(5)).await.unwrap(),
        Begin::Go(_)
    ));
}
