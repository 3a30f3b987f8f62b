//! A leave request as an employee writes it (`POST /leave-requests`), and the rules it must satisfy.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::policy::{LeavePolicy, MAX_LEAVE_DAYS};
use crate::calendar::iso_date;
use crate::free_text::free_text;
use crate::refusal::Refusal;

/// Most characters in a leave reason.
pub const MAX_REASON_CHARS: usize = 500;

/// Why the employee is away.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum LeaveType {
    Annual,
    Sick,
    Unpaid,
    Other,
}

impl LeaveType {
    /// As the API and messages write it.
    pub fn as_str(self) -> &'static str {
        match self {
            LeaveType::Annual => "annual",
            LeaveType::Sick => "sick",
            LeaveType::Unpaid => "unpaid",
            LeaveType::Other => "other",
        }
    }
}

/// Half of a work day. On a one-day leave it is the half taken off. On a longer leave only the
/// ends can be halves: `startHalf: afternoon` starts the leave at noon of the first day and
/// `endHalf: morning` ends it at noon of the last; the other two would leave a gap inside the
/// leave, so they are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum HalfDay {
    Morning,
    Afternoon,
}

/// The create body: `{"type","startDate","endDate","reason"}` with ISO dates, plus optional
/// `startHalf` and `endHalf`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LeaveDraft {
    #[serde(rename = "type")]
    pub leave_type: LeaveType,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    #[serde(default)]
    pub start_half: Option<HalfDay>,
    #[serde(default)]
    pub end_half: Option<HalfDay>,
    pub reason: String,
}

impl LeaveDraft {
    /// Checks every rule against the company's `today`, naming the offending field, and returns
    /// the draft normalised: reason trimmed, and a one-day leave's half (if any) in `start_half`.
    pub fn validated(
        mut self,
        policy: &LeavePolicy,
        today: NaiveDate,
    ) -> Result<LeaveDraft, Refusal> {
        if !crate::events::sortable_year(self.start_date) {
            return Err(Refusal::invalid(
                "startDate",
                "the year must be 1970 to 9999",
            ));
        }
        if !crate::events::sortable_year(self.end_date) {
            return Err(Refusal::invalid("endDate", "the year must be 1970 to 9999"));
        }
        if self.end_date < self.start_date {
            return Err(Refusal::invalid(
                "endDate",
                "the leave must end on or after its start date",
            ));
        }
        if (self.end_date - self.start_date).num_days() + 1 > MAX_LEAVE_DAYS {
            return Err(Refusal::invalid(
                "endDate",
                format!("one request covers at most {MAX_LEAVE_DAYS} days; split longer leave"),
            ));
        }
        let earliest = today - Duration::days(i64::from(policy.past_window_days));
        if self.start_date < earliest {
            return Err(Refusal::invalid(
                "startDate",
                format!(
                    "leave may start at most {} days in the past (on or after {})",
                    policy.past_window_days,
                    iso_date(earliest)
                ),
            ));
        }
        if self.start_date == self.end_date {
            // One day: a single half, however it was written.
            match (self.start_half, self.end_half) {
                (Some(a), Some(b)) if a != b => {
                    return Err(Refusal::invalid(
                        "endHalf",
                        "a one-day leave is the whole day or one half of it; give startHalf only",
                    ));
                }
                (start, end) => {
                    self.start_half = start.or(end);
                    self.end_half = None;
                }
            }
        } else {
            if self.start_half == Some(HalfDay::Morning) {
                return Err(Refusal::invalid(
                    "startHalf",
                    "a leave over several days starts with a whole day or in the afternoon",
                ));
            }
            if self.end_half == Some(HalfDay::Afternoon) {
                return Err(Refusal::invalid(
                    "endHalf",
                    "a leave over several days ends with a whole day or in the morning",
                ));
            }
        }
        self.reason = free_text("reason", "reason", self.reason.trim(), MAX_REASON_CHARS)?;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refusal::RefusalKind;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        day(2026, 3, 10)
    }

    fn draft(start: NaiveDate, end: NaiveDate) -> LeaveDraft {
        LeaveDraft {
            leave_type: LeaveType::Annual,
            start_date: start,
            end_date: end,
            start_half: None,
            end_half: None,
            reason: " Family visit ".into(),
        }
    }

    fn field(d: LeaveDraft) -> Option<String> {
        let err = d.validated(&LeavePolicy::default(), today()).unwrap_err();
        assert_eq!(err.kind, RefusalKind::Invalid);
        err.field
    }

