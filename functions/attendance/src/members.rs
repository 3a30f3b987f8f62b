//! Who is who inside the caller's company: the shared roster lookups, on this function's store.

use domain::company::Company;
use domain::company::members;
use domain::roster::RosterEntry;
use edge::ApiError;

use crate::Attendance;

/// `username`'s entry in `tenant`; another company's people are simply not found.
pub async fn member(
    app: &Attendance,
    tenant: &str,
    username: &str,
) -> Result<RosterEntry, ApiError> {
    Ok(members::member(app.store.as_ref(), tenant, username).await?)
}

/// The caller's own entry, which must be active to punch or enrol.
pub async fn active_self(
    app: &Attendance,
    tenant: &str,
    username: &str,
) -> Result<RosterEntry, ApiError> {
    Ok(members::active_self(app.store.as_ref(), tenant, username).await?)
}

/// The caller's company (time zone and work hours).
pub async fn company(app: &Attendance, tenant: &str) -> Result<Company, ApiError> {
    Ok(members::company(app.store.as_ref(), tenant).await?)
}
