//! `POST /leave-requests`: the caller's own leave. The approver is their manager on the roster,
//! never a field of the body; the cost in working days skips the company's days off and holidays;
//! overlapping the caller's own pending or approved leave is refused (see `LeaveRepo::create`).

use domain::calendar::work_date;
use domain::company::members;
use domain::events::EventRepo;
use domain::leave::{LeaveDraft, LeaveRepo, LeaveRequest};
use edge::ApiError;
use edge::claims::Claims;
use edge::http::{DEFAULT_BODY_LIMIT, json, json_body};
use edge::idempotency_key;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::LeaveRequests;

pub async fn create(
    app: &LeaveRequests,
    claims: &Claims,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let store = app.store.as_ref();
    let key = idempotency_key::requested(
        request,
        "leave-request",
        &format!("{tenant}/{}", claims.username),
    )?;
    if let Some(key) = &key
        && let Some(first) = idempotency_key::replay(store, key).await?
    {
        return Ok(first);
    }
    let draft = json_body::<LeaveDraft>(request, DEFAULT_BODY_LIMIT)?;
    let me = members::active_self(store, tenant, &claims.username).await?;
    let company = members::company(store, tenant).await?;
    let now = app.clock.now();
    let draft = draft.validated(&app.policy, work_date(now, company.profile.tz()))?;
    let holidays = EventRepo::new(store)
        .holidays_between(tenant, draft.start_date, draft.end_date)
        .await?;
    let leave = LeaveRequest::new(
        app.ids.new_id(),
        &me,
        draft,
        &company.profile.work_hours.work_days,
        &holidays,
        now,
    )?;
    let created = LeaveRepo::new(store).create(leave).await?;
    tracing::info!(leave_id = %created.leave_id, employee = %created.employee, days = created.days, "leave requested");
    let body =
        serde_json::to_value(created.view()).map_err(|e| ApiError::internal(e.to_string()))?;
    if let Some(key) = &key {
        idempotency_key::remember(store, key, StatusCode::CREATED, &body, now).await;
    }
    Ok(json(StatusCode::CREATED, &body))
}