    #[test]
    fn the_api_body_reads_with_iso_dates_and_optional_halves() {
        let d: LeaveDraft = serde_json::from_str(
            r#"{"type":"sick","startDate":"2026-03-09","endDate":"2026-03-11","reason":"Flu"}"#,
        )
        .unwrap();
        assert_eq!(d.leave_type, LeaveType::Sick);
        assert_eq!(
            (d.start_date, d.end_date),
            (day(2026, 3, 9), day(2026, 3, 11))
        );
        assert_eq!((d.start_half, d.end_half), (None, None));
        let d: LeaveDraft = serde_json::from_str(
            r#"{"type":"annual","startDate":"2026-03-09","endDate":"2026-03-11","startHalf":"afternoon","endHalf":"morning","reason":"x"}"#,
        )
        .unwrap();
        assert_eq!(
            (d.start_half, d.end_half),
            (Some(HalfDay::Afternoon), Some(HalfDay::Morning))
        );
    }

    #[test]
    fn unknown_fields_and_types_are_refused() {
        for body in [
            r#"{"type":"annual","startDate":"2026-03-09","endDate":"2026-03-09","reason":"x","manager":"me"}"#,
            r#"{"type":"sabbatical","startDate":"2026-03-09","endDate":"2026-03-09","reason":"x"}"#,
            r#"{"type":"annual","startDate":"09/03/2026","endDate":"2026-03-09","reason":"x"}"#,
        ] {
            assert!(serde_json::from_str::<LeaveDraft>(body).is_err(), "{body}");
        }
    }

    #[test]
    fn a_valid_draft_is_trimmed() {
        let d = draft(today(), day(2026, 3, 12))
            .validated(&LeavePolicy::default(), today())
            .unwrap();
        assert_eq!(d.reason, "Family visit");
    }

    #[test]
    fn the_end_must_not_precede_the_start() {
        assert_eq!(
            field(draft(day(2026, 3, 12), day(2026, 3, 11))),
            Some("endDate".into())
        );
        assert!(
            draft(day(2026, 3, 12), day(2026, 3, 12))
                .validated(&LeavePolicy::default(), today())
                .is_ok()
        );
    }

    #[test]
    fn a_leave_spans_at_most_a_year() {
        let start = day(2026, 4, 1);
        let longest = start + Duration::days(MAX_LEAVE_DAYS - 1);
        assert!(
            draft(start, longest)
                .validated(&LeavePolicy::default(), today())
                .is_ok()
        );
        assert_eq!(
            field(draft(start, longest + Duration::days(1))),
            Some("endDate".into())
        );
    }

    #[test]
    fn the_start_may_lie_only_the_policy_window_in_the_past() {
        let policy = LeavePolicy {
            past_window_days: 5,
        };
        let oldest = today() - Duration::days(5);
        assert!(draft(oldest, today()).validated(&policy, today()).is_ok());
        let err = draft(oldest - Duration::days(1), today())
            .validated(&policy, today())
            .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("startDate"));
        assert!(err.detail.contains("2026-03-05"), "{}", err.detail);
        let strict = LeavePolicy {
            past_window_days: 0,
        };
        assert!(
            draft(today() - Duration::days(1), today())
                .validated(&strict, today())
                .is_err()
        );
    }

    #[test]
    fn a_one_day_leave_takes_at_most_one_half() {
        let one = |s, e| LeaveDraft {
            start_half: s,
            end_half: e,
            ..draft(today(), today())
        };
        let ok = |d: LeaveDraft| {
            let v = d.validated(&LeavePolicy::default(), today()).unwrap();
            (v.start_half, v.end_half)
        };
        use HalfDay::*;
        assert_eq!(ok(one(Some(Morning), None)), (Some(Morning), None));
        assert_eq!(
            ok(one(None, Some(Afternoon))),
            (Some(Afternoon), None),
            "moved to startHalf"
        );
        assert_eq!(
            ok(one(Some(Afternoon), Some(Afternoon))),
            (Some(Afternoon), None)
        );
        assert_eq!(
            field(one(Some(Morning), Some(Afternoon))),
            Some("endHalf".into())
        );
        assert_eq!(
            field(one(Some(Afternoon), Some(Morning))),
            Some("endHalf".into())
        );
    }

    #[test]
    fn a_longer_leave_may_only_start_at_noon_or_end_at_noon() {
        let span = |s, e| LeaveDraft {
            start_half: s,
            end_half: e,
            ..draft(today(), day(2026, 3, 13))
        };
        use HalfDay::*;
        assert!(
            span(Some(Afternoon), Some(Morning))
                .validated(&LeavePolicy::default(), today())
                .is_ok()
        );
        assert_eq!(field(span(Some(Morning), None)), Some("startHalf".into()));
        assert_eq!(field(span(None, Some(Afternoon))), Some("endHalf".into()));
    }

    #[test]
    fn the_reason_is_required_and_bounded() {
        let with = |r: &str| LeaveDraft {
            reason: r.into(),
            ..draft(today(), today())
        };
        assert_eq!(field(with("   ")), Some("reason".into()));
        assert_eq!(field(with(&"x".repeat(501))), Some("reason".into()));
        assert_eq!(field(with("bell\u{7}")), Some("reason".into()));
        assert!(
            with("Line one\nline two")
                .validated(&LeavePolicy::default(), today())
                .is_ok()
        );
    }
}
