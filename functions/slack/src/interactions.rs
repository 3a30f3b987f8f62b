//! The Approve / Reject buttons and the reject form: the Slack user, as their roster entry, runs
//! the same transition as `POST /leave-requests/{id}/approve|reject`.
//!
//! Approve decides at the click. Reject first opens a form for the comment a rejection needs
//! (`views.open`, with the click's trigger), and decides when the form is submitted. The outcome
//! reaches the message through leave-notify (which replaces the buttons once per transition). A
//! refused click is told to the clicker alone; a refused submission is shown on the form's
//! comment field, which stays open. Slack always gets its 200 so it shows no error of its own.

use domain::Failure;
use domain::leave::{self, Decision, LeaveAction, LeaveRequest};
use domain::ports::{ChatMessage, StoreError};
use domain::roster::RosterEntry;
use edge::ApiError;
use edge::http::json;
use edge::slack::messages::{self, APPROVE_ACTION, COMMENT_INPUT, REJECT_ACTION, REJECT_FORM};
use edge::slack::{Interaction, Interactive, ViewSubmission};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde_json::json;

use crate::{Slack, identity};

fn acknowledged() -> Result<Response<Body>, ApiError> {
    Response::builder()
        .status(StatusCode::OK)
        .body(Body::Empty)
        .map_err(|e| ApiError::internal(e.to_string()))
}

/// Keeps the submitted form open with `text` under its comment field.
fn form_error(text: &str) -> Result<Response<Body>, ApiError> {
    Ok(json(
        StatusCode::OK,
        &json!({ "response_action": "errors", "errors": { COMMENT_INPUT: text } }),
    ))
}

/// Tells the clicker alone; best effort, as the click itself has been answered.
async fn whisper(app: &Slack, click: &Interaction, text: &str) {
    let message = ChatMessage {
        channel: click.channel_id.clone(),
        text: text.to_string(),
        blocks: None,
    };
    if let Err(e) = app.chat.whisper(&click.user_id, &message).await {
        tracing::warn!(error = %e, user = %click.user_id, "could not tell the Slack user");
    }
}

pub async fn run(app: &Slack, body: &[u8]) -> Result<Response<Body>, ApiError> {
    match Interactive::parse(body)? {
        Interactive::Click(click) => clicked(app, &click).await,
        Interactive::Submission(form) => submitted(app, &form).await,
    }
}

async fn clicked(app: &Slack, click: &Interaction) -> Result<Response<Body>, ApiError> {
    let me = match identity::person(app.store.as_ref(), &click.user_id).await? {
        Ok(me) => me,
        Err(unknown) => {
            whisper(app, click, &unknown.explain(&click.user_id)).await;
            return acknowledged();
        }
    };
    match click.action_id.as_str() {
        APPROVE_ACTION => {}
        REJECT_ACTION => return open_reject_form(app, click).await,
        other => {
            tracing::warn!(action = other, "unknown Slack action");
            whisper(app, click, "That button does nothing here.").await;
            return acknowledged();
        }
    }
    let approve = Decision::plain(LeaveAction::Approve)?;
    match decide(app, &me, &click.value, &approve).await? {
        Ok(_) => {}
        Err(text) => whisper(app, click, &text).await,
    }
    acknowledged()
}

/// Asks for the comment; whether the clicker may reject is the submission's to find out, as the
/// trigger expires within three seconds of the click.
async fn open_reject_form(app: &Slack, click: &Interaction) -> Result<Response<Body>, ApiError> {
    let opened = match &click.trigger_id {
        Some(trigger) => {
            let form = messages::reject_form(&click.value);
            app.chat
                .open_view(trigger, &form)
                .await
                .map_err(|e| e.to_string())
        }
        None => Err("the click carried no trigger_id".to_string()),
    };
    if let Err(e) = opened {
        tracing::warn!(error = %e, leave_id = %click.value, "could not open the reject form");
        whisper(
            app,
            click,
            "Nothing changed: the reject form did not open; click Reject again.",
        )
        .await;
    }
    acknowledged()
}

async fn submitted(app: &Slack, form: &ViewSubmission) -> Result<Response<Body>, ApiError> {
    if form.callback_id != REJECT_FORM {
        tracing::warn!(callback_id = %form.callback_id, "unknown Slack form");
        return form_error("This form does nothing here.");
    }
    let me = match identity::person(app.store.as_ref(), &form.user_id).await? {
        Ok(me) => me,
        Err(unknown) => return form_error(&unknown.explain(&form.user_id)),
    };
    let comment = form.values.get(COMMENT_INPUT).map(String::as_str);
    let reject = match Decision::new(LeaveAction::Reject, comment) {
        Ok(reject) => reject,
        Err(refused) => return form_error(&refused.detail),
    };
    match decide(app, &me, &form.private_metadata, &reject).await? {
        // An empty 200 closes the form.
        Ok(_) => acknowledged(),
        Err(text) => form_error(&text),
    }
}

/// Runs `decision` as `me`: the request, or what to tell the person when nothing changed.
async fn decide(
    app: &Slack,
    me: &RosterEntry,
    leave_id: &str,
    decision: &Decision,
) -> Result<Result<LeaveRequest, String>, ApiError> {
    let decided = leave::decide(
        app.store.as_ref(),
        &me.company_id,
        leave_id,
        decision,
        &me.username,
        app.clock.now(),
    )
    .await;
    let action = decision.action();
    match decided {
        Ok(request) => {
            tracing::info!(leave_id = %request.leave_id, ?action, by = %me.username, "leave decided from Slack");
            Ok(Ok(request))
        }
        Err(Failure::Refused(refused)) => {
            tracing::info!(leave_id, kind = ?refused.kind, "Slack decision refused");
            Ok(Err(format!("Nothing changed: {}", refused.detail)))
        }
        // A click is not retried by Slack; the person is told to try again instead.
        Err(Failure::Store(StoreError::Throttled)) => {
            tracing::warn!(leave_id, "Slack decision throttled");
            Ok(Err(
                "Nothing changed: the data store is busy; retry shortly".into(),
            ))
        }
        Err(fault) => Err(fault.into()),
    }
}
