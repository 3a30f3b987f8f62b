//! `POST /leave-requests/{id}/approve|reject|cancel`: the shared transition (the same one Slack
//! buttons run), answered with the request as it now stands. Approve and reject take the
//! decider's `{"comment"}` (reject must have one); cancel takes no body.

use domain::leave::{self, Decision, DecisionNote, LeaveAction};
use edge::ApiError;
use edge::claims::Claims;
use edge::http::{DEFAULT_BODY_LIMIT, body_bytes, json, json_body, path_param};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::LeaveRequests;

/// The body's note: none for a cancellation (a stray body is a client mistake worth saying);
/// for a decision, no body is a note without comment (which a rejection then refuses, naming
/// `comment`).
fn note(request: &Request, action: LeaveAction) -> Result<DecisionNote, ApiError> {
    if action == LeaveAction::Cancel {
        return body_bytes(request, 0).map(|_| DecisionNote::default());
    }
    if body_bytes(request, DEFAULT_BODY_LIMIT)?
        .iter()
        .all(u8::is_ascii_whitespace)
    {
        return Ok(DecisionNote::default());
    }
    json_body(request, DEFAULT_BODY_LIMIT)
}

pub async fn decide(
    app: &LeaveRequests,
    claims: &Claims,
    tenant: &str,
    request: &Request,
    action: LeaveAction,
) -> Result<Response<Body>, ApiError> {
    let id = path_param(request, "id")?;
    let note = note(request, action)?;
    let decision = Decision::new(action, note.comment.as_deref())?;
    let decided = leave::decide(
        app.store.as_ref(),
        tenant,
        &id,
        &decision,
        &claims.username,
        app.clock.now(),
    )
    .await?;
    tracing::info!(leave_id = %id, ?action, by = %claims.username, status = decided.status.as_str(), "leave decided");
    Ok(json(StatusCode::OK, &decided.view()))
}
