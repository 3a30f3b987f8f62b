//! question-answer: an applicant's answers to their frozen exam (`PUT /exams/current/answers`,
//! `POST /exams/current/submit`), the recruiters' results (`GET /exams`, `GET /exams/{uid}`) and
//! item analysis (`GET /exam-statistics`), extra time per applicant (`GET|PUT
//! /exams/{uid}/extra-time`), and the scheduled sweep that finalises attempts left open past their deadline.

mod answers;
mod extra_time;
#[cfg(feature = "openapi")]
pub mod openapi;
mod results;
mod statistics;
mod sweep;

use std::sync::Arc;

use async_trait::async_trait;
use domain::clock::Clock;
use domain::ports::{ItemStore, Table};
use domain::role::Role;
use edge::ApiError;
use edge::function::RestFunction;
use edge::route_table::{Callers, Handler, RouteTable};
use lambda_http::{Body, Request, Response};

pub use sweep::{SWEEP_PAGE, sweep};

/// Tables this function reads or writes.
pub const TABLES: [Table; 2] = [Table::ExamAttempts, Table::Applicants];

/// Tables the scheduled sweep reads or writes: the attempts only.
pub const SWEEP_TABLES: [Table; 1] = [Table::ExamAttempts];

const RECRUITERS: Callers = Callers::Roles(&[Role::Recruiter]);
const APPLICANTS: Callers = Callers::Roles(&[Role::Applicant]);

edge::routes! {
    /// Every route this function serves, declared once: the applicant's answers and submission,
    /// the recruiters' results, extra time and item analysis.
    pub const ROUTES: RouteTable<Handler<QuestionAnswer>> = [
        "PUT" "/exams/current/answers", APPLICANTS, save_answers =>
            |a, c, r| Box::pin(answers::save(a, r, c));
        "POST" "/exams/current/submit", APPLICANTS, submit_exam =>
            |a, c, r| Box::pin(answers::submit(a, r, c));
        "GET" "/exams", RECRUITERS, list_results => |a, _, r| Box::pin(results::list(a, r));
        "GET" "/exams/{uid}", RECRUITERS, get_result => |a, _, r| Box::pin(results::read(a, r));
        "GET" "/exams/{uid}/extra-time", RECRUITERS, get_extra_time =>
            |a, _, r| Box::pin(extra_time::read(a, r));
        "PUT" "/exams/{uid}/extra-time", RECRUITERS, set_extra_time =>
            |a, c, r| Box::pin(extra_time::set(a, c, r));
        "GET" "/exam-statistics", RECRUITERS, exam_statistics => |a, _, _| Box::pin(statistics::read(a));
    ];
}

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
