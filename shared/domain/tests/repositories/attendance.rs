use chrono::{DateTime, NaiveDate, Utc};
use domain::attendance::*;
use domain::attendance::{AttendanceDay, Punch, PunchKind};
use domain::ports::StoreError;
use embedded_adapters::SqliteStore;

fn punch(at: &str) -> Punch {
    Punch {
        at: DateTime::parse_from_rfc3339(at)
            .unwrap()
            .with_timezone(&Utc),
        similarity: 90.0,
        photo_key: "p".into(),
    }
}

#[tokio::test]
async fn a_day_opens_once_closes_once_and_months_never_mix() {
    let store = SqliteStore::open(&testkit::temp_dir("att").join("t.db")).unwrap();
    let repo = AttendanceRepo::new(&store);
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let day = AttendanceDay::checked_in(
        "acme",
        "ram",
        d("2026-11-24"),
        punch("2026-11-24T03:00:00Z"),
    );
    repo.check_in(&day).await.unwrap();
    assert_eq!(repo.check_in(&day).await, Err(StoreError::ConditionFailed));
    let closed = repo
        .check_out(&day, punch("2026-11-24T11:00:00Z"))
        .await
        .unwrap();
    assert_eq!(
        repo.check_out(&day, punch("2026-11-24T12:00:00Z"))
            .await
            .unwrap_err(),
        StoreError::ConditionFailed,
        "a second check-out against the same read loses"
    );
    assert_eq!(
        repo.day("acme", "ram", d("2026-11-24")).await.unwrap(),
        Some(closed)
    );
    for (company, user, date) in [
        ("acme", "ram", "2026-12-01"),
        ("acme", "sita", "2026-11-02"),
        ("globex", "ram", "2026-11-03"),
    ] {
        let other =
            AttendanceDay::checked_in(company, user, d(date), punch("2026-11-24T03:00:00Z"));
        repo.check_in(&other).await.unwrap();
    }
    repo.record_refusal(
        "acme",
        "ram",
        PunchKind::CheckIn,
        "2026-11-24T03:30:00Z".parse().unwrap(),
        "no match",
        Some(12.0),
    )
    .await
    .unwrap();
    assert_eq!(
        repo.person_month("acme", "ram", "2026-11")
            .await
            .unwrap()
            .len(),
        1
    );
    let month = repo.company_month("acme", "2026-11").await.unwrap();
    let people: Vec<&str> = month.iter().map(|d| d.username.as_str()).collect();
    assert_eq!(people, ["ram", "sita"]);
}
