//! Who is who inside the caller's company, for handlers: roster and company lookups that never
//! cross tenants and answer with the API's errors.

use crate::company::{Company, CompanyRepo};
use crate::error::ApiError;
use crate::ports::ItemStore;
use crate::roster::{EmploymentStatus, RosterEntry, RosterRepo};

/// `username`'s entry in `tenant`; another company's people are simply not found.
pub async fn member(
    store: &dyn ItemStore,
    tenant: &str,
    username: &str,
) -> Result<RosterEntry, ApiError> {
    RosterRepo::new(store)
        .get(tenant, &username.to_ascii_lowercase())
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no employee `{username}` in your company")))
}

/// The caller's own entry, which must be active to act.
pub async fn active_self(
    store: &dyn ItemStore,
    tenant: &str,
    username: &str,
) -> Result<RosterEntry, ApiError> {
    let me = member(store, tenant, username).await?;
    match me.status {
        EmploymentStatus::Active => Ok(me),
        EmploymentStatus::Invited => Err(ApiError::forbidden(
            "your invitation is not complete; set your password first",
        )),
        EmploymentStatus::Offboarded => Err(ApiError::forbidden("you are no longer on the roster")),
    }
}

/// The caller's company (time zone, work hours).
pub async fn company(store: &dyn ItemStore, tenant: &str) -> Result<Company, ApiError> {
    CompanyRepo::new(store)
        .get(tenant)
        .await?
        .ok_or_else(|| ApiError::not_found("the company does not exist"))
}
