//! `PUT` and `DELETE /me/biometric-consent`: a person gives or withdraws their consent to face
//! matching. Each change writes the roster entry and its audit record together, conditional on
//! the entry's version; a race is retried from a fresh read, so identical requests change and
//! audit once. Withdrawing deletes the reference face before the entry forgets it: a failure in
//! between leaves no face behind, only an entry pointing at nothing, which the retry clears.

use chrono::{DateTime, Utc};
use domain::consent::{self, ConsentAudit, ConsentChange, ConsentRepo};
use domain::ports::StoreError;
use domain::roster::RosterEntry;
use edge::ApiError;
use edge::claims::Claims;
use edge::http::{DEFAULT_BODY_LIMIT, json, json_body, no_content};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::json;

use crate::Attendance;
use crate::me::ConsentView;
use crate::members::active_self;

/// Attempts before a change that keeps losing races is refused.
const ATTEMPTS: usize = 3;

/// `PUT /me/biometric-consent` body: the version of the consent text read (`GET /me`).
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ConsentGiven {
    /// `consentText.version` of `GET /me`.
    #[cfg_attr(feature = "openapi", schema(example = "2026-12-03", max_length = 64))]
    text_version: String,
}

/// `PUT /me/biometric-consent` (staff): records the caller's consent.
pub async fn give(
    app: &Attendance,
    claims: &Claims,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let body = json_body::<ConsentGiven>(request, DEFAULT_BODY_LIMIT)?;
    for _ in 0..ATTEMPTS {
        let current = active_self(app, tenant, &claims.username).await?;
        let now = app.clock.now();
        let Some(next) = consent::given(&current, &body.text_version, now)? else {
            return Ok(given(&current));
        };
        if record(app, claims, (&current, &next), ConsentChange::Given, now)
            .await?
            .is_some()
        {
            tracing::info!(username = %next.username, "biometric consent given");
            return Ok(given(&next));
        }
    }
    Err(changed_meanwhile())
}

/// `DELETE /me/biometric-consent` (staff): withdraws it and deletes the reference face.
pub async fn withdraw(
    app: &Attendance,
    claims: &Claims,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    edge::http::body_bytes(request, 0)?;
    for _ in 0..ATTEMPTS {
        let current = active_self(app, tenant, &claims.username).await?;
        let Some(next) = consent::withdrawn(&current) else {
            return Ok(no_content());
        };
        if let Some(face) = &current.face_id {
            app.faces.delete(tenant, std::slice::from_ref(face)).await?;
        }
        let change = ConsentChange::Withdrawn;
        let at = app.clock.now();
        if let Some(audit) = record(app, claims, (&current, &next), change, at).await? {
            tracing::info!(username = %next.username, face_deleted = audit.face_deleted, "biometric consent withdrawn");
            return Ok(no_content());
        }
    }
    Err(changed_meanwhile())
}

/// Writes `current → next` with its audit record at `at`, unless the entry changed since
/// `current` was read (`None`: read again and retry).
async fn record(
    app: &Attendance,
    claims: &Claims,
    (current, next): (&RosterEntry, &RosterEntry),
    change: ConsentChange,
    at: DateTime<Utc>,
) -> Result<Option<ConsentAudit>, ApiError> {
    let audit = ConsentAudit::of(current, next, change, &claims.username, at);
    match ConsentRepo::new(app.store.as_ref())
        .record(current, next, &audit)
        .await
    {
        Ok(()) => Ok(Some(audit)),
        Err(StoreError::ConditionFailed) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn given(entry: &RosterEntry) -> Response<Body> {
    let consent = entry.biometric_consent.as_ref().map(ConsentView::from);
    json(
        StatusCode::OK,
        &json!({ "biometricConsent": consent, "version": entry.version }),
    )
}

fn changed_meanwhile() -> ApiError {
    ApiError::conflict("your roster entry kept changing meanwhile; retry")
}
