//! Enrolling the reference face a person's selfies are matched against, once they have
//! consented to it (`consent.rs`). The photo itself is not kept: the face service holds its
//! template, and a new enrolment replaces the old one.

use domain::consent::{self, Whose};
use domain::ports::StoreError;
use domain::roster::{EmploymentStatus, RosterEntry, RosterRepo};
use edge::ApiError;
use edge::claims::Claims;
use edge::http::{json, path_param};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde_json::json;

use crate::members::{active_self, member};
use crate::{Attendance, photos};

/// `PUT /employees/{username}/face` (admins): enrols someone of their company.
pub async fn enrol_someone(
    app: &Attendance,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let target = member(app, tenant, &path_param(request, "username")?).await?;
    if target.status == EmploymentStatus::Offboarded {
        return Err(ApiError::conflict(
            "an offboarded employee cannot be enrolled",
        ));
    }
    consent::required(&target, Whose::Someone)?;
    enrol(app, tenant, target, request).await
}

/// `PUT /me/face`: the caller enrols themselves.
pub async fn enrol_me(
    app: &Attendance,
    claims: &Claims,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let me = active_self(app, tenant, &claims.username).await?;
    consent::required(&me, Whose::Own)?;
    enrol(app, tenant, me, request).await
}

async fn enrol(
    app: &Attendance,
    tenant: &str,
    current: RosterEntry,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let jpeg = photos::selfie(request).await?;
    let face_id = app.faces.enrol(tenant, &current.username, &jpeg).await?;
    let next = RosterEntry {
        face_id: Some(face_id.clone()),
        face_enrolled_at: Some(app.clock.now()),
        version: current.version + 1,
        ..current.clone()
    };
    match RosterRepo::new(app.store.as_ref())
        .replace(&current, &next)
        .await
    {
        Ok(()) => {}
        Err(e) => {
            // The roster never points at it, so the new template must not linger.
            let _ = app
                .faces
                .delete(tenant, std::slice::from_ref(&face_id))
                .await;
            return Err(match e {
                StoreError::ConditionFailed => {
                    // A withdrawn consent lands here too: the retry then says so.
                    ApiError::conflict("the employee changed meanwhile; retry the enrolment")
                }
                other => other.into(),
            });
        }
    }
    if let Some(old) = &current.face_id
        && let Err(e) = app.faces.delete(tenant, std::slice::from_ref(old)).await
    {
        tracing::warn!(error = %e, username = %current.username, "old reference face not deleted");
    }
    tracing::info!(username = %current.username, "reference face enrolled");
    Ok(json(
        StatusCode::OK,
        &json!({ "username": current.username, "faceEnrolled": true, "version": next.version }),
    ))
}
