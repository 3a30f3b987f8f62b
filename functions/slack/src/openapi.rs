//! The OpenAPI description of this function's routes (feature `openapi`): the two form posts
//! Slack signs, described as Slack sends them. There is no Cognito token: the `v0` signature of
//! the body is the authentication, and an operation without a valid, fresh, unseen signature
//! is refused with 401 before anything in it is read.
#![allow(dead_code)] // The annotated functions and schema structs exist for their descriptions.

use edge::openapi::{BadRequest, PayloadTooLarge, Unauthorized};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// The headers Slack signs a request with.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
struct SlackSignature {
    /// `v0=` and the hex HMAC-SHA256, keyed by the app's signing secret, of
    /// `v0:<timestamp>:<raw body>`.
    #[param(rename = "X-Slack-Signature", pattern = "^v0=[0-9a-fA-F]{64}$")]
    signature: String,
    /// Unix seconds when Slack signed; more than 5 minutes off the server's clock is refused.
    #[param(
        rename = "X-Slack-Request-Timestamp",
        pattern = "^[0-9]{1,19}$",
        example = "1790000000"
    )]
    timestamp: String,
}

/// A slash command, form-encoded as Slack posts it (fields not listed here are ignored).
#[derive(ToSchema)]
#[schema(example = json!({
    "command": "/leave", "text": "pending", "user_id": "U0MANAGER", "team_id": "T0GENESE",
    "response_url": "https://hooks.slack.com/commands/T0GENESE/1234/abcd"
}))]
struct SlashCommandForm {
    /// `/leave` or `/attendance`.
    command: String,
    /// What followed the command: `pending` or `mine` for `/leave`, `today` for `/attendance`.
    text: Option<String>,
    /// The Slack user, who acts as the roster entry linked to them.
    user_id: String,
    team_id: String,
    /// Must start with `https://hooks.slack.com/`.
    response_url: String,
}

/// A button click or a form submission, form-encoded as Slack posts it: `payload=<the
/// interaction as JSON>`.
#[derive(ToSchema)]
struct InteractionForm {
    /// The interaction as JSON. A `block_actions` click: `user.id`, `team.id`,
    /// `container.message_ts`, `container.channel_id`, `response_url`, `trigger_id` and one
    /// action with `action_id` (`leave_approve` or `leave_reject`) and `value` (the leave request
    /// id). A `view_submission` of the reject form: `user.id`, `team.id` and `view` with
    /// `callback_id` (`leave_reject_form`), `private_metadata` (the leave request id) and
    /// `state.values.comment.comment.value` (the comment).
    #[schema(
        example = r#"{"type":"block_actions","user":{"id":"U0MANAGER"},"team":{"id":"T0"},"container":{"message_ts":"1","channel_id":"D0"},"response_url":"https://hooks.slack.com/actions/T0/1/x","actions":[{"action_id":"leave_approve","value":"<request id>"}]}"#
    )]
    payload: String,
}

/// What a slash command answers, shown to the caller only.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
struct EphemeralReply {
    /// Always `ephemeral`.
    response_type: String,
    /// Slack `mrkdwn` text.
    text: String,
    /// Block Kit blocks (the pending requests with their buttons), when there are any.
    #[serde(skip_serializing_if = "Option::is_none")]
    blocks: Option<Vec<Value>>,
}

/// A slash command: `/leave pending`, `/leave mine`, `/attendance today`.
///
/// The answer is always 200 for Slack to show in place, unknown commands and users included.
#[utoipa::path(
    post, path = "/slack/commands", tag = "slack",
    operation_id = "slackCommand",
    params(SlackSignature),
    request_body(content = SlashCommandForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The reply, for the caller's eyes only.", body = EphemeralReply),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 413, response = PayloadTooLarge),
    ),
    security(())
)]
fn command() {}

/// An Approve or Reject click on a leave request's message, or the reject form submitted.
///
/// The Slack user, as their roster entry, runs the same transition as `POST
/// /leave-requests/{id}/approve|reject`. Approve decides at the click; Reject opens a form
/// (`views.open`) for the required comment and decides when it is submitted. The message is
/// updated once decided; a refused click is told to the clicker alone, a refused submission is
/// shown on the form's comment field. Slack always gets its 200.
#[utoipa::path(
    post, path = "/slack/interactions", tag = "slack",
    operation_id = "slackInteraction",
    params(SlackSignature),
    request_body(content = InteractionForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Acknowledged: no body (a submitted form closes), or for a refused submission `{\"response_action\": \"errors\", \"errors\": {\"comment\": \"<why nothing changed>\"}}`, which keeps the form open with the error under its field."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 413, response = PayloadTooLarge),
    ),
    security(())
)]
fn interaction() {}

/// This function's operations, one per entry of [`ROUTES`](crate::ROUTES), and the schemas they use.
pub fn openapi() -> utoipa::openapi::OpenApi {
    crate::described_routes()
}
