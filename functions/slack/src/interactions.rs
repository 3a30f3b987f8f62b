//! The Approve / Reject buttons: the clicking Slack user, as their roster entry, runs the same
//! transition as `POST /leave-requests/{id}/approve|reject`. The outcome reaches the message
//! through leave-notify (which replaces the buttons once per transition); a refusal is told to
//! the clicker alone, and Slack always gets its 200 so it shows no error of its own.

use domain::Failure;
use domain::leave::{self, LeaveAction};
use domain::ports::{ChatMessage, StoreError};
use edge::ApiError;
use edge::slack::Interaction;
use edge::slack::messages::{APPROVE_ACTION, REJECT_ACTION};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

use crate::{Slack, identity};

fn acknowledged() -> Result<Response<Body>, ApiError> {
    Response::builder()
        .status(StatusCode::OK)
        .body(Body::Empty)
        .map_err(|e| ApiError::internal(e.to_string()))
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
    let click = Interaction::parse(body)?;
    let me = match identity::person(app.store.as_ref(), &click.user_id).await? {
        Ok(me) => me,
        Err(unknown) => {
            whisper(app, &click, &unknown.explain(&click.user_id)).await;
            return acknowledged();
        }
    };
    let action = match click.action_id.as_str() {
        APPROVE_ACTION => LeaveAction::Approve,
        REJECT_ACTION => LeaveAction::Reject,
        other => {
            tracing::warn!(action = other, "unknown Slack action");
            whisper(app, &click, "That button does nothing here.").await;
            return acknowledged();
        }
    };
    let decided = leave::decide(
        app.store.as_ref(),
        &me.company_id,
        &click.value,
        action,
        &me.username,
        app.clock.now(),
    )
    .await;
    match decided {
        Ok(request) => {
            tracing::info!(leave_id = %request.leave_id, ?action, by = %me.username, "leave decided from Slack");
            acknowledged()
        }
        Err(Failure::Refused(refused)) => {
            tracing::info!(leave_id = %click.value, kind = ?refused.kind, "Slack decision refused");
            whisper(app, &click, &format!("Nothing changed: {}", refused.detail)).await;
            acknowledged()
        }
        // A click is not retried by Slack; the person is told to click again instead.
        Err(Failure::Store(StoreError::Throttled)) => {
            tracing::warn!(leave_id = %click.value, "Slack decision throttled");
            whisper(
                app,
                &click,
                "Nothing changed: the data store is busy; retry shortly",
            )
            .await;
            acknowledged()
        }
        Err(fault) => Err(fault.into()),
    }
}
