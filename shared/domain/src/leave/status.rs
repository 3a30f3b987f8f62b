//! The leave state machine, and who may move a request along it.
//!
//! ```text
//! pending ──approve──▶ approved ──cancel (before it starts)──▶ cancelled
//!    │ └────reject───▶ rejected
//!    └──────cancel──────────────────────────────────────────▶ cancelled
//! ```
//! Rejected and cancelled are final, so a request never starts blocking dates again once it
//! stopped; the overlap guard relies on that.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::iso_date;
use crate::refusal::Refusal;
use crate::roster::StaffRole;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum LeaveStatus {
    Pending,
    Approved,
    Rejected,
    Cancelled,
}

impl LeaveStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LeaveStatus::Pending => "pending",
            LeaveStatus::Approved => "approved",
            LeaveStatus::Rejected => "rejected",
            LeaveStatus::Cancelled => "cancelled",
        }
    }

    /// Reads a `status` query parameter; anything else is refused as invalid, naming `field`.
    pub fn parse(field: &str, text: &str) -> Result<LeaveStatus, Refusal> {
        [
            LeaveStatus::Pending,
            LeaveStatus::Approved,
            LeaveStatus::Rejected,
            LeaveStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
        .ok_or_else(|| {
            Refusal::invalid(
                field,
                format!("`{text}` is not a status; use pending, approved, rejected or cancelled"),
            )
        })
    }

    /// Whether a request in this status holds its dates, so no other may overlap them.
    pub fn holds_dates(self) -> bool {
        matches!(self, LeaveStatus::Pending | LeaveStatus::Approved)
    }

    /// The manager's yes: only a pending request.
    pub fn approve(self) -> Result<LeaveStatus, Refusal> {
        match self {
            LeaveStatus::Pending => Ok(LeaveStatus::Approved),
            other => Err(not_from(other, "approved")),
        }
    }

    /// The manager's no: only a pending request.
    pub fn reject(self) -> Result<LeaveStatus, Refusal> {
        match self {
            LeaveStatus::Pending => Ok(LeaveStatus::Rejected),
            other => Err(not_from(other, "rejected")),
        }
    }

    /// The employee withdraws: a pending request at any time, an approved one only before its
    /// first day (`today` is the company's local date).
    pub fn cancel(self, start: NaiveDate, today: NaiveDate) -> Result<LeaveStatus, Refusal> {
        match self {
            LeaveStatus::Pending => Ok(LeaveStatus::Cancelled),
            LeaveStatus::Approved if today < start => Ok(LeaveStatus::Cancelled),
            LeaveStatus::Approved => Err(Refusal::conflict(format!(
                "the leave request is approved and started on {}; it can no longer be cancelled",
                iso_date(start)
            ))),
            other => Err(not_from(other, "cancelled")),
        }
    }
}

fn not_from(current: LeaveStatus, wanted: &str) -> Refusal {
    Refusal::conflict(format!(
        "the leave request is {}; it can no longer be {wanted}",
        current.as_str()
    ))
}

/// What someone asks to do with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LeaveAction {
    Approve,
    Reject,
    Cancel,
}

/// Who is acting: their username in the company and their role there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub username: String,
    pub role: StaffRole,
}

