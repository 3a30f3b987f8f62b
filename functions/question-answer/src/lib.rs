//! question-answer: an applicant's answers to their frozen exam (`PUT /exams/current/answers`,
//! `POST /exams/current/submit`), the recruiters' results (`GET /exams`, `GET /exams/{uid}`),
//! and the scheduled sweep that finalises attempts left open past their deadline.

mod answers;
#[cfg(feature = "openapi")]
pub mod openapi;
mod results;
mod sweep;

use std::sync::Arc;

use async_trait::async_trait;
use lambda_http::{Body, Request, Response};
use shared::ApiError;
use shared::claims::{Claims, Role};
use shared::clock::Clock;
use shared::function::RestFunction;
use shared::http::route;
use shared::ports::{ItemStore, Table};

pub use sweep::{SWEEP_PAGE, sweep};

/// Tables this function reads or writes.
pub const TABLES: [Table; 1] = [Table::ExamAttempts];

/// The routes this function serves, as (method, API Gateway resource).
pub const ROUTES: [(&str, &str); 4] = [
    ("PUT", "/exams/current/answers"),
    ("POST", "/exams/current/submit"),
    ("GET", "/exams"),
    ("GET", "/exams/{uid}"),
];

/// Everything the handler needs, built once at init.
#[derive(Clone)]
pub struct QuestionAnswer {
    pub store: Arc<dyn ItemStore>,
    pub clock: Arc<dyn Clock>,
}

#[async_trait]
impl RestFunction for QuestionAnswer {
    async fn dispatch(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let (method, resource) = route(request);
        let claims = Claims::from_request(request)?;
        if resource.starts_with("/exams/current") {
            claims.require_any(&[Role::Applicant])?;
        } else {
            claims.require_any(&[Role::Recruiter])?;
        }
        match (method.as_str(), resource.as_str()) {
            ("PUT", "/exams/current/answers") => answers::save(self, request, &claims).await,
            ("POST", "/exams/current/submit") => answers::submit(self, request, &claims).await,
            ("GET", "/exams") => results::list(self, request).await,
            ("GET", "/exams/{uid}") => results::read(self, request).await,
            (_, "/exams/current/answers") => Err(ApiError::method_not_allowed(&method, &["PUT"])),
            (_, "/exams/current/submit") => Err(ApiError::method_not_allowed(&method, &["POST"])),
            (_, "/exams" | "/exams/{uid}") => Err(ApiError::method_not_allowed(&method, &["GET"])),
            _ => Err(ApiError::not_found(format!("no route {method} {resource}"))),
        }
    }
}
