//! attendance: the staff member's own view (`GET /me`), biometric consent
//! (`PUT/DELETE /me/biometric-consent`, its trail for admins at
//! `GET /employees/{username}/consent-trail`), reference faces (`PUT /employees/{username}/face`,
//! `PUT /me/face`),
//! verified selfie punches (`POST /attendance/check-in|check-out`), months and the company
//! report (`GET /attendance…`), and audited short-lived photo links for admins.
//!
//! Biometric data is kept to what the product needs: enrolment photos are not stored (the face
//! service keeps its own template), punch photos are normalised (metadata stripped) and stored
//! under the company/person/date prefix of an encrypted bucket, readable only through audited
//! admin links.

mod consent;
mod consent_trail;
mod enrolment;
mod me;
mod members;
#[cfg(feature = "openapi")]
pub mod openapi;
mod photos;
mod policy;
mod punches;
mod reading;

use std::sync::Arc;

use async_trait::async_trait;
use domain::attendance::PunchKind;
use domain::clock::Clock;
use domain::ports::{BlobStore, FaceVerifier, ItemStore, Table};
use domain::role::Role;
use edge::ApiError;
use edge::function::RestFunction;
use edge::route_table::{Callers, Handler, RouteTable};
use lambda_http::{Body, Request, Response};

pub use policy::PunchPolicy;

/// Tables this function reads or writes.
pub const TABLES: [Table; 5] = [
    Table::Companies,
    Table::Employees,
    Table::Attendance,
    Table::Events,
    Table::Idempotency,
];

const STAFF: Callers = Callers::Roles(&Role::STAFF);
const ADMINS: Callers = Callers::Roles(&[Role::Admin]);
const ADMINS_AND_MANAGERS: Callers = Callers::Roles(&[Role::Admin, Role::Manager]);

edge::routes! {
    /// Every route this function serves, declared once: the caller's own view and consent,
    /// enrolment, punches, months and the report, and the links to a punch's photo.
    pub const ROUTES: RouteTable<Handler<Attendance>> = [
        "GET" "/me", STAFF, get_me =>
            |a, c, _| Box::pin(async move { me::read(a, c, c.tenant()?).await });
        "PUT" "/me/biometric-consent", STAFF, give_consent =>
            |a, c, r| Box::pin(async move { consent::give(a, c, c.tenant()?, r).await });
        "DELETE" "/me/biometric-consent", STAFF, withdraw_consent =>
            |a, c, r| Box::pin(async move { consent::withdraw(a, c, c.tenant()?, r).await });
        "GET" "/employees/{username}/consent-trail", ADMINS, consent_trail =>
            |a, c, r| Box::pin(async move { consent_trail::read(a, c.tenant()?, r).await });
        "PUT" "/employees/{username}/face", ADMINS, enrol_someone =>
            |a, c, r| Box::pin(async move { enrolment::enrol_someone(a, c.tenant()?, r).await });
        "PUT" "/me/face", STAFF, enrol_me =>
            |a, c, r| Box::pin(async move { enrolment::enrol_me(a, c, c.tenant()?, r).await });
        "POST" "/attendance/check-in", STAFF, check_in =>
            |a, c, r| Box::pin(async move {
                punches::punch(a, c, c.tenant()?, r, PunchKind::CheckIn).await
            });
        "POST" "/attendance/check-out", STAFF, check_out =>
            |a, c, r| Box::pin(async move {
                punches::punch(a, c, c.tenant()?, r, PunchKind::CheckOut).await
            });
        "GET" "/attendance", STAFF, own_month =>
            |a, c, r| Box::pin(async move { reading::own_month(a, c, c.tenant()?, r).await });
        "GET" "/attendance/report", ADMINS, report =>
            |a, c, r| Box::pin(async move { reading::company_month(a, c.tenant()?, r).await });
        "GET" "/attendance/{username}", ADMINS_AND_MANAGERS, someones_month =>
            |a, c, r| Box::pin(async move { reading::someones_month(a, c, c.tenant()?, r).await });
        "GET" "/attendance/{username}/{date}/photo", ADMINS, photo_link =>
            |a, c, r| Box::pin(async move { photos::link(a, c, c.tenant()?, r).await });
    ];
}

/// Everything the handler needs, built once at init.
#[derive(Clone)]
pub struct Attendance {
    pub store: Arc<dyn ItemStore>,
    /// The punch-photo bucket.
    pub blobs: Arc<dyn BlobStore>,
    pub faces: Arc<dyn FaceVerifier>,
    pub clock: Arc<dyn Clock>,
    pub policy: PunchPolicy,
}

#[async_trait]
impl RestFunction for Attendance {
    async fn dispatch(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        ROUTES.dispatch(self, request).await
    }
}
