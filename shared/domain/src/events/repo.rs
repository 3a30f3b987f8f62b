//! Events in the item store: one partition per company, sorted by `YYYY-MM-DD#id`, so a month is
//! `begins_with("YYYY-MM-")`, a date range is a `BETWEEN`, and no query can reach another company.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{Event, EventDraft};
use super::month::Month;
use crate::calendar::iso_date;
use crate::failure::Failure;
use crate::ports::{Condition, Item, ItemStore, Key, Query, SortCondition, StoreError, Table};
use crate::refusal::Refusal;

/// Items read per page while collecting a whole month or range.
pub const PAGE: usize = 100;

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
