//! A stored leave request: who asked, for when, what it costs, and where it stands. The manager
//! comes from the roster when the request is made, never from the body.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::days::working_days;
use super::decision::Decision;
use super::draft::{HalfDay, LeaveDraft, LeaveType};
use super::status::{Actor, LeaveAction, LeaveStatus, authorise};
use crate::company::Weekday;
use crate::refusal::Refusal;
use crate::roster::{EmploymentStatus, RosterEntry};

/// The LeaveRequests item. Top-level attributes are snake_case since keys, indexes and
/// conditions name them; the index attributes (`employee_key`, `manager_key`) are added on write.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeaveRequest {
    pub leave_id: String,
    pub company_id: String,
    /// Username of the employee on leave.
    pub employee: String,
    /// Username of their manager on the roster when they asked; `None` for someone without one
    /// (an admin), whose request any other admin decides.
    pub manager: Option<String>,
    pub leave_type: LeaveType,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub start_half: Option<HalfDay>,
    pub end_half: Option<HalfDay>,
    pub reason: String,
    /// Working days it costs, holidays and days off excluded, halves at 0.5.
    pub days: f64,
    pub status: LeaveStatus,
    /// Who made the latest move (decided or cancelled), and when.
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// What the decider said with the latest move (required on a rejection); absent on items
    /// written before comments existed.
    #[serde(default)]
    pub decision_comment: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Bumped by every write, the optimistic-concurrency token.
    pub version: u64,
}

