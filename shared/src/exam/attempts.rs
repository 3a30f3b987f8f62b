//! Attempts in the item store: created once per applicant, changed only by versioned writes
//! while in progress, finalised lazily on read or by the sweep once overdue.
//!
//! The `status` index holds in-progress attempts by closing time (the sweep's query) and
//! submitted ones by score (the recruiters' ranking).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::attempt::{ATTEMPT_ID, Attempt, AttemptStatus, sortable};
use crate::failure::Failure;
use crate::ports::{
    Condition, Cursor, Item, ItemStore, Key, Query, SortCondition, StoreError, Table,
};
use crate::refusal::Refusal;

/// Attempts to write a change before giving up on a busy attempt.
const WRITE_ATTEMPTS: usize = 5;

/// Attempt storage on the item-store port.
pub struct AttemptRepo<'a> {
    store: &'a dyn ItemStore,
}

/// Sort key in the `status` index: closing time while open, score (then uid) once submitted.
fn status_sort(a: &Attempt) -> String {
    match (&a.status, &a.grade) {
        (AttemptStatus::Submitted, Some(g)) => {
            format!("{:010}#{}", (g.score * 100.0).round() as u64, a.uid)
        }
        _ => format!("{}#{}", sortable(a.closes_at()), a.uid),
    }
}

fn to_item(a: &Attempt) -> Result<Item, StoreError> {
    let mut item = match serde_json::to_value(a) {
        Ok(Value::Object(map)) => map,
        Ok(_) => Item::new(),
        Err(e) => return Err(StoreError::Invalid(format!("attempt: {e}"))),
    };
    item.insert("status_sort".into(), status_sort(a).into());
    Ok(item)
}

fn from_item(mut item: Item) -> Result<Attempt, StoreError> {
    item.remove("status_sort");
    serde_json::from_value(Value::Object(item))
        .map_err(|e| StoreError::Invalid(format!("stored attempt: {e}")))
}

fn key(uid: &str) -> Key {
    Key::with_sort(uid, ATTEMPT_ID)
}

impl<'a> AttemptRepo<'a> {
    pub fn new(store: &'a dyn ItemStore) -> Self {
        AttemptRepo { store }
    }

    /// The stored attempt as it is, overdue or not.
    pub async fn get(&self, uid: &str) -> Result<Option<Attempt>, StoreError> {
        self.store
            .get(Table::ExamAttempts, &key(uid))
            .await?
            .map(from_item)
            .transpose()
    }

    /// Stores `attempt` unless the applicant already has one; returns the attempt that holds and
    /// whether it is the one just created.
    pub async fn create_once(&self, attempt: Attempt) -> Result<(Attempt, bool), StoreError> {
        match self
            .store
            .put(Table::ExamAttempts, to_item(&attempt)?, Condition::Absent)
            .await
        {
            Ok(()) => Ok((attempt, true)),
            Err(StoreError::ConditionFailed) => match self.get(&attempt.uid).await? {
                Some(existing) => Ok((existing, false)),
                None => Err(StoreError::Unavailable(
                    "the attempt vanished after a create conflict".into(),
                )),
            },
            Err(e) => Err(e),
        }
    }

    /// Writes `next` if the stored attempt is still in progress at `expected_version`.
    async fn replace(&self, next: &Attempt, expected_version: u64) -> Result<(), StoreError> {
        self.store
            .put(
                Table::ExamAttempts,
                to_item(next)?,
                Condition::Equals(vec![
                    ("version".into(), expected_version.into()),
                    ("status".into(), AttemptStatus::InProgress.as_str().into()),
                ]),
            )
            .await
    }

    /// The attempt as of `now`: one past its deadline and grace is finalised first (lazily; the
    /// sweep does the same for attempts nobody reads).
    pub async fn current(
        &self,
        uid: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Attempt>, StoreError> {
        for _ in 0..WRITE_ATTEMPTS {
            let Some(attempt) = self.get(uid).await? else {
                return Ok(None);
            };
            if !attempt.is_overdue(now) {
                return Ok(Some(attempt));
            }
            let mut expired = attempt.clone();
            expired.expire();
            match self.replace(&expired, attempt.version).await {
                Ok(()) => return Ok(Some(expired)),
                // Someone else finalised (or saved just before) it: read again.
                Err(StoreError::ConditionFailed) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Throttled)
    }

    /// Applies `change` to the applicant's attempt as of `now` and stores it, re-reading and
    /// re-applying when a concurrent write got there first. The rule's refusal is returned as is.
    pub async fn change(
        &self,
        uid: &str,
        now: DateTime<Utc>,
        change: impl Fn(&mut Attempt) -> Result<(), Refusal>,
    ) -> Result<Attempt, Failure> {
        for _ in 0..WRITE_ATTEMPTS {
            let Some(attempt) = self.current(uid, now).await? else {
                return Err(Refusal::not_found(
                    "you have not started the exam; POST /exams starts it",
                )
                .into());
            };
            let mut next = attempt.clone();
            change(&mut next)?;
            match self.replace(&next, attempt.version).await {
                Ok(()) => return Ok(next),
                Err(StoreError::ConditionFailed) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Refusal::conflict("the attempt is being changed by another request; retry").into())
    }

    /// One page of attempts in `status`: submitted by score, highest first; in progress by
    /// closing time, soonest first.
    pub async fn list(
        &self,
        status: AttemptStatus,
        limit: usize,
        cursor: Option<Cursor>,
    ) -> Result<(Vec<Attempt>, Option<Cursor>), StoreError> {
        let mut query = Query::index("status", status.as_str())
            .limit(limit)
            .after(cursor);
        if status == AttemptStatus::Submitted {
            query = query.descending();
        }
        let page = self.store.query(Table::ExamAttempts, &query).await?;
        let attempts = page
            .items
            .into_iter()
            .map(from_item)
            .collect::<Result<_, _>>()?;
        Ok((attempts, page.next))
    }

    /// Finalises up to `limit` attempts whose deadline and grace passed before `now`; returns how
    /// many this call finalised (the scheduled sweep).
    pub async fn finalise_overdue(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<usize, StoreError> {
        let query = Query::index("status", AttemptStatus::InProgress.as_str())
            // Keys are `closes_at#uid`; any closing before `now` sorts below `now` itself.
            .sort(SortCondition::Between("0".into(), sortable(now)))
            .limit(limit);
        let page = self.store.query(Table::ExamAttempts, &query).await?;
        let mut finalised = 0;
        for item in page.items {
            let attempt = from_item(item)?;
            if !attempt.is_overdue(now) {
                continue;
            }
            let mut expired = attempt.clone();
            expired.expire();
            match self.replace(&expired, attempt.version).await {
                Ok(()) => finalised += 1,
                Err(StoreError::ConditionFailed) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(finalised)
    }
}

#[cfg(all(test, feature = "embedded"))]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::adapters::embedded::SqliteStore;
    use crate::exam::Scoring;

    fn store() -> SqliteStore {
        SqliteStore::open(&crate::fixtures::temp_dir("attempts").join("t.sqlite3")).unwrap()
    }

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap() + Duration::minutes(minute)
    }

    fn started(uid: &str, minute: i64) -> Attempt {
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
}
