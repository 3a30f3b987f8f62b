//! `GET /employees/{username}/consent-trail`: every change of one person's biometric consent,
//! oldest first, for their company's admins: what an auditor or the person asks the employer
//! to show (which text was agreed to, when, when it was withdrawn and the face deleted).

use chrono::{DateTime, Utc};
use domain::consent::{ConsentAudit, ConsentChange, ConsentRepo};
use edge::ApiError;
use edge::http::{json, path_param};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Serialize;

use crate::Attendance;
use crate::members::member;

/// One change, as an admin reads it.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConsentChangeView {
    /// `given` or `withdrawn`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^(given|withdrawn)$"))]
    change: ConsentChange,
    /// The version of the consent text agreed to (`given` only).
    text_version: Option<String>,
    /// Who made the change (the person themselves).
    by: String,
    at: DateTime<Utc>,
    /// Whether their reference face was deleted with it.
    face_deleted: bool,
}

/// The trail of one person.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConsentTrail {
    username: String,
    /// Oldest first.
    items: Vec<ConsentChangeView>,
}

impl From<ConsentAudit> for ConsentChangeView {
    fn from(a: ConsentAudit) -> Self {
        ConsentChangeView {
            change: a.change,
            text_version: a.text_version,
            by: a.by,
            at: a.at,
            face_deleted: a.face_deleted,
        }
    }
}

/// `GET /employees/{username}/consent-trail` (admins); another company's people are not found.
pub async fn read(
    app: &Attendance,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let person = member(app, tenant, &path_param(request, "username")?).await?;
    let trail = ConsentRepo::new(app.store.as_ref())
        .trail(tenant, &person.username)
        .await?;
    Ok(json(
        StatusCode::OK,
        &ConsentTrail {
            username: person.username,
            items: trail.into_iter().map(ConsentChangeView::from).collect(),
        },
    ))
}
