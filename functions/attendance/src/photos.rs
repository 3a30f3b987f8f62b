//! Photos in and out: the selfie of a request, normalised off the async threads, and an
//! admin's short-lived link to a punch photo, each issue audited.

use std::time::Duration;

use chrono::NaiveDate;
use domain::attendance::{AttendanceRepo, PunchKind, person_key};
use domain::ports::{Condition, Item, Table};
use edge::ApiError;
use edge::claims::Claims;
use edge::http::{MAX_SYNC_EVENT_BYTES, body_bytes, json, path_param, query_param};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde_json::json;

use crate::Attendance;
use crate::members::member;

/// How long an admin's photo link stays valid.
const LINK_TTL: Duration = Duration::from_secs(5 * 60);
/// No larger body reaches a Lambda function; the photo inside is capped (and named) by
/// `decode_body`.
const BODY_LIMIT: usize = MAX_SYNC_EVENT_BYTES;

/// The request's `{"photo": "<base64>"}`, checked by magic bytes, decoded, re-oriented,
/// stripped of metadata, downscaled and re-encoded as JPEG.
pub async fn selfie(request: &Request) -> Result<Vec<u8>, ApiError> {
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = body_bytes(request, BODY_LIMIT)?.to_vec();
    let raw = edge::photo::decode_body(content_type.as_deref(), &bytes)?;
    // Decoding and resizing are CPU-bound: keep them off the request threads.
    let normalised = tokio::task::spawn_blocking(move || domain::photo::normalise(&raw))
        .await
        .map_err(|e| ApiError::internal(format!("photo task: {e}")))??;
    Ok(normalised.jpeg)
}

/// `GET /attendance/{username}/{date}/photo?kind=in|out` (admins).
pub async fn link(
    app: &Attendance,
    claims: &Claims,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let person = member(app, tenant, &path_param(request, "username")?).await?;
    let date = NaiveDate::parse_from_str(&path_param(request, "date")?, "%Y-%m-%d")
        .map_err(|_| ApiError::bad_request("date", "use YYYY-MM-DD"))?;
    let kind = match query_param(request, "kind") {
        Some("in") => PunchKind::CheckIn,
        Some("out") => PunchKind::CheckOut,
        _ => return Err(ApiError::bad_request("kind", "use in or out")),
    };
    let day = AttendanceRepo::new(app.store.as_ref())
        .day(tenant, &person.username, date)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no attendance on {date}")))?;
    let punch = day
        .punch(kind)
        .ok_or_else(|| ApiError::not_found(format!("no check-{} on {date}", kind.short())))?;
    let now = app.clock.now();
    // The audit record is written before the link exists: no unaudited link is ever issued.
    let mut audit = Item::new();
    audit.insert("person".into(), person_key(tenant, &person.username).into());
    audit.insert(
        "work_date".into(),
        format!(
            "audit#{}#{}",
            now.to_rfc3339(),
            uuid::Uuid::new_v4().simple()
        )
        .into(),
    );
    audit.insert(
        "photo_of".into(),
        json!({ "date": day.work_date, "kind": kind }),
    );
    audit.insert("issued_to".into(), claims.username.clone().into());
    audit.insert("issued_at".into(), json!(now));
    app.store
        .put(Table::Attendance, audit, Condition::Absent)
        .await?;
    let url = app.blobs.presign_get(&punch.photo_key, LINK_TTL).await?;
    tracing::info!(by = %claims.username, of = %person.username, date = %day.work_date, "photo link issued");
    Ok(json(
        StatusCode::OK,
        &json!({ "url": url, "expiresIn": LINK_TTL.as_secs() }),
    ))
}
