//! attendance-upload: reference faces (`PUT /employees/{username}/face`, `PUT /me/face`),
//! verified selfie punches (`POST /attendance/check-in|check-out`), months and the company
//! report (`GET /attendance…`), and audited short-lived photo links for admins.
//!
//! Biometric data is kept to what the product needs: enrolment photos are not stored (the face
//! service keeps its own template), punch photos are normalised (metadata stripped) and stored
//! under the company/person/date prefix of an encrypted bucket, readable only through audited
//! admin links.

mod enrolment;
mod members;
#[cfg(feature = "openapi")]
pub mod openapi;
mod photos;
mod policy;
mod punches;
mod reading;

use std::sync::Arc;

use async_trait::async_trait;
use lambda_http::{Body, Request, Response};
use shared::ApiError;
use shared::claims::{Claims, Role};
use shared::clock::Clock;
use shared::function::RestFunction;
use shared::http::route;
use shared::ports::{BlobStore, FaceVerifier, ItemStore, Table};

pub use policy::PunchPolicy;

/// Tables this function reads or writes.
pub const TABLES: [Table; 5] = [
    Table::Companies,
    Table::Employees,
    Table::Attendance,
    Table::Events,
    Table::Idempotency,
];

/// The routes this function serves, as (method, API Gateway resource).
pub const ROUTES: [(&str, &str); 8] = [
    ("PUT", "/employees/{username}/face"),
    ("PUT", "/me/face"),
    ("POST", "/attendance/check-in"),
    ("POST", "/attendance/check-out"),
    ("GET", "/attendance"),
    ("GET", "/attendance/report"),
    ("GET", "/attendance/{username}"),
    ("GET", "/attendance/{username}/{date}/photo"),
];

/// Everything the handler needs, built once at init.
#[derive(Clone)]
pub struct AttendanceUpload {
    pub store: Arc<dyn ItemStore>,
    /// The punch-photo bucket.
    pub blobs: Arc<dyn BlobStore>,
    pub faces: Arc<dyn FaceVerifier>,
    pub clock: Arc<dyn Clock>,
    pub policy: PunchPolicy,
}

#[async_trait]
impl RestFunction for AttendanceUpload {
    async fn dispatch(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let (method, resource) = route(request);
        let claims = Claims::from_request(request)?;
        claims.require_any(&Role::STAFF)?;
        let tenant = claims.tenant()?.to_string();
        use shared::attendance::PunchKind::{CheckIn, CheckOut};
        match (method.as_str(), resource.as_str()) {
            ("PUT", "/employees/{username}/face") => {
                claims.require_any(&[Role::Admin])?;
                enrolment::enrol_someone(self, &tenant, request).await
            }
            ("PUT", "/me/face") => enrolment::enrol_me(self, &claims, &tenant, request).await,
            ("POST", "/attendance/check-in") => {
                punches::punch(self, &claims, &tenant, request, CheckIn).await
            }
            ("POST", "/attendance/check-out") => {
                punches::punch(self, &claims, &tenant, request, CheckOut).await
            }
            ("GET", "/attendance") => reading::own_month(self, &claims, &tenant, request).await,
            ("GET", "/attendance/report") => {
                claims.require_any(&[Role::Admin])?;
                reading::company_month(self, &tenant, request).await
            }
            ("GET", "/attendance/{username}") => {
                claims.require_any(&[Role::Admin, Role::Manager])?;
                reading::someones_month(self, &claims, &tenant, request).await
            }
            ("GET", "/attendance/{username}/{date}/photo") => {
                claims.require_any(&[Role::Admin])?;
                photos::link(self, &claims, &tenant, request).await
            }
            (_, "/employees/{username}/face" | "/me/face") => {
                Err(ApiError::method_not_allowed(&method, &["PUT"]))
            }
            (_, "/attendance/check-in" | "/attendance/check-out") => {
                Err(ApiError::method_not_allowed(&method, &["POST"]))
            }
            (_, "/attendance" | "/attendance/report" | "/attendance/{username}")
            | (_, "/attendance/{username}/{date}/photo") => {
                Err(ApiError::method_not_allowed(&method, &["GET"]))
            }
            _ => Err(ApiError::not_found(format!("no route {method} {resource}"))),
        }
    }
}
