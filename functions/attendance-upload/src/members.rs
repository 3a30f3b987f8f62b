//! Who is who inside the caller's company: roster lookups that never cross tenants.

use shared::ApiError;
use shared::company::{Company, CompanyRepo};
use shared::roster::{EmploymentStatus, RosterEntry, RosterRepo};

use crate::AttendanceUpload;

/// `username`'s entry in `tenant`; another company's people are simply not found.
pub async fn member(
    app: &AttendanceUpload,
    tenant: &str,
    username: &str,
) -> Result<RosterEntry, ApiError> {
    RosterRepo::new(app.store.as_ref())
        .get(tenant, &username.to_ascii_lowercase())
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no employee `{username}` in your company")))
}

/// The caller's own entry, which must be active to punch or enrol.
pub async fn active_self(
    app: &AttendanceUpload,
    tenant: &str,
    username: &str,
) -> Result<RosterEntry, ApiError> {
    let me = member(app, tenant, username).await?;
    match me.status {
        EmploymentStatus::Active => Ok(me),
        EmploymentStatus::Invited => Err(ApiError::forbidden(
            "your invitation is not complete; set your password first",
        )),
        EmploymentStatus::Offboarded => Err(ApiError::forbidden("you are no longer on the roster")),
    }
}

/// The caller's company (time zone and work hours).
pub async fn company(app: &AttendanceUpload, tenant: &str) -> Result<Company, ApiError> {
    CompanyRepo::new(app.store.as_ref())
        .get(tenant)
        .await?
        .ok_or_else(|| ApiError::not_found("the company does not exist"))
}
