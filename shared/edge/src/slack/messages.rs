//! The Slack messages the product sends, in Block Kit: a leave request with Approve / Reject
//! buttons, the same message once decided, and the missing check-out reminder.

use serde_json::{Value, json};

use domain::calendar::iso_date;
use domain::leave::{LeaveRequest, LeaveStatus};
use domain::ports::ChatMessage;

/// The button that approves the leave request whose id it carries.
pub const APPROVE_ACTION: &str = "leave_approve";
/// The button that rejects it.
pub const REJECT_ACTION: &str = "leave_reject";

/// Slack's mrkdwn treats `&`, `<` and `>` as control characters.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn summary(request: &LeaveRequest, who: &str) -> String {
    format!(
        "{who} asks for {kind} leave from {start} to {end} ({days} working day{s}).",
        who = escape(who),
        kind = request.leave_type.as_str(),
        start = iso_date(request.start_date),
        end = iso_date(request.end_date),
        days = request.days,
        s = if request.days == 1.0 { "" } else { "s" },
    )
}

fn section(text: &str) -> Value {
    json!({ "type": "section", "text": { "type": "mrkdwn", "text": text } })
}

/// To the approver: the request, its reason, and the two buttons.
pub fn leave_request(channel: &str, request: &LeaveRequest, who: &str) -> ChatMessage {
    let text = summary(request, who);
    let reason = format!("*Reason:* {}", escape(&request.reason));
    let button = |action: &str, label: &str, style: &str| {
        json!({
            "type": "button", "action_id": action, "value": request.leave_id,
            "style": style, "text": { "type": "plain_text", "text": label },
        })
    };
    ChatMessage {
        channel: channel.into(),
        text: text.clone(),
        blocks: Some(json!([
            section(&text),
            section(&reason),
            {
                "type": "actions", "block_id": format!("leave-{}", request.leave_id),
                "elements": [
                    button(APPROVE_ACTION, "Approve", "primary"),
                    button(REJECT_ACTION, "Reject", "danger"),
                ],
            },
        ])),
    }
}

/// The same message after the decision: no buttons, the outcome and who took it (`by`, a
/// display name).
pub fn leave_decided(channel: &str, request: &LeaveRequest, who: &str, by: &str) -> ChatMessage {
    let outcome = match request.status {
        LeaveStatus::Approved => "Approved",
        LeaveStatus::Rejected => "Rejected",
        LeaveStatus::Cancelled => "Cancelled",
        LeaveStatus::Pending => "Pending",
    };
    let text = format!("{} {outcome} by {}.", summary(request, who), escape(by));
    ChatMessage {
        channel: channel.into(),
        text: text.clone(),
        blocks: Some(json!([section(&text)])),
    }
}

/// To someone who checked in and not out by the end of the work day.
pub fn checkout_reminder(channel: &str, date: &str, checked_in_at: &str) -> ChatMessage {
    let text = format!(
        "You checked in at {checked_in_at} on {date} but have not checked out. \
         Check out with a selfie when you leave."
    );
    ChatMessage {
        channel: channel.into(),
        text: text.clone(),
        blocks: Some(json!([section(&text)])),
    }
}
