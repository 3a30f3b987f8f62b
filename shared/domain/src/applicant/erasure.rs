//! An applicant's erasure on their own request (GDPR art. 17): their details go and, in the
//! same transaction, their attempt is kept anonymised (finished) or deleted (unfinished). What
//! stays under their uid in the Applicants table is only the mark of when: a Cognito id token
//! stays valid at the gateway until it expires even once its user is deleted (AWS-FACTS), so
//! the mark is what refuses the writes such a token would still make.
//!
//! The CV and the pool user live outside the table; the handler deletes them after, and a
//! retry, finding the mark, deletes them again (both deletes are idempotent).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::Applicant;
use super::repo::{ApplicantRepo, from_item};
use crate::exam::{AttemptRepo, erasure_op, grant_key};
use crate::ports::{Condition, Item, StoreError, Table, TxOp};
use crate::refusal::Refusal;

/// The attribute that marks an erased applicant's row.
const ERASED_AT: &str = "erased_at";

/// Attempts at the erasure transaction before a busy applicant is told to retry.
const ATTEMPTS: usize = 5;

/// What the Applicants table holds under a uid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplicantRow {
    /// Nothing: the details were never filled in.
    Absent,
    Held(Box<Applicant>),
    /// The applicant was erased at `at`; nothing else of them is kept.
    Erased {
        at: DateTime<Utc>,
    },
}

/// The refusal of anything an erased applicant's token still asks for.
pub fn erased_refusal() -> Refusal {
    Refusal::gone("this account was erased at its owner's request")
}

pub(super) fn row_from_item(item: Item) -> Result<ApplicantRow, StoreError> {
    match item.get(ERASED_AT) {
        Some(at) => serde_json::from_value(at.clone())
            .map(|at| ApplicantRow::Erased { at })
            .map_err(|e| StoreError::Invalid(format!("stored erasure mark: {e}"))),
        None => from_item(item).map(|a| ApplicantRow::Held(Box::new(a))),
    }
}

/// The mark's item: the key and the time, no attribute of the person, out of every index.
fn mark(uid: &str, at: DateTime<Utc>) -> Item {
    Item::from_iter([
        ("uid".to_string(), Value::from(uid)),
        (ERASED_AT.to_string(), Value::from(at.to_rfc3339())),
    ])
}

impl ApplicantRepo<'_> {
    /// Erases applicant `uid` at `now`, once: the row becomes the mark and the attempt is kept
    /// anonymised or deleted, together, conditional on both being as read. A race with the
    /// applicant's own writes is retried from a fresh read; a second erasure finds the mark.
    /// Whether this call erased them (`false`: an earlier one had).
    pub async fn erase(&self, uid: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        for _ in 0..ATTEMPTS {
            let condition = match self.read(uid).await? {
                ApplicantRow::Erased { .. } => return Ok(false),
                ApplicantRow::Held(a) => Condition::equals("version", a.version),
                ApplicantRow::Absent => Condition::Absent,
            };
            let attempt = AttemptRepo::new(self.store).get(uid).await?;
            let ops = vec![
                TxOp::Put {
                    table: Table::Applicants,
                    item: mark(uid, now),
                    condition,
                },
                erasure_op(uid, attempt.as_ref(), now)?,
                // The extra-time grant and its audit: the reasons may tell of a disability.
                TxOp::Delete {
                    table: Table::ExamAttempts,
                    key: grant_key(uid),
                    condition: Condition::Always,
                },
            ];
            match self.store.transact(ops).await {
                Ok(()) => return Ok(true),
                Err(StoreError::ConditionFailed) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Throttled)
    }

    /// When `uid` was erased, if they were.
    pub async fn erased_at(&self, uid: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(match self.read(uid).await? {
            ApplicantRow::Erased { at } => Some(at),
            ApplicantRow::Absent | ApplicantRow::Held(_) => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_holds_only_the_key_and_the_time() {
        let at = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let item = mark("u1", at);
        assert_eq!(item.len(), 2);
        assert_eq!(
            row_from_item(item).unwrap(),
            ApplicantRow::Erased { at },
            "read back as a mark"
        );
    }
}
