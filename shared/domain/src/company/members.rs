//! Who is who inside the caller's company, for handlers: roster and company lookups that never
//! cross tenants and answer with the domain's refusals.

use super::{Company, CompanyRepo};
use crate::failure::Failure;
use crate::ports::ItemStore;
use crate::refusal::Refusal;
use crate::roster::{EmploymentStatus, RosterEntry, RosterRepo};

/// `username`'s entry in `tenant`; another company's people are simply not found.
pub async fn member(
    store: &dyn ItemStore,
    tenant: &str,
    username: &str,
) -> Result<RosterEntry, Failure> {
    RosterRepo::new(store)
        .get(tenant, &username.to_ascii_lowercase())
        .await?
        .ok_or_else(|| {
            Refusal::not_found(format!("no employee `{username}` in your company")).into()
        })
}

/// The caller's own entry, which must be active to act.
pub async fn active_self(
    store: &dyn ItemStore,
    tenant: &str,
    username: &str,
) -> Result<RosterEntry, Failure> {
    let me = member(store, tenant, username).await?;
    match me.status {
        EmploymentStatus::Active => Ok(me),
        EmploymentStatus::Invited => Err(Refusal::forbidden(
            "your invitation is not complete; set your password first",
        )
        .into()),
        EmploymentStatus::Offboarded => {
            Err(Refusal::forbidden("you are no longer on the roster").into())
        }
    }
}

/// The caller's company (time zone, work hours).
pub async fn company(store: &dyn ItemStore, tenant: &str) -> Result<Company, Failure> {
    CompanyRepo::new(store)
        .get(tenant)
        .await?
        .ok_or_else(|| Refusal::not_found("the company does not exist").into())
}
