//! The OpenAPI description of this function's routes (feature `openapi`): one `#[utoipa::path]`
//! per entry of [`ROUTES`](crate::ROUTES), over the very types the handlers read and write.
#![allow(dead_code)] // The annotated functions and query structs exist for their descriptions.

use domain::exam::{ApplicantView, Difficulty, Question, QuestionDraft};
use edge::openapi::{Conflict, Forbidden, Gone, InvalidValue, NotFound, Page, ServiceUnavailable};
use utoipa::{IntoParams, ToSchema};

use crate::exams::StartRequest;

/// `?category=&difficulty=&active=&limit=&cursor=` of the bank.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
struct BankFilter {
    /// Only this category (a lower-case slug such as `rust`).
    category: Option<String>,
    /// Only this difficulty.
    difficulty: Option<Difficulty>,
    /// Only active (drawn into exams) or only inactive questions.
    active: Option<bool>,
    /// Most questions on the page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// `?version=` of a delete.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
struct DeleteVersion {
    /// The `version` last read; a stale one is refused (409) instead of deleting.
    version: Option<u64>,
}

/// `PUT /questions/{id}` body: the whole question, and the `version` it was read at.
#[derive(ToSchema)]
#[schema(example = json!({
    "text": "What does the `?` operator do?", "kind": "single", "category": "rust",
    "difficulty": "easy", "points": 2, "active": true, "version": 1,
    "options": [{"text": "Propagates the error", "correct": true}, {"text": "Panics", "correct": false}]
}))]
struct QuestionUpdate {
    #[serde(flatten)]
    draft: QuestionDraft,
    /// The `version` last read; a stale one is refused (409).
    version: u64,
}

const ID: &str = "The question's id.";

/// List the question bank (recruiters).
#[utoipa::path(
    get, path = "/questions", tag = "questions",
    operation_id = "listQuestions",
    params(BankFilter),
    responses(
        (status = 200, description = "A page of questions, with their correct options.", body = Page<Question>),
        (status = 403, response = Forbidden),
    ),
    security(("cognito" = []))
)]
fn list_questions() {}

/// Add a question to the bank (recruiters).
#[utoipa::path(
    post, path = "/questions", tag = "questions",
    operation_id = "createQuestion",
    request_body = QuestionDraft,
    responses(
        (status = 201, description = "Created.", body = Question,
            headers(("location" = String, description = "`/questions/{id}`"))),
        (status = 403, response = Forbidden),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn create_question() {}

/// Read a question (recruiters).
#[utoipa::path(
    get, path = "/questions/{id}", tag = "questions",
    operation_id = "getQuestion",
    params(("id" = String, Path, description = ID)),
    responses(
        (status = 200, description = "The question.", body = Question),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("cognito" = []))
)]
fn get_question() {}

/// Replace a question (recruiters), at the `version` read. Attempts already drawn keep theirs.
#[utoipa::path(
    put, path = "/questions/{id}", tag = "questions",
    operation_id = "updateQuestion",
    params(("id" = String, Path, description = ID)),
    request_body = QuestionUpdate,
    responses(
        (status = 200, description = "The question as saved, `version` bumped.", body = Question),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn update_question() {}

/// Delete a question (recruiters): out of lists and draws; attempts that drew it keep it.
#[utoipa::path(
    delete, path = "/questions/{id}", tag = "questions",
    operation_id = "deleteQuestion",
    params(("id" = String, Path, description = ID), DeleteVersion),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
    security(("cognito" = []))
)]
fn delete_question() {}

/// Start the caller's exam (applicants).
///
/// Draws the policy's number of questions per category at random and freezes them, with a
/// deadline set by the server. Once per applicant: asking again answers 200 with the attempt
/// already started. The body, if any, is an empty object: the policy is never the applicant's.
#[utoipa::path(
    post, path = "/exams", tag = "exam",
    operation_id = "startExam",
    request_body(content = StartRequest, description = "Nothing, or `{}`."),
    responses(
        (status = 201, description = "Started: the questions without their answers, and the time left.", body = ApplicantView,
            headers(("location" = String, description = "`/exams/current`"))),
        (status = 200, description = "Already started: the attempt as it stands.", body = ApplicantView),
        (status = 403, response = Forbidden),
        (status = 410, response = Gone),
        (status = 503, response = ServiceUnavailable),
    ),
    security(("cognito" = []))
)]
fn start_exam() {}

/// Read the caller's exam (applicants): questions without answers, saved answers, time left.
///
/// An attempt past its deadline is graded on its saved answers as it is read.
#[utoipa::path(
    get, path = "/exams/current", tag = "exam",
    operation_id = "getCurrentExam",
    responses(
        (status = 200, description = "The attempt.", body = ApplicantView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 410, response = Gone),
    ),
    security(("cognito" = []))
)]
fn current_exam() {}

/// This function's operations, one per entry of [`ROUTES`](crate::ROUTES), and the schemas they use.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = crate::described_routes();
    edge::openapi::optional_post_body(&mut doc, "/exams");
    doc
}
