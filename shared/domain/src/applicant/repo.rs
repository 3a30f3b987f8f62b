//! Applicants in the item store: one row per applicant keyed by their Cognito `sub`, listed
//! newest first through the `roster` index, and changed only by versioned writes so a details
//! update and a CV request arriving together both land.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Details;
use super::erasure::{self, ApplicantRow};
use crate::calendar::sortable;
use crate::failure::Failure;
use crate::ports::{Condition, Cursor, Item, ItemStore, Key, Query, StoreError, Table};

/// Partition of the `roster` index that holds every applicant.
const ROSTER: &str = "applicants";

/// Attempts to write a change before giving up on a busy row.
const WRITE_ATTEMPTS: usize = 5;

/// An applicant's row (Applicants item; snake_case attributes, details as one map).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    /// Cognito `sub`.
    pub uid: String,
    pub details: Details,
    /// Blob key of the CV, once an upload URL was issued.
    #[serde(default)]
    pub resume_key: Option<String>,
    #[serde(default)]
    pub resume_requested_at: Option<DateTime<Utc>>,
    /// When the details were first written: the applicant's place in the roster.
    pub created_at: DateTime<Utc>,
    /// When the details were last written.
    pub updated_at: DateTime<Utc>,
    /// Bumped by every write, the optimistic-concurrency token.
    pub version: u64,
}

/// Sort key in the `roster` index: sign-up time, then uid so equal instants stay distinct.
fn joined(a: &Applicant) -> String {
    format!("{}#{}", sortable(a.created_at), a.uid)
}

fn to_item(a: &Applicant) -> Result<Item, StoreError> {
    let mut item = match serde_json::to_value(a) {
        Ok(Value::Object(map)) => map,
        Ok(_) => Item::new(),
        Err(e) => return Err(StoreError::Invalid(format!("applicant: {e}"))),
    };
    item.insert("roster".into(), ROSTER.into());
    item.insert("joined".into(), joined(a).into());
    Ok(item)
}

pub(super) fn from_item(mut item: Item) -> Result<Applicant, StoreError> {
    item.remove("roster");
    item.remove("joined");
    serde_json::from_value(Value::Object(item))
        .map_err(|e| StoreError::Invalid(format!("stored applicant: {e}")))
}

/// Applicant storage on the item-store port.
pub struct ApplicantRepo<'a> {
    pub(super) store: &'a dyn ItemStore,
}

impl<'a> ApplicantRepo<'a> {
    pub fn new(store: &'a dyn ItemStore) -> Self {
        ApplicantRepo { store }
    }

    /// What the table holds under `uid`: nothing, the applicant, or the mark of their erasure.
    pub async fn read(&self, uid: &str) -> Result<ApplicantRow, StoreError> {
        self.store
            .get(Table::Applicants, &Key::of(uid))
            .await?
            .map_or(Ok(ApplicantRow::Absent), erasure::row_from_item)
    }

    /// The applicant's row, if they have filled in their details (and were not erased).
    pub async fn get(&self, uid: &str) -> Result<Option<Applicant>, StoreError> {
        Ok(match self.read(uid).await? {
            ApplicantRow::Held(a) => Some(*a),
            ApplicantRow::Absent | ApplicantRow::Erased { .. } => None,
        })
    }

    /// The applicant's row for their own requests: `None` before the details are filled in,
    /// refused as `Gone` once they were erased (their token outlives them).
    pub async fn live(&self, uid: &str) -> Result<Option<Applicant>, Failure> {
        match self.read(uid).await? {
            ApplicantRow::Held(a) => Ok(Some(*a)),
            ApplicantRow::Absent => Ok(None),
            ApplicantRow::Erased { .. } => Err(erasure::erased_refusal().into()),
        }
    }

    /// Writes `next(current)` (nothing when it gives `None`), conditional on the row being as
    /// read; re-reads and re-applies when a concurrent write got there first. An erased
    /// applicant's row is never written again ([`ApplicantRepo::live`]).
    async fn change(
        &self,
        uid: &str,
        next: impl Fn(Option<Applicant>) -> Option<Applicant>,
    ) -> Result<Option<Applicant>, Failure> {
        for _ in 0..WRITE_ATTEMPTS {
            let current = self.live(uid).await?;
            let condition = match &current {
                Some(a) => Condition::equals("version", a.version),
                None => Condition::Absent,
            };
            let Some(changed) = next(current) else {
                return Ok(None);
            };
            match self
                .store
                .put(Table::Applicants, to_item(&changed)?, condition)
                .await
            {
                Ok(()) => return Ok(Some(changed)),
                Err(StoreError::ConditionFailed) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::ConditionFailed.into())
    }

    /// Replaces the applicant's details at `now`, keeping their sign-up time and CV; returns
    /// the row and whether this created it.
    pub async fn save_details(
        &self,
        uid: &str,
        details: &Details,
        now: DateTime<Utc>,
    ) -> Result<(Applicant, bool), Failure> {
        let saved = self
            .change(uid, |current| {
                Some(match current {
                    Some(a) => Applicant {
                        details: details.clone(),
                        updated_at: now,
                        version: a.version + 1,
                        ..a
                    },
                    None => Applicant {
                        uid: uid.to_string(),
                        details: details.clone(),
                        resume_key: None,
                        resume_requested_at: None,
                        created_at: now,
                        updated_at: now,
                        version: 1,
                    },
                })
            })
            .await?
            .ok_or(Failure::Store(StoreError::ConditionFailed))?;
        let created = saved.version == 1;
        Ok((saved, created))
    }

    /// Records that a CV upload under `key` was offered at `now`; `None` when the applicant has
    /// no row yet (details come first).
    pub async fn record_resume_request(
        &self,
        uid: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Applicant>, Failure> {
        self.change(uid, |current| {
            current.map(|a| Applicant {
                resume_key: Some(key.to_string()),
                resume_requested_at: Some(now),
                version: a.version + 1,
                ..a
            })
        })
        .await
    }

    /// One page of applicants, newest first.
    pub async fn newest(
        &self,
        limit: usize,
        cursor: Option<Cursor>,
    ) -> Result<(Vec<Applicant>, Option<Cursor>), StoreError> {
        let query = Query::index("roster", ROSTER)
            .descending()
            .limit(limit)
            .after(cursor);
        let page = self.store.query(Table::Applicants, &query).await?;
        let applicants = page
            .items
            .into_iter()
            .map(from_item)
            .collect::<Result<_, _>>()?;
        Ok((applicants, page.next))
    }
}
