//! personal-details: Career Genese applicants' personal details and CV, and the recruiters'
//! view of applicants with their exam state.
//!
//! - `GET /applicants/me` (applicants): their details, what became of their CV and their exam
//!   status and times; never a score or grade. 404 until the details are filled in.
//! - `PUT /applicants/me` (applicants): replaces the details whole; **201** the first time,
//!   **200** after (RFC 9110 §9.3.4), both with the `GET` view. The email defaults to the
//!   token's.
//! - `POST /applicants/me/resume` (applicants): `{"size"}` of a PDF of at most 5 MiB → 201 with a
//!   presigned PUT to `resumes/{sub}/cv.pdf`, valid 10 minutes; 409 before the details exist.
//! - `GET /applicants?sort=recent|score&limit=&cursor=` (recruiters): newest applicants first,
//!   or submitted exams by score with their applicant. A row's `resume` says whether a CV upload
//!   was asked for; the single read says what arrived.
//! - `GET /applicants/{uid}` (recruiters): details, the exam with its breakdown, and the CV
//!   with a 5-minute link only if what arrived is a PDF.
//!
//! Reading an exam finalises it first when its deadline has passed, as everywhere else.

mod me;
#[cfg(feature = "openapi")]
pub mod openapi;
mod review;
mod views;

use std::sync::Arc;

use async_trait::async_trait;
use lambda_http::{Body, Request, Response};
use shared::ApiError;
use shared::claims::{Claims, Role};
use shared::clock::Clock;
use shared::function::RestFunction;
use shared::http::route;
use shared::ports::{BlobStore, ItemStore, Table};

/// Tables this function reads or writes.
pub const TABLES: [Table; 2] = [Table::Applicants, Table::ExamAttempts];

/// The routes this function serves, as (method, API Gateway resource).
pub const ROUTES: [(&str, &str); 5] = [
    ("GET", "/applicants/me"),
    ("PUT", "/applicants/me"),
    ("POST", "/applicants/me/resume"),
    ("GET", "/applicants"),
    ("GET", "/applicants/{uid}"),
];

/// Everything the handler needs, built once at init.
#[derive(Clone)]
pub struct PersonalDetails {
    pub store: Arc<dyn ItemStore>,
    /// The CV bucket.
    pub blobs: Arc<dyn BlobStore>,
    pub clock: Arc<dyn Clock>,
}

#[async_trait]
impl RestFunction for PersonalDetails {
    async fn dispatch(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let (method, resource) = route(request);
        let claims = Claims::from_request(request)?;
        match resource.as_str() {
            "/applicants/me" | "/applicants/me/resume" => claims.require_any(&[Role::Applicant])?,
            "/applicants" | "/applicants/{uid}" => claims.require_any(&[Role::Recruiter])?,
            _ => {}
        }
        match (method.as_str(), resource.as_str()) {
            ("GET", "/applicants/me") => me::read(self, &claims).await,
            ("PUT", "/applicants/me") => me::save(self, &claims, request).await,
            ("POST", "/applicants/me/resume") => me::offer_upload(self, &claims, request).await,
            ("GET", "/applicants") => review::list(self, request).await,
            ("GET", "/applicants/{uid}") => review::read(self, request).await,
            (_, "/applicants/me") => Err(ApiError::method_not_allowed(&method, &["GET", "PUT"])),
            (_, "/applicants/me/resume") => Err(ApiError::method_not_allowed(&method, &["POST"])),
            (_, "/applicants" | "/applicants/{uid}") => {
                Err(ApiError::method_not_allowed(&method, &["GET"]))
            }
            _ => Err(ApiError::not_found(format!("no route {method} {resource}"))),
        }
    }
}
