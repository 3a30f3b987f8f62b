//! `POST /companies`: a signed-up user without a company registers one and becomes its admin.

use std::collections::BTreeMap;

use domain::company::{CompanyProfile, CompanyRepo, Registration};
use edge::ApiError;
use edge::claims::{COMPANY_ID_ATTRIBUTE, Claims, Role};
use edge::http::{DEFAULT_BODY_LIMIT, json, json_body, with_location};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::CompanyAdmin;

/// Registers the caller's company. Once per caller: a retry returns the first company (200).
pub async fn register(
    app: &CompanyAdmin,
    claims: &Claims,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    if let Some(company) = &claims.company_id {
        return Err(ApiError::conflict(format!(
            "you already belong to company `{company}`"
        )));
    }
    // Career Genese users and invited staff cannot turn themselves into a company admin.
    if !claims.roles.is_empty() {
        return Err(ApiError::forbidden(
            "only a signed-up user without a role may register a company",
        ));
    }
    let profile = json_body::<CompanyProfile>(request, DEFAULT_BODY_LIMIT)?.validated()?;
    let registration = Registration {
        company_id: app.ids.new_id(),
        owner_sub: claims.sub.clone(),
        owner_username: claims.username.clone(),
        owner_email: claims.email.clone(),
        profile,
        at: app.clock.now(),
    };
    let (company, created) = CompanyRepo::new(app.store.as_ref())
        .register(&registration)
        .await?;

    // After the store: a failure here leaves a retry that re-applies both calls (idempotent).
    let attributes = BTreeMap::from([(COMPANY_ID_ATTRIBUTE.to_string(), company.id.clone())]);
    app.directory
        .set_attributes(&claims.username, &attributes)
        .await?;
    app.directory
        .add_to_group(&claims.username, Role::Admin.group())
        .await?;
    tracing::info!(company_id = %company.id, created, "company registered");

    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(with_location(request, json(status, &company), "/company"))
}
