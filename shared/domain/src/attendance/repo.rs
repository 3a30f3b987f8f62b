//! Attendance in the item store: a day is created once by its check-in, closed once by its
//! check-out (a versioned write), read by month with key-prefix queries; refused punches are
//! kept apart from days, so they never count as attendance.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use super::record::{AttendanceDay, Punch, PunchKind, person_key};
use crate::ports::{Condition, Item, ItemStore, Key, Query, SortCondition, StoreError, Table};

/// Attendance storage on the item-store port.
pub struct AttendanceRepo<'a> {
    store: &'a dyn ItemStore,
}

fn item(day: &AttendanceDay) -> Item {
    match serde_json::to_value(day) {
        Ok(Value::Object(map)) => map,
        _ => Item::new(),
    }
}

fn day_from(item: Item) -> Result<AttendanceDay, StoreError> {
    serde_json::from_value(Value::Object(item))
        .map_err(|e| StoreError::Invalid(format!("stored attendance day: {e}")))
}

fn date_key(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Pages through a whole query (a month is at most a few thousand rows).
async fn all(store: &dyn ItemStore, query: Query) -> Result<Vec<AttendanceDay>, StoreError> {
    let mut days = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .query(Table::Attendance, &query.clone().limit(500).after(cursor))
            .await?;
        for item in page.items {
            days.push(day_from(item)?);
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(days),
        }
    }
}

impl<'a> AttendanceRepo<'a> {
    pub fn new(store: &'a dyn ItemStore) -> Self {
        AttendanceRepo { store }
    }

    pub async fn day(
        &self,
        company_id: &str,
        username: &str,
        date: NaiveDate,
    ) -> Result<Option<AttendanceDay>, StoreError> {
        self.store
            .get(
                Table::Attendance,
                &Key::with_sort(person_key(company_id, username), date_key(date)),
            )
            .await?
            .map(day_from)
            .transpose()
    }

    /// Opens the day; `ConditionFailed` if it already has a check-in.
    pub async fn check_in(&self, day: &AttendanceDay) -> Result<(), StoreError> {
        self.store
            .put(Table::Attendance, item(day), Condition::Absent)
            .await
    }

    /// Closes `day` (as read) with `punch`; `ConditionFailed` if it changed meanwhile.
    pub async fn check_out(
        &self,
        day: &AttendanceDay,
        punch: Punch,
    ) -> Result<AttendanceDay, StoreError> {
        let closed = AttendanceDay {
            check_out: Some(punch),
            open_on: None,
            version: day.version + 1,
            ..day.clone()
        };
        self.store
            .put(
                Table::Attendance,
                item(&closed),
                Condition::equals("version", day.version),
            )
            .await?;
        Ok(closed)
    }

    /// One person's days of `month` (`YYYY-MM`), by date.
    pub async fn person_month(
        &self,
        company_id: &str,
        username: &str,
        month: &str,
    ) -> Result<Vec<AttendanceDay>, StoreError> {
        let query = Query::partition(person_key(company_id, username))
            .sort(SortCondition::BeginsWith(format!("{month}-")));
        all(self.store, query).await
    }

    /// The whole company's days of `month`, by person then date.
    pub async fn company_month(
        &self,
        company_id: &str,
        month: &str,
    ) -> Result<Vec<AttendanceDay>, StoreError> {
        let query = Query::index("company_month", format!("{company_id}#{month}"));
        all(self.store, query).await
    }

    /// Every company's days of local work date `date` checked in and not yet out. The dates of
    /// companies in different zones differ, so callers check the company's own calendar.
    pub async fn open_on(&self, date: NaiveDate) -> Result<Vec<AttendanceDay>, StoreError> {
        all(self.store, Query::index("open", date_key(date))).await
    }

    /// Keeps a refused punch (no face match, bad photo) for audit, apart from the days.
    pub async fn record_refusal(
        &self,
        company_id: &str,
        username: &str,
        kind: PunchKind,
        at: DateTime<Utc>,
        reason: &str,
        similarity: Option<f32>,
    ) -> Result<(), StoreError> {
        let mut refusal = Item::new();
        refusal.insert("person".into(), person_key(company_id, username).into());
        // Not a date: month prefixes (`2026-11-`) never match it.
        refusal.insert(
            "work_date".into(),
            format!(
                "refused#{}#{}",
                at.to_rfc3339(),
                uuid::Uuid::new_v4().simple()
            )
            .into(),
        );
        refusal.insert("kind".into(), json!(kind));
        refusal.insert("reason".into(), reason.into());
        refusal.insert("similarity".into(), json!(similarity));
        refusal.insert("at".into(), json!(at));
        self.store
            .put(Table::Attendance, refusal, Condition::Absent)
            .await
    }
}
