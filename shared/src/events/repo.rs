//! Events in the item store: one partition per company, sorted by `YYYY-MM-DD#id`, so a month is
//! `begins_with("YYYY-MM-")`, a date range is a `BETWEEN`, and no query can reach another company.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{Event, EventDraft, iso_date};
use super::month::Month;
use crate::failure::Failure;
use crate::ports::{Condition, Item, ItemStore, Key, Query, SortCondition, StoreError, Table};
use crate::refusal::Refusal;

/// Items read per page while collecting a whole month or range.
const PAGE: usize = 100;

/// The stored item: snake_case attributes, with the table's key.
#[derive(Serialize, Deserialize)]
struct Stored {
    company_id: String,
    date_id: String,
    id: String,
    date: NaiveDate,
    title: String,
    holiday: bool,
    created_by: String,
    created_at: DateTime<Utc>,
}

fn to_item(e: &Event) -> Result<Item, StoreError> {
    let stored = Stored {
        company_id: e.company_id.clone(),
        date_id: e.date_id(),
        id: e.id.clone(),
        date: e.date,
        title: e.title.clone(),
        holiday: e.holiday,
        created_by: e.created_by.clone(),
        created_at: e.created_at,
    };
    match serde_json::to_value(stored) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Ok(Item::new()),
        Err(e) => Err(StoreError::Invalid(format!("event: {e}"))),
    }
}

fn from_item(item: Item) -> Result<Event, StoreError> {
    let s: Stored = serde_json::from_value(Value::Object(item))
        .map_err(|e| StoreError::Invalid(format!("stored event: {e}")))?;
    Ok(Event {
        id: s.id,
        company_id: s.company_id,
        date: s.date,
        title: s.title,
        holiday: s.holiday,
        created_by: s.created_by,
        created_at: s.created_at,
    })
}

/// Event storage on the item-store port.
pub struct EventRepo<'a> {
    store: &'a dyn ItemStore,
}

impl<'a> EventRepo<'a> {
    pub fn new(store: &'a dyn ItemStore) -> Self {
        EventRepo { store }
    }

    /// Puts a validated draft on the company's calendar under the new `id`.
    pub async fn create(
        &self,
        company_id: &str,
        id: String,
        draft: EventDraft,
        created_by: &str,
        at: DateTime<Utc>,
    ) -> Result<Event, StoreError> {
        let event = Event {
            id,
            company_id: company_id.to_string(),
            date: draft.date,
            title: draft.title,
            holiday: draft.holiday,
            created_by: created_by.to_string(),
            created_at: at,
        };
        self.store
            .put(Table::Events, to_item(&event)?, Condition::Absent)
            .await?;
        Ok(event)
    }

    /// Every event of the company in `month`, by date.
    pub async fn list_month(
        &self,
        company_id: &str,
        month: Month,
    ) -> Result<Vec<Event>, StoreError> {
        self.all(company_id, SortCondition::BeginsWith(month.key_prefix()))
            .await
    }

    /// Removes the company's event `id` on `date`; not found when the company has no such event
    /// (another company's event is simply not in this partition).
    pub async fn delete(&self, company_id: &str, date: NaiveDate, id: &str) -> Result<(), Failure> {
        let key = Key::with_sort(company_id, format!("{}#{id}", iso_date(date)));
        match self
            .store
            .delete(Table::Events, &key, Condition::Present)
            .await
        {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed) => Err(Refusal::not_found("no such event").into()),
            Err(e) => Err(e.into()),
        }
    }

    /// The company's holidays from `from` to `to`, both included.
    pub async fn holidays_between(
        &self,
        company_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<BTreeSet<NaiveDate>, StoreError> {
        if from > to {
            return Ok(BTreeSet::new());
        }
        // `$` sorts right after `#`, so `to$` bounds every `to#id` and stays below the next day.
        let range = SortCondition::Between(iso_date(from), format!("{}$", iso_date(to)));
        Ok(self
            .all(company_id, range)
            .await?
            .into_iter()
            .filter(|e| e.holiday)
            .map(|e| e.date)
            .collect())
    }

    async fn all(&self, company_id: &str, sort: SortCondition) -> Result<Vec<Event>, StoreError> {
        let mut events = Vec::new();
        let mut cursor = None;
        loop {
            let query = Query::partition(company_id)
                .sort(sort.clone())
                .limit(PAGE)
                .after(cursor);
            let page = self.store.query(Table::Events, &query).await?;
            for item in page.items {
                events.push(from_item(item)?);
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(events),
            }
        }
    }
}

#[cfg(all(test, feature = "embedded"))]
mod tests {
    use super::*;
    use crate::adapters::embedded::SqliteStore;
    use crate::refusal::RefusalKind;

    fn store() -> SqliteStore {
        SqliteStore::open(&crate::fixtures::temp_dir("events").join("t.sqlite3")).unwrap()
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
}