/// A leave request as the API returns it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LeaveView {
    pub id: String,
    pub employee: String,
    pub manager: Option<String>,
    #[serde(rename = "type")]
    pub leave_type: LeaveType,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub start_half: Option<HalfDay>,
    pub end_half: Option<HalfDay>,
    pub reason: String,
    pub days: f64,
    pub status: LeaveStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The decider's words to the employee with the latest move: why it was rejected, or a note
    /// on the approval.
    pub decision_comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl LeaveRequest {
    /// A new pending request of `employee` (their roster entry) from a validated draft, costed
    /// against the company's `work_days` and the `holidays` in its range. A request costing no
    /// working day is refused: there is nothing to take off.
    pub fn new(
        leave_id: String,
        employee: &RosterEntry,
        draft: LeaveDraft,
        work_days: &[Weekday],
        holidays: &BTreeSet<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<LeaveRequest, Refusal> {
        if employee.status != EmploymentStatus::Active {
            return Err(Refusal::forbidden("only active staff request leave"));
        }
        let days = working_days(
            draft.start_date,
            draft.end_date,
            draft.start_half,
            draft.end_half,
            work_days,
            holidays,
        );
        if days <= 0.0 {
            return Err(Refusal::invalid(
                "startDate",
                "the leave covers no working day: only days off and holidays",
            ));
        }
        Ok(LeaveRequest {
            leave_id,
            company_id: employee.company_id.clone(),
            employee: employee.username.clone(),
            manager: employee.manager.clone(),
            leave_type: draft.leave_type,
            start_date: draft.start_date,
            end_date: draft.end_date,
            start_half: draft.start_half,
            end_half: draft.end_half,
            reason: draft.reason,
            days,
            status: LeaveStatus::Pending,
            decided_by: None,
            decided_at: None,
            decision_comment: None,
            // Millisecond precision, as the `manager` index stores it.
            created_at: DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now),
            version: 1,
        })
    }

    /// The half-day slots the leave covers, first and last included: day × 2, + 1 for the
    /// afternoon. Two leaves overlap when their slot ranges meet, so a leave ending at noon and
    /// another starting at noon of the same day do not.
    pub fn slots(&self) -> (i64, i64) {
        let day = |d: NaiveDate| i64::from(d.num_days_from_ce()) * 2;
        let first = day(self.start_date) + i64::from(self.start_half == Some(HalfDay::Afternoon));
        let last = match (
            self.start_date == self.end_date,
            self.start_half,
            self.end_half,
        ) {
            // A one-day leave's half is the one slot it takes.
            (true, Some(half), _) => day(self.end_date) + i64::from(half == HalfDay::Afternoon),
            (_, _, Some(HalfDay::Morning)) => day(self.end_date),
            _ => day(self.end_date) + 1,
        };
        (first, last)
    }

    /// Whether this request holds dates that `other` also wants.
    pub fn clashes_with(&self, other: &LeaveRequest) -> bool {
        let (a0, a1) = self.slots();
        let (b0, b1) = other.slots();
        self.status.holds_dates() && a0 <= b1 && b0 <= a1
    }

    /// The request after `actor` takes `decision` on it at `now`, `today` being the company's
    /// local date: forbidden if they may not, a conflict naming the current status if the request
    /// cannot move so.
    pub fn decide(
        &self,
        decision: &Decision,
        actor: &Actor,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<LeaveRequest, Refusal> {
        let action = decision.action();
        authorise(action, actor, &self.employee, self.manager.as_deref())?;
        let status = match action {
            LeaveAction::Approve => self.status.approve()?,
            LeaveAction::Reject => self.status.reject()?,
            LeaveAction::Cancel => self.status.cancel(self.start_date, today)?,
        };
        Ok(LeaveRequest {
            status,
            decided_by: Some(actor.username.clone()),
            decided_at: Some(now),
            decision_comment: decision.comment().map(str::to_string),
            version: self.version + 1,
            ..self.clone()
        })
    }

    /// What the API shows.
    pub fn view(&self) -> LeaveView {
        LeaveView {
            id: self.leave_id.clone(),
            employee: self.employee.clone(),
            manager: self.manager.clone(),
            leave_type: self.leave_type,
            start_date: self.start_date,
            end_date: self.end_date,
            start_half: self.start_half,
            end_half: self.end_half,
            reason: self.reason.clone(),
            days: self.days,
            status: self.status,
            decided_by: self.decided_by.clone(),
            decided_at: self.decided_at,
            decision_comment: self.decision_comment.clone(),
            created_at: self.created_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refusal::RefusalKind;
    use crate::roster::StaffRole;
    use HalfDay::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 123_456_789).unwrap()
    }

    fn entry(status: EmploymentStatus) -> RosterEntry {
        RosterEntry {
            company_id: "c1".into(),
            username: "emp".into(),
            sub: "sub-emp".into(),
            email: "emp@example.com".into(),
            role: StaffRole::Employee,
            manager: Some("boss".into()),
            status,
            created_at: now(),
            name: None,
            face_id: None,
            face_enrolled_at: None,
            biometric_consent: None,
            version: 1,
            offboarded_at: None,
            slack_user_id: None,
        }
    }

    const WEEK: [Weekday; 5] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];

    fn request(
        start: u32,
        end: u32,
        start_half: Option<HalfDay>,
        end_half: Option<HalfDay>,
    ) -> LeaveRequest {
        let draft = LeaveDraft {
            leave_type: LeaveType::Annual,
            start_date: day(start),
            end_date: day(end),
            start_half,
            end_half,
            reason: "Trip".into(),
        };
        LeaveRequest::new(
            "l1".into(),
            &entry(EmploymentStatus::Active),
            draft,
            &WEEK,
            &BTreeSet::new(),
            now(),
        )
        .unwrap()
    }

    #[test]
    fn a_new_request_is_pending_costed_and_managed_by_the_roster_manager() {
        // Mon 9th afternoon to Fri 13th morning: 0.5 + 3 + 0.5.
        let r = request(9, 13, Some(Afternoon), Some(Morning));
        assert_eq!(day(9).weekday(), chrono::Weekday::Mon);
        assert_eq!(
            (r.status, r.days, r.version),
            (LeaveStatus::Pending, 4.0, 1)
        );
        assert_eq!(
            (r.employee.as_str(), r.manager.as_deref()),
            ("emp", Some("boss"))
        );
        assert_eq!(
            r.created_at.timestamp_subsec_nanos(),
            123_000_000,
            "stored to the millisecond"
        );
    }

    #[test]
    fn a_request_over_days_off_only_is_refused() {
        let draft = LeaveDraft {
            leave_type: LeaveType::Sick,
            start_date: day(14),
            end_date: day(15),
            start_half: None,
            end_half: None,
            reason: "Weekend".into(),
        };
        let err = LeaveRequest::new(
            "l".into(),
            &entry(EmploymentStatus::Active),
            draft,
            &WEEK,
            &BTreeSet::new(),
            now(),
        )
        .unwrap_err();
        assert_eq!(
            (err.kind, err.field.as_deref()),
            (RefusalKind::Invalid, Some("startDate"))
        );
    }

    #[test]
    fn offboarded_staff_cannot_request_leave() {
        let draft = LeaveDraft {
            leave_type: LeaveType::Sick,
            start_date: day(9),
            end_date: day(9),
            start_half: None,
            end_half: None,
            reason: "x".into(),
        };
        let err = LeaveRequest::new(
            "l".into(),
            &entry(EmploymentStatus::Offboarded),
            draft,
            &WEEK,
            &BTreeSet::new(),
            now(),
        )
        .unwrap_err();
        assert_eq!(err.kind, RefusalKind::Forbidden);
    }

    #[test]
    fn overlap_is_decided_to_the_half_day() {
        let whole = request(9, 11, None, None);
        assert!(
            whole.clashes_with(&request(11, 13, None, None)),
            "share the 11th"
        );
        assert!(
            !whole.clashes_with(&request(12, 13, None, None)),
            "adjacent"
        );
        assert!(
            whole.clashes_with(&request(10, 10, Some(Morning), None)),
            "inside"
        );
        assert!(request(5, 20, None, None).clashes_with(&whole), "around");
        let till_noon = request(9, 11, None, Some(Morning));
        assert!(
            !till_noon.clashes_with(&request(11, 13, Some(Afternoon), None)),
            "noon to noon"
        );
        assert!(!till_noon.clashes_with(&request(11, 11, Some(Afternoon), None)));
        assert!(till_noon.clashes_with(&request(11, 11, Some(Morning), None)));
        let morning = request(12, 12, Some(Morning), None);
        let afternoon = request(12, 12, Some(Afternoon), None);
        assert!(!morning.clashes_with(&afternoon) && !afternoon.clashes_with(&morning));
        assert!(morning.clashes_with(&request(12, 12, None, None)));
    }

    #[test]
    fn requests_that_no_longer_hold_dates_clash_with_nothing() {
        let mut r = request(9, 11, None, None);
        for status in [LeaveStatus::Rejected, LeaveStatus::Cancelled] {
            r.status = status;
            assert!(!r.clashes_with(&request(9, 11, None, None)));
        }
    }

    fn approve() -> Decision {
        Decision::plain(LeaveAction::Approve).unwrap()
    }

    fn cancel() -> Decision {
        Decision::plain(LeaveAction::Cancel).unwrap()
    }

    #[test]
    fn a_decision_keeps_its_comment_until_the_next_move() {
        let r = request(16, 17, None, None);
        let boss = Actor {
            username: "boss".into(),
            role: StaffRole::Manager,
        };
        let note = Decision::new(LeaveAction::Approve, Some("Enjoy the trip")).unwrap();
        let approved = r.decide(&note, &boss, day(1), now()).unwrap();
        assert_eq!(approved.decision_comment.as_deref(), Some("Enjoy the trip"));
        let v = serde_json::to_value(approved.view()).unwrap();
        assert_eq!(v["decisionComment"], "Enjoy the trip");
        let me = Actor {
            username: "emp".into(),
            role: StaffRole::Employee,
        };
        let cancelled = approved.decide(&cancel(), &me, day(2), now()).unwrap();
        assert_eq!(
            cancelled.decision_comment, None,
            "the comment was the approver's"
        );
    }

    #[test]
    fn deciding_records_who_and_when_and_bumps_the_version() {
        let r = request(16, 17, None, None);
        let boss = Actor {
            username: "boss".into(),
            role: StaffRole::Manager,
        };
        let approved = r.decide(&approve(), &boss, day(1), now()).unwrap();
        assert_eq!(approved.status, LeaveStatus::Approved);
        assert_eq!(
            (approved.decided_by.as_deref(), approved.version),
            (Some("boss"), 2)
        );
        // Forbidden is told before the state, so strangers learn nothing about it.
        let stranger = Actor {
            username: "x".into(),
            role: StaffRole::Manager,
        };
        assert_eq!(
            approved
                .decide(&approve(), &stranger, day(1), now())
                .unwrap_err()
                .kind,
            RefusalKind::Forbidden
        );
        assert_eq!(
            approved
                .decide(&approve(), &boss, day(1), now())
                .unwrap_err()
                .kind,
            RefusalKind::Conflict
        );
        let me = Actor {
            username: "emp".into(),
            role: StaffRole::Employee,
        };
        let cancelled = approved.decide(&cancel(), &me, day(15), now()).unwrap();
        assert_eq!(cancelled.status, LeaveStatus::Cancelled);
        assert_eq!(
            approved
                .decide(&cancel(), &me, day(16), now())
                .unwrap_err()
                .kind,
            RefusalKind::Conflict
        );
    }

    #[test]
    fn the_view_carries_the_id_and_camel_case_names() {
        let v = serde_json::to_value(request(9, 9, Some(Morning), None).view()).unwrap();
        assert_eq!(v["id"], "l1");
        assert_eq!(v["type"], "annual");
        assert_eq!(v["startDate"], "2026-03-09");
        assert_eq!(v["startHalf"], "morning");
        assert_eq!(v["days"], 0.5);
        assert_eq!(v["status"], "pending");
    }
}
