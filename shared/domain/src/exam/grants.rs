//! Extra-time grants in the item store, beside the attempt they move.
//!
//! A grant and the attempt's deadline change together: one transaction writes the grant
//! (conditional on the version read), moves the deadline of a running attempt (conditional on
//! its version) or checks that none exists yet, and checks the applicant's row is as read, so a
//! grant never lands after their erasure. A start that raced a grant is reconciled by
//! [`ExtraTimeRepo::apply`], which the start calls after creating the attempt.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::attempt::Attempt;
use super::attempts::{AttemptRepo, attempt_key, replace_op};
use super::extra_time::{EXTRA_TIME_ID, ExtraTime, ExtraTimeDraft};
use crate::applicant::{ApplicantRepo, ApplicantRow};
use crate::failure::Failure;
use crate::ports::{Condition, Item, ItemStore, Key, StoreError, Table, TxOp};
use crate::refusal::Refusal;

/// Attempts at a grant that lost a race, before the recruiter is told to retry.
const WRITE_ATTEMPTS: usize = 8;

pub(crate) fn grant_key(uid: &str) -> Key {
    Key::with_sort(uid, EXTRA_TIME_ID)
}

fn to_item(grant: &ExtraTime) -> Result<Item, StoreError> {
    match serde_json::to_value(grant) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Ok(Item::new()),
        Err(e) => Err(StoreError::Invalid(format!("extra time: {e}"))),
    }
}

fn from_item(item: Item) -> Result<ExtraTime, StoreError> {
    serde_json::from_value(Value::Object(item))
        .map_err(|e| StoreError::Invalid(format!("stored extra time: {e}")))
}

/// The write of `next` over `held` (version 0: none stored yet).
fn grant_op(held: &ExtraTime, next: &ExtraTime) -> Result<TxOp, StoreError> {
    Ok(TxOp::Put {
        table: Table::ExamAttempts,
        item: to_item(next)?,
        condition: if held.version == 0 {
            Condition::Absent
        } else {
            Condition::equals("version", held.version)
        },
    })
}

/// Grant storage on the item-store port.
pub struct ExtraTimeRepo<'a> {
    store: &'a dyn ItemStore,
}

impl<'a> ExtraTimeRepo<'a> {
    pub fn new(store: &'a dyn ItemStore) -> Self {
        ExtraTimeRepo { store }
    }

    /// The applicant's grant; none stored reads as a grant of nothing (version 0).
    pub async fn get(&self, uid: &str) -> Result<ExtraTime, StoreError> {
        Ok(
            match self.store.get(Table::ExamAttempts, &grant_key(uid)).await? {
                Some(item) => from_item(item)?,
                None => ExtraTime::none(uid),
            },
        )
    }

    /// Sets applicant `uid`'s extra time to `draft` as recruiter `by` at `now`: the grant as it
    /// now stands and the attempt, if any, with its deadline moved. Refused when the applicant
    /// is unknown or erased (404) or their exam is over (409); setting the total it already has
    /// changes nothing.
    pub async fn grant(
        &self,
        uid: &str,
        draft: &ExtraTimeDraft,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(ExtraTime, Option<Attempt>), Failure> {
        let unknown = || Refusal::not_found(format!("no applicant `{uid}`"));
        for _ in 0..WRITE_ATTEMPTS {
            let row = ApplicantRepo::new(self.store).read(uid).await?;
            let attempt = AttemptRepo::new(self.store).get(uid).await?;
            let applicant = match (&row, &attempt) {
                (ApplicantRow::Erased { .. }, _) | (ApplicantRow::Absent, None) => {
                    return Err(unknown().into());
                }
                (ApplicantRow::Held(a), _) => Condition::equals("version", a.version),
                (ApplicantRow::Absent, Some(_)) => Condition::Absent,
            };
            let held = self.get(uid).await?;
            let Some(next) = held.set(draft, by, now)? else {
                return Ok((held, attempt));
            };
            let (attempt_op, moved) = match &attempt {
                None => (
                    TxOp::Check {
                        table: Table::ExamAttempts,
                        key: attempt_key(uid),
                        condition: Condition::Absent,
                    },
                    None,
                ),
                Some(a) => {
                    let mut moved = a.clone();
                    moved.allow_extra(next.minutes, now)?;
                    (replace_op(&moved, a.version)?, Some(moved))
                }
            };
            let ops = vec![
                grant_op(&held, &next)?,
                attempt_op,
                TxOp::Check {
                    table: Table::Applicants,
                    key: Key::of(uid),
                    condition: applicant,
                },
            ];
            match self.store.transact(ops).await {
                Ok(()) => return Ok((next, moved)),
                Err(StoreError::ConditionFailed) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Refusal::conflict("the grant is being changed by another request; retry").into())
    }

    /// Gives a freshly started attempt the grant that stood when it was created: a grant that
    /// committed between the start's read and its create found no attempt to move. Conditional on
    /// the grant being unchanged, so a later grant, which moves the attempt itself, always wins.
    pub async fn apply(&self, attempt: Attempt, now: DateTime<Utc>) -> Result<Attempt, Failure> {
        let mut attempt = attempt;
        for _ in 0..WRITE_ATTEMPTS {
            let grant = self.get(&attempt.uid).await?;
            if grant.minutes == attempt.extra_minutes {
                return Ok(attempt);
            }
            let mut moved = attempt.clone();
            if moved.allow_extra(grant.minutes, now).is_err() {
                // Over already (or the grant would end it): nothing to move.
                return Ok(attempt);
            }
            let ops = vec![
                TxOp::Check {
                    table: Table::ExamAttempts,
                    key: grant_key(&attempt.uid),
                    condition: if grant.version == 0 {
                        Condition::Absent
                    } else {
                        Condition::equals("version", grant.version)
                    },
                },
                replace_op(&moved, attempt.version)?,
            ];
            match self.store.transact(ops).await {
                Ok(()) => return Ok(moved),
                Err(StoreError::ConditionFailed) => {
                    match AttemptRepo::new(self.store).get(&attempt.uid).await? {
                        Some(fresh) => attempt = fresh,
                        None => return Ok(attempt),
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(Refusal::conflict("the attempt is being changed by another request; retry").into())
    }
}
