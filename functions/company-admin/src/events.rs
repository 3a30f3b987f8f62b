//! The company calendar: `GET /events?month=YYYY-MM` (all staff), `POST /events` and
//! `DELETE /events/{id}` (admins). Holidays marked here are skipped by the leave day count and
//! flagged in the attendance report. An event's id starts with its date, so a delete finds it by
//! key in the company's own partition.

use domain::events::{EventDraft, EventRepo, Month, date_of_event_id, event_id};
use edge::ApiError;
use edge::claims::Claims;
use edge::http::{
    DEFAULT_BODY_LIMIT, body_bytes, json, json_body, no_content, path_param, query_param,
};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::CompanyAdmin;

/// `GET /events?month=`: the company's events of the month, by date.
pub async fn list(
    app: &CompanyAdmin,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let month = match query_param(request, "month") {
        Some(m) => Month::parse("month", m)?,
        None => return Err(ApiError::bad_request("month", "give the month as YYYY-MM")),
    };
    let events = EventRepo::new(app.store.as_ref())
        .list_month(tenant, month)
        .await?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "items": events }),
    ))
}

/// `POST /events`: a validated event under a new date-prefixed id.
pub async fn create(
    app: &CompanyAdmin,
    claims: &Claims,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let draft = json_body::<EventDraft>(request, DEFAULT_BODY_LIMIT)?.validated()?;
    let id = event_id(draft.date, &app.ids.new_id());
    let event = EventRepo::new(app.store.as_ref())
        .create(tenant, id, draft, &claims.username, app.clock.now())
        .await?;
    tracing::info!(event_id = %event.id, holiday = event.holiday, "event created");
    Ok(json(StatusCode::CREATED, &event))
}

/// `DELETE /events/{id}`; an id that is not ours (or not an id at all) is not found.
pub async fn delete(
    app: &CompanyAdmin,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    body_bytes(request, 0)?;
    let id = path_param(request, "id")?;
    let date = date_of_event_id(&id).ok_or_else(|| ApiError::not_found("no such event"))?;
    EventRepo::new(app.store.as_ref())
        .delete(tenant, date, &id)
        .await?;
    tracing::info!(event_id = %id, "event deleted");
    Ok(no_content())
}