/// Whether `actor` may take `action` on the request of `employee`, whose manager on the roster
/// is `manager`. Approve and reject: the employee's manager or any admin, but never the employee
/// themselves (an admin's own leave goes to another admin). Cancel: the employee only.
pub fn authorise(
    action: LeaveAction,
    actor: &Actor,
    employee: &str,
    manager: Option<&str>,
) -> Result<(), Refusal> {
    let own = actor.username == employee;
    match action {
        LeaveAction::Approve | LeaveAction::Reject if own => {
            Err(Refusal::forbidden("nobody decides their own leave request"))
        }
        LeaveAction::Approve | LeaveAction::Reject => {
            if manager == Some(actor.username.as_str()) || actor.role == StaffRole::Admin {
                Ok(())
            } else {
                Err(Refusal::forbidden(
                    "only the employee's manager or an admin decides this leave request",
                ))
            }
        }
        LeaveAction::Cancel if own => Ok(()),
        LeaveAction::Cancel => Err(Refusal::forbidden(
            "only the employee who requested the leave cancels it",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refusal::RefusalKind;
    use LeaveStatus::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn actor(username: &str, role: StaffRole) -> Actor {
        Actor {
            username: username.into(),
            role,
        }
    }

    #[test]
    fn only_a_pending_request_is_decided() {
        assert_eq!(Pending.approve().unwrap(), Approved);
        assert_eq!(Pending.reject().unwrap(), Rejected);
        for current in [Approved, Rejected, Cancelled] {
            for err in [
                current.approve().unwrap_err(),
                current.reject().unwrap_err(),
            ] {
                assert_eq!(err.kind, RefusalKind::Conflict);
                assert!(
                    err.detail.contains(current.as_str()),
                    "names the state: {}",
                    err.detail
                );
            }
        }
    }

    #[test]
    fn approved_leave_is_cancelled_only_before_it_starts() {
        let start = day(10);
        assert_eq!(
            Pending.cancel(start, day(20)).unwrap(),
            Cancelled,
            "pending: any time"
        );
        assert_eq!(Approved.cancel(start, day(9)).unwrap(), Cancelled);
        let err = Approved.cancel(start, day(10)).unwrap_err();
        assert_eq!(err.kind, RefusalKind::Conflict);
        assert!(err.detail.contains("approved") && err.detail.contains("2026-03-10"));
        for current in [Rejected, Cancelled] {
            let err = current.cancel(start, day(1)).unwrap_err();
            assert_eq!(err.kind, RefusalKind::Conflict);
            assert!(err.detail.contains(current.as_str()));
        }
    }

    #[test]
    fn only_pending_and_approved_hold_dates() {
        assert!(Pending.holds_dates() && Approved.holds_dates());
        assert!(!Rejected.holds_dates() && !Cancelled.holds_dates());
    }

    #[test]
    fn statuses_parse_from_query_strings() {
        assert_eq!(LeaveStatus::parse("status", "approved").unwrap(), Approved);
        let err = LeaveStatus::parse("status", "open").unwrap_err();
        assert_eq!(
            (err.kind, err.field.as_deref()),
            (RefusalKind::Invalid, Some("status"))
        );
    }

    #[test]
    fn the_manager_or_an_admin_decides_and_nobody_decides_their_own() {
        use LeaveAction::*;
        let boss = actor("boss", StaffRole::Manager);
        let admin = actor("root", StaffRole::Admin);
        let peer = actor("other-manager", StaffRole::Manager);
        let me = actor("emp", StaffRole::Employee);
        for action in [Approve, Reject] {
            assert!(authorise(action, &boss, "emp", Some("boss")).is_ok());
            assert!(authorise(action, &admin, "emp", Some("boss")).is_ok());
            assert!(
                authorise(action, &admin, "boss", None).is_ok(),
                "a manager-less request goes to admins"
            );
            assert_eq!(
                authorise(action, &peer, "emp", Some("boss"))
                    .unwrap_err()
                    .kind,
                RefusalKind::Forbidden
            );
            assert_eq!(
                authorise(action, &me, "emp", Some("boss"))
                    .unwrap_err()
                    .kind,
                RefusalKind::Forbidden
            );
            let own = actor("root", StaffRole::Admin);
            assert_eq!(
                authorise(action, &own, "root", None).unwrap_err().kind,
                RefusalKind::Forbidden
            );
        }
    }

    #[test]
    fn only_the_employee_cancels() {
        let me = actor("emp", StaffRole::Employee);
        assert!(authorise(LeaveAction::Cancel, &me, "emp", Some("boss")).is_ok());
        for other in [
            actor("boss", StaffRole::Manager),
            actor("root", StaffRole::Admin),
        ] {
            let err = authorise(LeaveAction::Cancel, &other, "emp", Some("boss")).unwrap_err();
            assert_eq!(err.kind, RefusalKind::Forbidden);
        }
    }
}
