//! `POST /leave-requests/{id}/approve|reject|cancel`: the shared transition (the same one Slack
//! buttons run), answered with the request as it now stands.

use domain::leave::{self, LeaveAction};
use edge::ApiError;
use edge::claims::Claims;
use edge::http::{body_bytes, json, path_param};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::LeaveRequests;

pub async fn decide(
    app: &LeaveRequests,
    claims: &Claims,
    tenant: &str,
    request: &Request,
    action: LeaveAction,
) -> Result<Response<Body>, ApiError> {
    // Decisions take no body; a stray one is a client mistake worth saying.
    body_bytes(request, 0)?;
    let id = path_param(request, "id")?;
    let decided = leave::decide(
        app.store.as_ref(),
        tenant,
        &id,
        action,
        &claims.username,
        app.clock.now(),
    )
    .await?;
    tracing::info!(leave_id = %id, ?action, by = %claims.username, status = decided.status.as_str(), "leave decided");
    Ok(json(StatusCode::OK, &decided.view()))
}
