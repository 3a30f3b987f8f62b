//! `GET /company` and `PUT /company`: the admin's view and edit of their company.

use domain::company::{Company, CompanyProfile, CompanyRepo, WorkHours};
use domain::ports::StoreError;
use edge::ApiError;
use edge::claims::Claims;
use edge::http::{DEFAULT_BODY_LIMIT, json, json_body};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;

use crate::CompanyAdmin;

/// `PUT /company` body: the whole profile, and the version it was read at, if the client has it.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ProfileUpdate {
    name: String,
    time_zone: String,
    #[serde(default)]
    work_hours: WorkHours,
    /// The `version` last read; a stale one is refused with 409 instead of overwriting.
    version: Option<u64>,
}

async fn load(app: &CompanyAdmin, claims: &Claims) -> Result<Company, ApiError> {
    let tenant = claims.tenant()?;
    CompanyRepo::new(app.store.as_ref())
        .get(tenant)
        .await?
        .ok_or_else(|| ApiError::not_found("the company does not exist"))
}

/// The caller's company profile.
pub async fn read(app: &CompanyAdmin, claims: &Claims) -> Result<Response<Body>, ApiError> {
    Ok(json(StatusCode::OK, &load(app, claims).await?))
}

/// Replaces the profile; concurrent edits are detected by version.
pub async fn update(
    app: &CompanyAdmin,
    claims: &Claims,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let current = load(app, claims).await?;
    let body = json_body::<ProfileUpdate>(request, DEFAULT_BODY_LIMIT)?;
    if let Some(v) = body.version.filter(|v| *v != current.version) {
        return Err(ApiError::conflict(format!(
            "the company is at version {}, not {v}; reload and retry",
            current.version
        ))
        .with_field("version"));
    }
    let profile = CompanyProfile {
        name: body.name,
        time_zone: body.time_zone,
        work_hours: body.work_hours,
    }
    .validated()?;
    match CompanyRepo::new(app.store.as_ref())
        .update(&current, profile, app.clock.now())
        .await
    {
        Ok(company) => Ok(json(StatusCode::OK, &company)),
        Err(StoreError::ConditionFailed) => Err(ApiError::conflict(
            "the company was changed meanwhile; reload and retry",
        )
        .with_field("version")),
        Err(e) => Err(e.into()),
    }
}
