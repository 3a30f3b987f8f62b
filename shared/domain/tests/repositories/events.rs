use chrono::{DateTime, NaiveDate, Utc};
use domain::events::Month;
use domain::events::*;
use domain::events::{Event, EventDraft};
use domain::refusal::RefusalKind;
use embedded_adapters::SqliteStore;
use std::collections::BTreeSet;

fn store() -> SqliteStore {
    SqliteStore::open(&testkit::temp_dir("events").join("t.sqlite3")).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn draft(date: NaiveDate, title: &str, holiday: bool) -> EventDraft {
    EventDraft {
        date,
        title: title.into(),
        holiday,
    }
}

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).unwrap()
}

async fn put(repo: &EventRepo<'_>, company: &str, id: &str, d: EventDraft) -> Event {
    repo.create(company, id.into(), d, "admin", at())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_month_lists_every_event_of_that_month_and_company_only() {
    let store = store();
    let repo = EventRepo::new(&store);
    // More than one page, to prove the listing follows the cursor.
    for i in 0..(PAGE + 5) {
        let d = day(2026, 3, 1 + (i % 31) as u32);
        put(
            &repo,
            "c1",
            &format!("ev-{i:03}"),
            draft(d, "Standup", false),
        )
        .await;
    }
    put(&repo, "c1", "feb", draft(day(2026, 2, 28), "Feb", false)).await;
    put(&repo, "c1", "apr", draft(day(2026, 4, 1), "Apr", false)).await;
    put(
        &repo,
        "c2",
        "other",
        draft(day(2026, 3, 10), "Not yours", true),
    )
    .await;
    let march = Month::parse("month", "2026-03").unwrap();
    let events = repo.list_month("c1", march).await.unwrap();
    assert_eq!(events.len(), PAGE + 5);
    assert!(
        events
            .iter()
            .all(|e| e.company_id == "c1" && march.overlaps(e.date, e.date))
    );
    assert!(events.windows(2).all(|w| w[0].date <= w[1].date), "by date");
    assert_eq!(repo.list_month("c2", march).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_stored_event_reads_back_as_created() {
    let store = store();
    let repo = EventRepo::new(&store);
    let created = put(
        &repo,
        "c1",
        "e1",
        draft(day(2026, 5, 1), "Labour day", true),
    )
    .await;
    let month = Month::of(day(2026, 5, 1)).unwrap();
    assert_eq!(repo.list_month("c1", month).await.unwrap(), vec![created]);
}

#[tokio::test]
async fn delete_removes_only_the_companys_own_event() {
    let store = store();
    let repo = EventRepo::new(&store);
    let d = day(2026, 12, 25);
    put(&repo, "c1", "e1", draft(d, "Christmas", true)).await;
    let err = repo.delete("c2", d, "e1").await.unwrap_err().refused();
    assert_eq!(
        err.kind,
        RefusalKind::NotFound,
        "another company's event is not found"
    );
    assert_eq!(
        repo.delete("c1", day(2026, 12, 24), "e1")
            .await
            .unwrap_err()
            .refused()
            .kind,
        RefusalKind::NotFound
    );
    repo.delete("c1", d, "e1").await.unwrap();
    assert_eq!(
        repo.delete("c1", d, "e1").await.unwrap_err().refused().kind,
        RefusalKind::NotFound
    );
    let month = Month::of(d).unwrap();
    assert!(repo.list_month("c1", month).await.unwrap().is_empty());
}

#[tokio::test]
async fn holidays_between_includes_both_ends_and_skips_plain_events() {
    let store = store();
    let repo = EventRepo::new(&store);
    put(&repo, "c1", "a", draft(day(2026, 1, 1), "New year", true)).await;
    put(&repo, "c1", "b", draft(day(2026, 1, 15), "Festival", true)).await;
    put(
        &repo,
        "c1",
        "b2",
        draft(day(2026, 1, 15), "Festival eve party", false),
    )
    .await;
    put(&repo, "c1", "c", draft(day(2026, 1, 20), "Offsite", false)).await;
    put(
        &repo,
        "c1",
        "d",
        draft(day(2026, 1, 31), "Founders' day", true),
    )
    .await;
    put(&repo, "c1", "e", draft(day(2026, 2, 1), "Next month", true)).await;
    put(&repo, "c2", "x", draft(day(2026, 1, 10), "Theirs", true)).await;
    let got = repo
        .holidays_between("c1", day(2026, 1, 1), day(2026, 1, 31))
        .await
        .unwrap();
    assert_eq!(
        got,
        BTreeSet::from([day(2026, 1, 1), day(2026, 1, 15), day(2026, 1, 31)])
    );
    let one = repo
        .holidays_between("c1", day(2026, 1, 15), day(2026, 1, 15))
        .await
        .unwrap();
    assert_eq!(one, BTreeSet::from([day(2026, 1, 15)]));
    let backwards = repo
        .holidays_between("c1", day(2026, 1, 31), day(2026, 1, 1))
        .await
        .unwrap();
    assert!(backwards.is_empty());
}
