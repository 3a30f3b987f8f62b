//! Applicants in the item store: one row per applicant keyed by their Cognito `sub`, listed
//! newest first through the `roster` index, and changed only by versioned writes so a details
//! update and a CV request arriving together both land.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Details;
use crate::exam::sortable;
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

fn from_item(mut item: Item) -> Result<Applicant, StoreError> {
    item.remove("roster");
    item.remove("joined");
    serde_json::from_value(Value::Object(item))
        .map_err(|e| StoreError::Invalid(format!("stored applicant: {e}")))
}

/// Applicant storage on the item-store port.
pub struct ApplicantRepo<'a> {
    store: &'a dyn ItemStore,
}

impl<'a> ApplicantRepo<'a> {
    pub fn new(store: &'a dyn ItemStore) -> Self {
        ApplicantRepo { store }
    }

    /// The applicant's row, if they have filled in their details.
    pub async fn get(&self, uid: &str) -> Result<Option<Applicant>, StoreError> {
        self.store
            .get(Table::Applicants, &Key::of(uid))
            .await?
            .map(from_item)
            .transpose()
    }

    /// Writes `next(current)` (nothing when it gives `None`), conditional on the row being as
    /// read; re-reads and re-applies when a concurrent write got there first.
    async fn change(
        &self,
        uid: &str,
        next: impl Fn(Option<Applicant>) -> Option<Applicant>,
    ) -> Result<Option<Applicant>, StoreError> {
        for _ in 0..WRITE_ATTEMPTS {
            let current = self.get(uid).await?;
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
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::ConditionFailed)
    }

    /// Replaces the applicant's details at `now`, keeping their sign-up time and CV; returns
    /// the row and whether this created it.
    pub async fn save_details(
        &self,
        uid: &str,
        details: &Details,
        now: DateTime<Utc>,
    ) -> Result<(Applicant, bool), StoreError> {
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
            .ok_or(StoreError::ConditionFailed)?;
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
    ) -> Result<Option<Applicant>, StoreError> {
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

#[cfg(all(test, feature = "embedded"))]
mod tests {
    use std::sync::Arc;

    use chrono::Duration;

    use super::*;
    use crate::adapters::embedded::SqliteStore;
    use crate::applicant::{Availability, Commitment};

    fn store() -> SqliteStore {
        SqliteStore::open(&crate::fixtures::temp_dir("applicants").join("t.sqlite3")).unwrap()
    }

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap() + Duration::minutes(minute)
    }

    fn details(first_name: &str) -> Details {
        Details {
            first_name: first_name.into(),
            last_name: "Rai".into(),
            email: None,
            phone: "+9779812345678".into(),
            education: Vec::new(),
            availability: Availability {
                start_date: "2026-12-01".into(),
                commitment: Commitment::FullTime,
            },
        }
    }

    #[tokio::test]
    async fn saving_again_replaces_the_details_and_keeps_the_cv_and_sign_up_time() {
        let store = store();
        let repo = ApplicantRepo::new(&store);
        let (first, created) = repo
            .save_details("u1", &details("Sita"), at(0))
            .await
            .unwrap();
        assert!(created);
        repo.record_resume_request("u1", "resumes/u1/cv.pdf", at(1))
            .await
            .unwrap()
            .unwrap();
        let (second, created) = repo
            .save_details("u1", &details("Gita"), at(2))
            .await
            .unwrap();
        assert!(!created);
        assert_eq!(second.details.first_name, "Gita");
        assert_eq!(second.created_at, first.created_at);
        assert_eq!(second.updated_at, at(2));
        assert_eq!(second.resume_key.as_deref(), Some("resumes/u1/cv.pdf"));
        assert_eq!(second.version, 3);
        assert_eq!(repo.get("u1").await.unwrap(), Some(second));
    }

    #[tokio::test]
    async fn a_cv_request_without_details_writes_nothing() {
        let store = store();
        let repo = ApplicantRepo::new(&store);
        assert_eq!(
            repo.record_resume_request("u1", "resumes/u1/cv.pdf", at(0))
                .await
                .unwrap(),
            None
        );
        assert_eq!(repo.get("u1").await.unwrap(), None);
    }

    #[tokio::test]
    async fn concurrent_writes_all_land() {
        let store = Arc::new(store());
        ApplicantRepo::new(store.as_ref())
            .save_details("u1", &details("Sita"), at(0))
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for n in 0..4 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let repo = ApplicantRepo::new(store.as_ref());
                if n % 2 == 0 {
                    repo.save_details("u1", &details("Gita"), at(n))
                        .await
                        .map(|_| ())
                } else {
                    repo.record_resume_request("u1", "resumes/u1/cv.pdf", at(n))
                        .await
                        .map(|_| ())
                }
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let stored = ApplicantRepo::new(store.as_ref())
            .get("u1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.version, 5, "no write overwrote another");
        assert_eq!(stored.resume_key.as_deref(), Some("resumes/u1/cv.pdf"));
    }

    #[tokio::test]
    async fn the_roster_lists_newest_first_in_pages() {
        let store = store();
        let repo = ApplicantRepo::new(&store);
        for (n, uid) in ["a", "b", "c"].into_iter().enumerate() {
            repo.save_details(uid, &details(uid), at(n as i64))
                .await
                .unwrap();
        }
        let (page, next) = repo.newest(2, None).await.unwrap();
        let uids: Vec<_> = page.iter().map(|a| a.uid.as_str()).collect();
        assert_eq!(uids, ["c", "b"]);
        let (rest, next) = repo.newest(2, next).await.unwrap();
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].uid, "a");
        assert_eq!(next, None);
    }
}
