//! The leave emails, each with a plain-text and an HTML body: a request to its approver, a
//! decision to the employee, a cancellation to the approver.

use domain::calendar::iso_date;
use domain::leave::{LeaveRequest, LeaveStatus};
use domain::mail_text::{escape_html as escape, one_line};
use domain::ports::Email;
use domain::roster::RosterEntry;

fn span(r: &LeaveRequest) -> String {
    let days = if r.days == 1.0 {
        "1 working day".to_string()
    } else {
        format!("{} working days", r.days)
    };
    let half = |h: Option<domain::leave::HalfDay>| match h {
        Some(domain::leave::HalfDay::Morning) => " (morning)",
        Some(domain::leave::HalfDay::Afternoon) => " (afternoon)",
        None => "",
    };
    format!(
        "{kind} leave from {start}{sh} to {end}{eh}, {days}",
        kind = r.leave_type.as_str(),
        start = iso_date(r.start_date),
        sh = half(r.start_half),
        end = iso_date(r.end_date),
        eh = half(r.end_half),
    )
}

fn email(from: &str, to: &RosterEntry, subject: String, lines: &[String]) -> Email {
    let text = lines.join("\n\n") + "\n";
    let html = format!(
        "<!doctype html><html><body>{}</body></html>",
        lines
            .iter()
            .map(|l| format!("<p>{}</p>", escape(l)))
            .collect::<String>()
    );
    Email {
        from: from.into(),
        to: vec![to.email.clone()],
        subject: one_line(&subject),
        text,
        html,
    }
}

/// To an approver: who asks for what, why, and where to decide.
pub fn request_to_approver(
    from: &str,
    r: &LeaveRequest,
    employee: &str,
    approver: &RosterEntry,
) -> Email {
    email(
        from,
        approver,
        format!("Leave request from {employee}: {}", span(r)),
        &[
            format!("Hello {},", approver.display_name()),
            format!("{employee} asks for {}.", span(r)),
            format!("Reason: {}", r.reason),
            format!(
                "Approve or reject it in the attendance app (request {}) or with the buttons of \
                 the Slack message.",
                r.leave_id
            ),
        ],
    )
}

/// To the employee, once their request is approved or rejected by `by` (a display name), with
/// what `by` wrote.
pub fn decision_to_employee(
    from: &str,
    r: &LeaveRequest,
    employee: &RosterEntry,
    by: &str,
) -> Email {
    let outcome = match r.status {
        LeaveStatus::Approved => "approved",
        LeaveStatus::Rejected => "rejected",
        LeaveStatus::Cancelled => "cancelled",
        LeaveStatus::Pending => "pending",
    };
    let mut lines = vec![
        format!("Hello {},", employee.display_name()),
        format!("Your request for {} was {outcome} by {by}.", span(r)),
    ];
    if let Some(comment) = &r.decision_comment {
        lines.push(format!("{by} wrote: {comment}"));
    }
    lines.push(format!("Request {}.", r.leave_id));
    email(
        from,
        employee,
        format!("Your leave request was {outcome}: {}", span(r)),
        &lines,
    )
}

/// To an approver, when the employee withdraws a request they had to decide or had approved.
pub fn cancellation_to_approver(
    from: &str,
    r: &LeaveRequest,
    employee: &str,
    approver: &RosterEntry,
    was: LeaveStatus,
) -> Email {
    email(
        from,
        approver,
        format!("Leave cancelled by {employee}: {}", span(r)),
        &[
            format!("Hello {},", approver.display_name()),
            format!(
                "{employee} cancelled their {} request for {}.",
                was.as_str(),
                span(r)
            ),
            format!("Request {}.", r.leave_id),
        ],
    )
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate};
    use domain::leave::{HalfDay, LeaveType};
    use domain::roster::{EmploymentStatus, StaffRole};

    use super::*;

    fn person(name: Option<&str>) -> RosterEntry {
        RosterEntry {
            company_id: "c1".into(),
            username: "ana".into(),
            sub: "s".into(),
            email: "ana@acme.test".into(),
            role: StaffRole::Manager,
            manager: None,
            status: EmploymentStatus::Active,
            created_at: DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
            name: name.map(str::to_string),
            face_id: None,
            face_enrolled_at: None,
            biometric_consent: None,
            version: 1,
            offboarded_at: None,
            slack_user_id: None,
        }
    }

    fn request() -> LeaveRequest {
        LeaveRequest {
            leave_id: "L1".into(),
            company_id: "c1".into(),
            employee: "bo".into(),
            manager: Some("ana".into()),
            leave_type: LeaveType::Annual,
            start_date: NaiveDate::from_ymd_opt(2026, 12, 21).unwrap(),
            end_date: NaiveDate::from_ymd_opt(2026, 12, 23).unwrap(),
            start_half: None,
            end_half: Some(HalfDay::Morning),
            reason: "Family <visit> & rest\r\nBcc: x@y".into(),
            days: 2.5,
            status: LeaveStatus::Approved,
            decided_by: Some("ana".into()),
            decided_at: None,
            decision_comment: None,
            created_at: DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
            version: 2,
        }
    }

    #[test]
    fn the_approver_mail_names_the_span_and_escapes_the_reason() {
        let mail = request_to_approver("hr@acme.test", &request(), "Bo Li", &person(Some("Ana")));
        assert_eq!(mail.to, ["ana@acme.test"]);
        assert_eq!(
            mail.subject,
            "Leave request from Bo Li: annual leave from 2026-12-21 to 2026-12-23 (morning), 2.5 working days"
        );
        assert!(mail.text.starts_with("Hello Ana,"));
        assert!(mail.html.contains("Family &lt;visit&gt; &amp; rest"));
        assert!(!mail.html.contains("<visit>"));
    }

    #[test]
    fn the_decision_says_who_decided_and_subjects_stay_on_one_line() {
        let mail = decision_to_employee("hr@acme.test", &request(), &person(None), "Ana Rai");
        assert!(mail.subject.starts_with("Your leave request was approved"));
        assert!(mail.text.starts_with("Hello ana@acme.test,"));
        assert!(mail.text.contains("was approved by Ana Rai"));
        assert!(!mail.text.contains("wrote"), "no comment, no line");
        let mut rejected = request();
        rejected.status = LeaveStatus::Rejected;
        rejected.decision_comment = Some("Audit <week> & year end".into());
        let mail = decision_to_employee("hr@acme.test", &rejected, &person(None), "Ana Rai");
        assert!(mail.text.contains("Ana Rai wrote: Audit <week> & year end"));
        assert!(mail.html.contains("Audit &lt;week&gt; &amp; year end"));
        let mut r = request();
        r.leave_type = LeaveType::Sick;
        let cancelled = cancellation_to_approver(
            "hr@acme.test",
            &r,
            "Bo\r\nBcc: x",
            &person(None),
            LeaveStatus::Approved,
        );
        assert!(!cancelled.subject.contains('\n') && !cancelled.subject.contains('\r'));
        assert!(
            cancelled
                .text
                .contains("cancelled their approved request for sick leave")
        );
    }
}
