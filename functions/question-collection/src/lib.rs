//! question-collection: the Career Genese question bank for recruiters
//! (`GET/POST /questions`, `GET/PUT/DELETE /questions/{id}`), and the start of an applicant's
//! exam drawn from it (`POST /exams`, `GET /exams/current`).

mod exams;
#[cfg(feature = "openapi")]
pub mod openapi;
mod questions;

use std::sync::Arc;

use async_trait::async_trait;
use domain::clock::Clock;
use domain::exam::ExamPolicy;
use domain::ids::IdGenerator;
use domain::ports::{ItemStore, Table};
use domain::role::Role;
use edge::ApiError;
use edge::function::RestFunction;
use edge::route_table::{Callers, Handler, RouteTable};
use lambda_http::{Body, Request, Response};

/// Tables this function reads or writes.
pub const TABLES: [Table; 3] = [Table::Questions, Table::ExamAttempts, Table::Applicants];

const RECRUITERS: Callers = Callers::Roles(&[Role::Recruiter]);
const APPLICANTS: Callers = Callers::Roles(&[Role::Applicant]);

edge::routes! {
    /// Every route this function serves, declared once: recruiters keep the bank, applicants start
    /// their exam.
    pub const ROUTES: RouteTable<Handler<QuestionCollection>> = [
        "GET" "/questions", RECRUITERS, list_questions => |a, _, r| Box::pin(questions::list(a, r));
        "POST" "/questions", RECRUITERS, create_question =>
            |a, _, r| Box::pin(questions::create(a, r));
        "GET" "/questions/{id}", RECRUITERS, get_question =>
            |a, _, r| Box::pin(questions::read(a, r));
        "PUT" "/questions/{id}", RECRUITERS, update_question =>
            |a, _, r| Box::pin(questions::update(a, r));
        "DELETE" "/questions/{id}", RECRUITERS, delete_question =>
            |a, _, r| Box::pin(questions::delete(a, r));
        "POST" "/exams", APPLICANTS, start_exam => |a, c, r| Box::pin(exams::start(a, r, c));
        "GET" "/exams/current", APPLICANTS, current_exam =>
            |a, c, _| Box::pin(exams::current(a, c));
    ];
}

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
        ROUTES.dispatch(self, request).await
    }
}
