//! The OpenAPI description of this function's routes (feature `openapi`): one `#[utoipa::path]`
//! per entry of [`ROUTES`](crate::ROUTES), over the very types the handlers read and write.
#![allow(dead_code)] // The annotated functions and query structs exist for their descriptions.

use domain::exam::{
    ApplicantView, AttemptStatus, ExtraTimeDraft, ExtraTimeView, ResultDetail, ResultSummary,
};
use edge::openapi::{Conflict, Forbidden, InvalidValue, NotFound, Page};
use utoipa::IntoParams;

use crate::answers::AnswersBody;
use crate::statistics::Statistics;

/// `?status=&limit=&cursor=` of the results.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
struct ResultsFilter {
    /// `submitted` (the default) by score, highest first; `in_progress` by closing time.
    status: Option<AttemptStatus>,
    /// Most attempts on the page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// Save answers before the deadline (applicants); merged into those saved before.
#[utoipa::path(
    put, path = "/exams/current/answers", tag = "exam",
    operation_id = "saveAnswers",
    request_body = AnswersBody,
    responses(
        (status = 200, description = "The attempt with every saved answer.", body = ApplicantView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn save_answers() {}

/// Submit the exam (applicants), optionally with last answers: final, graded on the server.
///
/// A retry after one's own submit answers with the final state. The grade is for recruiters.
#[utoipa::path(
    post, path = "/exams/current/submit", tag = "exam",
    operation_id = "submitExam",
    request_body(content = AnswersBody, description = "Nothing, or last answers to save first."),
    responses(
        (status = 200, description = "Submitted.", body = ApplicantView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn submit_exam() {}

/// List exam results (recruiters); attempts past their deadline are graded as they are met.
#[utoipa::path(
    get, path = "/exams", tag = "results",
    operation_id = "listResults",
    params(ResultsFilter),
    responses(
        (status = 200, description = "A page of attempts.", body = Page<ResultSummary>),
        (status = 403, response = Forbidden),
    ),
    security(("cognito" = []))
)]
fn list_results() {}

/// One applicant's attempt in full (recruiters): every question, the picks, the breakdown.
#[utoipa::path(
    get, path = "/exams/{uid}", tag = "results",
    operation_id = "getResult",
    params(("uid" = String, Path, description = "The applicant's uid (the `id` of a result).")),
    responses(
        (status = 200, description = "The attempt.", body = ResultDetail),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("cognito" = []))
)]
fn get_result() {}

/// One applicant's extra time (recruiters): the minutes granted, the deadline, every change.
#[utoipa::path(
    get, path = "/exams/{uid}/extra-time", tag = "results",
    operation_id = "getExtraTime",
    params(("uid" = String, Path, description = "The applicant's uid.")),
    responses(
        (status = 200, description = "The grant and its audit.", body = ExtraTimeView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("cognito" = []))
)]
fn get_extra_time() {}

/// Set one applicant's extra time (recruiters), as WCAG 2.2.1 asks and Moodle's user overrides
/// do: the total beyond the exam's duration, before or during the attempt.
///
/// A running attempt's deadline moves at once (and the sweep waits for it); setting the total
/// it already has changes nothing; every change is audited with its reason. Refused once the
/// exam is over, or when the new deadline would already have passed.
#[utoipa::path(
    put, path = "/exams/{uid}/extra-time", tag = "results",
    operation_id = "setExtraTime",
    params(("uid" = String, Path, description = "The applicant's uid.")),
    request_body = ExtraTimeDraft,
    responses(
        (status = 200, description = "The grant as it now stands.", body = ExtraTimeView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn set_extra_time() {}

/// Item analysis (recruiters), as Moodle's quiz statistics: per question, over the submitted
/// attempts that drew it (anonymised ones included), its facility (mean share of its points
/// earned) and discrimination (correlation with the rest of the score).
#[utoipa::path(
    get, path = "/exam-statistics", tag = "results",
    operation_id = "getExamStatistics",
    responses(
        (status = 200, description = "The analysis.", body = Statistics),
        (status = 403, response = Forbidden),
    ),
    security(("cognito" = []))
)]
fn exam_statistics() {}

/// This function's operations, one per entry of [`ROUTES`](crate::ROUTES), and the schemas they use.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = crate::described_routes();
    edge::openapi::optional_post_body(&mut doc, "/exams/current/submit");
    doc
}
