//! Attempts in the item store: created once per applicant, changed only by versioned writes
//! while in progress, finalised lazily on read or by the sweep once overdue.
//!
//! The `status` index holds in-progress attempts by closing time (the sweep's query) and
//! submitted ones by score (the recruiters' ranking).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::attempt::{ATTEMPT_ID, Attempt, AttemptStatus};
use crate::calendar::sortable;
use crate::failure::Failure;
use crate::ports::{
    Condition, Cursor, Item, ItemStore, Key, Query, SortCondition, StoreError, Table, TxOp,
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

pub(crate) fn attempt_key(uid: &str) -> Key {
    key(uid)
}

/// The write of `next` over the attempt as it was at `expected_version`, still in progress.
pub(crate) fn replace_op(next: &Attempt, expected_version: u64) -> Result<TxOp, StoreError> {
    Ok(TxOp::Put {
        table: Table::ExamAttempts,
        item: to_item(next)?,
        condition: in_progress_at(expected_version),
    })
}

fn in_progress_at(version: u64) -> Condition {
    Condition::Equals(vec![
        ("version".into(), version.into()),
        ("status".into(), AttemptStatus::InProgress.as_str().into()),
    ])
}

/// The write that erasing applicant `uid` at `now` makes to their attempt (`stored`, as read),
/// conditional on it being unchanged since: none yet stays none; a finished one is kept
/// anonymised; an unfinished one is deleted.
pub(crate) fn erasure_op(
    uid: &str,
    stored: Option<&Attempt>,
    now: DateTime<Utc>,
) -> Result<TxOp, StoreError> {
    let table = Table::ExamAttempts;
    let Some(attempt) = stored else {
        return Ok(TxOp::Check {
            table,
            key: key(uid),
            condition: Condition::Absent,
        });
    };
    let unchanged = Condition::equals("version", attempt.version);
    Ok(match attempt.clone().anonymised(now) {
        Some(kept) if kept == *attempt => TxOp::Check {
            table,
            key: key(uid),
            condition: unchanged,
        },
        Some(kept) => TxOp::Put {
            table,
            item: to_item(&kept)?,
            condition: unchanged,
        },
        None => TxOp::Delete {
            table,
            key: key(uid),
            condition: unchanged,
        },
    })
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

    /// Deletes `attempt` if it is still as given (an attempt started for an erased applicant);
    /// one changed or gone meanwhile is left to whoever changed it.
    pub async fn discard(&self, attempt: &Attempt) -> Result<(), StoreError> {
        let unchanged = Condition::equals("version", attempt.version);
        match self
            .store
            .delete(Table::ExamAttempts, &key(&attempt.uid), unchanged)
            .await
        {
            Ok(()) | Err(StoreError::ConditionFailed) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Writes `next` if the stored attempt is still in progress at `expected_version`.
    async fn replace(&self, next: &Attempt, expected_version: u64) -> Result<(), StoreError> {
        self.store
            .put(
                Table::ExamAttempts,
                to_item(next)?,
                in_progress_at(expected_version),
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
