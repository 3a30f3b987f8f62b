//! Extra time for one applicant (WCAG 2.2.1 "Timing Adjustable", as Moodle's user overrides): a
//! recruiter sets how many minutes beyond the policy's duration that applicant gets, before or
//! during the attempt, with a reason. The grant is a total, so setting it again is harmless; each
//! change of it is kept for the audit (who, when, how many, why).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::free_text::free_text;
use crate::refusal::Refusal;

/// Sort key of the grant, beside the applicant's attempt in the ExamAttempts table. It has no
/// `status`, so the `status` index (the sweep, the ranking) never sees it.
pub const EXTRA_TIME_ID: &str = "extra-time";

/// Most extra minutes: eight hours, more than any adjustment a timed exam calls for.
pub const MAX_EXTRA_MINUTES: u32 = 480;

/// Changes kept per applicant; a grant changed more often is refused rather than its audit cut.
pub const MAX_GRANT_CHANGES: usize = 100;

/// Most characters in a grant's reason.
pub const MAX_GRANT_REASON_CHARS: usize = 500;

/// `PUT /exams/{uid}/extra-time`: the extra minutes in all, and why.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExtraTimeDraft {
    /// Extra minutes in all, 0 to 480; replaces any earlier grant (0 takes it back).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 480))]
    pub minutes: u32,
    /// Why, for the audit: 1 to 500 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
}

impl ExtraTimeDraft {
    /// The draft with its reason trimmed, or refused naming the field.
    pub fn validated(self) -> Result<ExtraTimeDraft, Refusal> {
        if self.minutes > MAX_EXTRA_MINUTES {
            return Err(Refusal::invalid(
                "minutes",
                format!("at most {MAX_EXTRA_MINUTES} extra minutes may be granted"),
            ));
        }
        let reason = free_text(
            "reason",
            "reason",
            self.reason.trim(),
            MAX_GRANT_REASON_CHARS,
        )?;
        Ok(ExtraTimeDraft { reason, ..self })
    }
}

/// One change of a grant, as the audit shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GrantChange {
    /// The total granted from then on.
    pub minutes: u32,
    /// The total before.
    pub before: u32,
    pub reason: String,
    /// The recruiter, by the email their token carried (else their username).
    pub by: String,
    pub at: DateTime<Utc>,
}

/// The stored grant (ExamAttempts item under `(uid, EXTRA_TIME_ID)`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraTime {
    pub uid: String,
    pub attempt_id: String,
    pub minutes: u32,
    /// Every change, oldest first.
    pub changes: Vec<GrantChange>,
    /// Bumped by every write; 0 for a grant not stored yet.
    pub version: u64,
}

impl ExtraTime {
    /// No grant: the policy's duration as it is.
    pub fn none(uid: &str) -> ExtraTime {
        ExtraTime {
            uid: uid.to_string(),
            attempt_id: EXTRA_TIME_ID.to_string(),
            minutes: 0,
            changes: Vec::new(),
            version: 0,
        }
    }

    /// The grant after `by` sets `draft` at `now`; `None` when the total is already that (a
    /// repeat changes nothing and is not audited twice).
    pub fn set(
        &self,
        draft: &ExtraTimeDraft,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ExtraTime>, Refusal> {
        if draft.minutes == self.minutes && self.version > 0 {
            return Ok(None);
        }
        if self.changes.len() >= MAX_GRANT_CHANGES {
            return Err(Refusal::conflict(format!(
                "this grant was changed {MAX_GRANT_CHANGES} times; it is kept as it stands"
            )));
        }
        let mut next = self.clone();
        next.changes.push(GrantChange {
            minutes: draft.minutes,
            before: self.minutes,
            reason: draft.reason.clone(),
            by: by.to_string(),
            at: now,
        });
        next.minutes = draft.minutes;
        next.version += 1;
        Ok(Some(next))
    }
}

/// What recruiters read of a grant: the total, the attempt's deadline if one is running or
/// ran, and the audit.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExtraTimeView {
    /// The applicant's uid.
    pub id: String,
    pub minutes: u32,
    /// The attempt's deadline with the grant, once the applicant has started.
    pub deadline: Option<DateTime<Utc>>,
    /// Every change, oldest first.
    pub changes: Vec<GrantChange>,
}

impl ExtraTimeView {
    pub fn of(grant: &ExtraTime, deadline: Option<DateTime<Utc>>) -> ExtraTimeView {
        ExtraTimeView {
            id: grant.uid.clone(),
            minutes: grant.minutes,
            deadline,
            changes: grant.changes.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(minutes: u32, reason: &str) -> ExtraTimeDraft {
        ExtraTimeDraft {
            minutes,
            reason: reason.into(),
        }
    }

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000 + s, 0).unwrap()
    }

    #[test]
    fn a_draft_is_bounded_and_names_the_field() {
        let field = |d: ExtraTimeDraft| d.validated().unwrap_err().field;
        assert_eq!(field(draft(481, "x")), Some("minutes".into()));
        assert_eq!(field(draft(10, "  ")), Some("reason".into()));
        assert_eq!(field(draft(10, &"x".repeat(501))), Some("reason".into()));
        assert_eq!(field(draft(10, "tab\tstop")), Some("reason".into()));
        assert_eq!(
            draft(480, " Dyslexia ").validated().unwrap().reason,
            "Dyslexia"
        );
        assert!(serde_json::from_str::<ExtraTimeDraft>(r#"{"minutes":-5,"reason":"x"}"#).is_err());
        assert!(
            serde_json::from_str::<ExtraTimeDraft>(r#"{"minutes":5,"reason":"x","uid":"u"}"#)
                .is_err()
        );
    }

    #[test]
    fn setting_the_same_total_again_changes_nothing_and_each_change_is_audited() {
        let none = ExtraTime::none("u1");
        let first = none
            .set(&draft(15, "Dyslexia"), "rec", at(0))
            .unwrap()
            .unwrap();
        assert_eq!((first.minutes, first.version), (15, 1));
        assert_eq!(first.set(&draft(15, "again"), "rec", at(1)).unwrap(), None);
        let second = first
            .set(&draft(0, "Withdrawn"), "rec2", at(2))
            .unwrap()
            .unwrap();
        assert_eq!(
            second.changes,
            vec![
                GrantChange {
                    minutes: 15,
                    before: 0,
                    reason: "Dyslexia".into(),
                    by: "rec".into(),
                    at: at(0)
                },
                GrantChange {
                    minutes: 0,
                    before: 15,
                    reason: "Withdrawn".into(),
                    by: "rec2".into(),
                    at: at(2)
                },
            ]
        );
        // A first grant of 0 is still a recorded decision.
        assert!(
            none.set(&draft(0, "None needed"), "rec", at(0))
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn the_audit_is_bounded() {
        let mut grant = ExtraTime::none("u1");
        for i in 0..MAX_GRANT_CHANGES {
            let minutes = u32::try_from(i % 2).unwrap();
            grant = grant
                .set(&draft(minutes, "x"), "rec", at(0))
                .unwrap()
                .unwrap();
        }
        let refused = grant.set(&draft(7, "x"), "rec", at(0)).unwrap_err();
        assert_eq!(refused.kind, crate::refusal::RefusalKind::Conflict);
    }
}
