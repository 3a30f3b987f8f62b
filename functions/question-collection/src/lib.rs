//! question-collection: the Career Genese question bank for recruiters
//! (`GET/POST /questions`, `GET/PUT/DELETE /questions/{id}`), and the start of an applicant's
//! exam drawn from it (`POST /exams`, `GET /exams/current`).

mod exams;
#[cfg(feature = "openapi")]
pub mod openapi;
mod questions;

use std::sync::Arc;

use async_trait::async_trait;
use lambda_http::{Body, Request, Response};
use shared::ApiError;
use shared::claims::{Claims, Role};
use shared::clock::Clock;
use shared::exam::ExamPolicy;
use shared::function::RestFunction;
use shared::http::route;
use shared::ids::IdGenerator;
use shared::ports::{ItemStore, Table};

/// Tables this function reads or writes.
pub const TABLES: [Table; 2] = [Table::Questions, Table::ExamAttempts];

/// The routes this function serves, as (method, API Gateway resource).
pub const ROUTES: [(&str, &str); 7] = [
    ("GET", "/questions"),
    ("POST", "/questions"),
    ("GET", "/questions/{id}"),
    ("PUT", "/questions/{id}"),
    ("DELETE", "/questions/{id}"),
    ("POST", "/exams"),
    ("GET", "/exams/current"),
];

/// Everything the handler needs, built once at init.
#[derive(Clone)]
pub struct QuestionCollection {
    pub store: Arc<dyn ItemStore>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
    /// What an exam draws and how long it lasts (validated at init).
    pub policy: ExamPolicy,
}

#[async_trait]
impl RestFunction for QuestionCollection {
    async fn dispatch(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let (method, resource) = route(request);
        let claims = Claims::from_request(request)?;
        if resource.starts_with("/questions") {
            claims.require_any(&[Role::Recruiter])?;
        } else {
            claims.require_any(&[Role::Applicant])?;
        }
        match (method.as_str(), resource.as_str()) {
            ("GET", "/questions") => questions::list(self, request).await,
            ("POST", "/questions") => questions::create(self, request).await,
            ("GET", "/questions/{id}") => questions::read(self, request).await,
            ("PUT", "/questions/{id}") => questions::update(self, request).await,
            ("DELETE", "/questions/{id}") => questions::delete(self, request).await,
            ("POST", "/exams") => exams::start(self, request, &claims).await,
            ("GET", "/exams/current") => exams::current(self, &claims).await,
            (_, "/exams") => Err(ApiError::method_not_allowed(&method, &["POST"])),
            (_, "/exams/current") => Err(ApiError::method_not_allowed(&method, &["GET"])),
            (_, "/questions") => Err(ApiError::method_not_allowed(&method, &["GET", "POST"])),
            (_, "/questions/{id}") => Err(ApiError::method_not_allowed(
                &method,
                &["GET", "PUT", "DELETE"],
            )),
            _ => Err(ApiError::not_found(format!("no route {method} {resource}"))),
        }
    }
}
