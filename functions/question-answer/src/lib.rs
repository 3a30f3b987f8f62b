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
use domain::clock::Clock;
use domain::ports::{ItemStore, Table};
use domain::role::Role;
use edge::ApiError;
use edge::function::RestFunction;
use edge::route_table::{Callers, Handler, Route, RouteTable};
use lambda_http::{Body, Request, Response};

pub use sweep::{SWEEP_PAGE, sweep};

/// Tables this function reads or writes.
pub const TABLES: [Table; 1] = [Table::ExamAttempts];

const RECRUITERS: Callers = Callers::Roles(&[Role::Recruiter]);
const APPLICANTS: Callers = Callers::Roles(&[Role::Applicant]);

/// Every route this function serves, declared once: the applicant's answers and submission,
/// the recruiters' results.
pub const ROUTES: RouteTable<Handler<QuestionAnswer>> = RouteTable(&[
    Route::new("PUT", "/exams/current/answers", APPLICANTS, |a, c, r| {
        Box::pin(answers::save(a, r, c))
    }),
    Route::new("POST", "/exams/current/submit", APPLICANTS, |a, c, r| {
        Box::pin(answers::submit(a, r, c))
    }),
    Route::new("GET", "/exams", RECRUITERS, |a, _, r| {
        Box::pin(results::list(a, r))
    }),
    Route::new("GET", "/exams/{uid}", RECRUITERS, |a, _, r| {
        Box::pin(results::read(a, r))
    }),
]);

/// Everything the handler needs, built once at init.
#[derive(Clone)]
pub struct QuestionAnswer {
    pub store: Arc<dyn ItemStore>,
    pub clock: Arc<dyn Clock>,
}

#[async_trait]
impl RestFunction for QuestionAnswer {
    async fn dispatch(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        ROUTES.dispatch(self, request).await
    }
}
