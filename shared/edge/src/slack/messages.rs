//! The Slack messages the product sends, in Block Kit: a leave request with Approve / Reject
//! buttons, the form a rejection's comment is written in, the same message once decided, and
//! the missing check-out reminder.

use serde_json::{Value, json};

use domain::calendar::iso_date;
use domain::leave::{LeaveRequest, LeaveStatus, MAX_COMMENT_CHARS};
use domain::ports::ChatMessage;

/// The button that approves the leave request whose id it carries.
pub const APPROVE_ACTION: &str = "leave_approve";
/// The button that rejects it, by opening [`reject_form`].
pub const REJECT_ACTION: &str = "leave_reject";
/// The reject form's `callback_id`, which its submission names.
pub const REJECT_FORM: &str = "leave_reject_form";
/// The form's comment input: its block id and action id, where Slack reports an error.
pub const COMMENT_INPUT: &str = "comment";

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
    let mut blocks = vec![section(&text)];
    if let Some(comment) = &request.decision_comment {
        blocks.push(section(&format!("*Comment:* {}", escape(comment))));
    }
    ChatMessage {
        channel: channel.into(),
        text,
        blocks: Some(Value::Array(blocks)),
    }
}

/// The form a Reject button opens (Slack's `views.open`): the comment the employee is owed,
/// required, the request's id carried in `private_metadata` to the submission.
pub fn reject_form(leave_id: &str) -> Value {
    let plain = |text: &str| json!({ "type": "plain_text", "text": text });
    json!({
        "type": "modal",
        "callback_id": REJECT_FORM,
        "private_metadata": leave_id,
        "title": plain("Reject leave"),
        "submit": plain("Reject"),
        "close": plain("Cancel"),
        "blocks": [{
            "type": "input",
            "block_id": COMMENT_INPUT,
            "label": plain("Why, in a few words for the employee"),
            "element": {
                "type": "plain_text_input",
                "action_id": COMMENT_INPUT,
                "multiline": true,
                "max_length": MAX_COMMENT_CHARS,
            },
        }],
    })
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
