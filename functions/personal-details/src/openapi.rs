//! The OpenAPI description of this function's routes (feature `openapi`): one `#[utoipa::path]`
//! per entry of [`ROUTES`](crate::ROUTES). Requests are the handlers' own types; the views
//! (`views.rs`, which pick fields by name) are described here field for field.
#![allow(dead_code)] // The annotated functions and schema structs exist for their descriptions.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::applicant::{Availability, Details, Education};
use domain::exam::{AttemptStatus, CategoryScore, Finalisation};
use edge::openapi::{Conflict, Forbidden, Gone, InvalidValue, NotFound};
use utoipa::{IntoParams, ToSchema};

use crate::export::Export;
use crate::me::UploadRequest;

/// What became of a CV upload.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
enum ResumeStatus {
    /// No upload was ever asked for.
    None,
    /// An upload URL was issued, but nothing arrived.
    Missing,
    /// What arrived is not a PDF; it is never handed out.
    Rejected,
    /// A PDF arrived.
    Uploaded,
}

/// The applicant's CV, as far as the server knows.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Resume {
    status: ResumeStatus,
    /// Why a `rejected` upload was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    /// Bytes of an `uploaded` PDF.
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
    /// A short-lived download link (recruiters, `uploaded` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    /// Seconds the link stays valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_in: Option<u64>,
}

/// What an applicant sees of their own exam: status and times, never a score.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OwnExam {
    status: AttemptStatus,
    started_at: DateTime<Utc>,
    deadline: DateTime<Utc>,
    #[schema(required)]
    submitted_at: Option<DateTime<Utc>>,
}

/// `GET /applicants/me`: the applicant's details, CV state and exam status.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OwnApplicant {
    /// The applicant's uid (Cognito sub).
    id: String,
    first_name: String,
    last_name: String,
    #[schema(required)]
    email: Option<String>,
    phone: String,
    education: Vec<Education>,
    availability: Availability,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    resume: Resume,
    /// `null` until the exam is started.
    #[schema(required)]
    exam: Option<OwnExam>,
}

/// What a listing row shows of an exam.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RowExam {
    status: AttemptStatus,
    #[schema(required)]
    score: Option<f64>,
    #[schema(required)]
    max_score: Option<u32>,
    #[schema(required)]
    submitted_at: Option<DateTime<Utc>>,
    #[schema(required)]
    finalised_by: Option<Finalisation>,
}

/// One applicant in a recruiter's listing; details are `null` when not filled in.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ApplicantRow {
    /// The applicant's uid, which `GET /applicants/{uid}` takes.
    id: String,
    #[schema(required)]
    first_name: Option<String>,
    #[schema(required)]
    last_name: Option<String>,
    #[schema(required)]
    email: Option<String>,
    #[schema(required)]
    phone: Option<String>,
    /// `null` until the exam is started.
    #[schema(required)]
    exam: Option<RowExam>,
    /// Whether a CV upload was asked for (the single read says what arrived).
    resume: bool,
}

/// `GET /applicants`: a page of applicants.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ApplicantPage {
    items: Vec<ApplicantRow>,
    /// Pass as `cursor` for the next page (same `sort`); `null` on the last one.
    #[schema(required)]
    next_cursor: Option<String>,
}

/// What a recruiter sees of one applicant's exam, with the breakdown.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FullExam {
    status: AttemptStatus,
    started_at: DateTime<Utc>,
    deadline: DateTime<Utc>,
    #[schema(required)]
    submitted_at: Option<DateTime<Utc>>,
    #[schema(required)]
    finalised_by: Option<Finalisation>,
    #[schema(required)]
    score: Option<f64>,
    #[schema(required)]
    max_score: Option<u32>,
    #[schema(required)]
    by_category: Option<BTreeMap<String, CategoryScore>>,
}

/// `GET /applicants/{uid}`: everything about one applicant; details `null` when not given.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ApplicantDetail {
    id: String,
    #[schema(required)]
    first_name: Option<String>,
    #[schema(required)]
    last_name: Option<String>,
    #[schema(required)]
    email: Option<String>,
    #[schema(required)]
    phone: Option<String>,
    #[schema(required)]
    education: Option<Vec<Education>>,
    #[schema(required)]
    availability: Option<Availability>,
    #[schema(required)]
    created_at: Option<DateTime<Utc>>,
    #[schema(required)]
    updated_at: Option<DateTime<Utc>>,
    #[schema(required)]
    exam: Option<FullExam>,
    resume: Resume,
}

/// `POST /applicants/me/resume`: where and how to PUT the PDF.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResumeUpload {
    /// `PUT`.
    method: String,
    /// The presigned URL.
    url: String,
    /// Headers the upload must carry, exactly.
    headers: BTreeMap<String, String>,
    /// The object key the CV is stored under.
    key: String,
    /// Seconds the URL stays valid.
    expires_in: u64,
}

/// `?sort=&limit=&cursor=` of the applicants.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
struct ApplicantsFilter {
    /// `recent` (the default): newest applicants first; `score`: submitted exams, best first.
    #[param(value_type = Option<String>, pattern = "^(recent|score)$")]
    sort: Option<String>,
    /// Most applicants on the page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// The `nextCursor` of the previous page of the same `sort`.
    cursor: Option<String>,
}

/// The caller's own details (applicants), CV state and exam status; never a score.
#[utoipa::path(
    get, path = "/applicants/me", tag = "applicants",
    operation_id = "getMyDetails",
    responses(
        (status = 200, description = "The details.", body = OwnApplicant),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 410, response = Gone),
    ),
    security(("cognito" = []))
)]
fn get_me() {}

/// Fill in or replace the caller's details (applicants). The email defaults to the token's.
#[utoipa::path(
    put, path = "/applicants/me", tag = "applicants",
    operation_id = "saveMyDetails",
    request_body = Details,
    responses(
        (status = 201, description = "Saved for the first time.", body = OwnApplicant),
        (status = 200, description = "Replaced.", body = OwnApplicant),
        (status = 403, response = Forbidden),
        (status = 410, response = Gone),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn save_me() {}

/// Erase the caller (applicants): details, CV and sign-in account go; a finished exam stays,
/// anonymised, in the recruiters' statistics. Final; asking again answers the same. The token
/// in hand keeps working until it expires, and gets 410 for everything after.
#[utoipa::path(
    delete, path = "/applicants/me", tag = "erasure",
    operation_id = "eraseMe",
    responses(
        (status = 204, description = "Erased (now or before)."),
        (status = 403, response = Forbidden),
    ),
    security(("cognito" = []))
)]
fn erase_me() {}

/// Everything held about the caller (applicants), as a JSON file to save: the account, the
/// details, the CV with a 5-minute link, the exam as taken and, once over, its grade.
#[utoipa::path(
    get, path = "/applicants/me/export", tag = "applicants",
    operation_id = "exportMyData",
    responses(
        (status = 200, description = "The export (`Content-Disposition: attachment`).", body = Export),
        (status = 403, response = Forbidden),
        (status = 410, response = Gone),
    ),
    security(("cognito" = []))
)]
fn export_me() {}

/// Ask for a CV upload URL (applicants): a presigned PUT of a PDF of exactly `size` bytes.
#[utoipa::path(
    post, path = "/applicants/me/resume", tag = "applicants",
    operation_id = "requestResumeUpload",
    request_body = UploadRequest,
    responses(
        (status = 201, description = "The upload, valid 10 minutes.", body = ResumeUpload),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 410, response = Gone),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn request_upload() {}

/// List applicants (recruiters), newest first or by exam score.
#[utoipa::path(
    get, path = "/applicants", tag = "applicants",
    operation_id = "listApplicants",
    params(ApplicantsFilter),
    responses(
        (status = 200, description = "A page of applicants.", body = ApplicantPage),
        (status = 403, response = Forbidden),
    ),
    security(("cognito" = []))
)]
fn list_applicants() {}

/// Read one applicant in full (recruiters), with a 5-minute CV link when a PDF arrived.
#[utoipa::path(
    get, path = "/applicants/{uid}", tag = "applicants",
    operation_id = "getApplicant",
    params(("uid" = String, Path, description = "The applicant's uid (Cognito sub).")),
    responses(
        (status = 200, description = "The applicant.", body = ApplicantDetail),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("cognito" = []))
)]
fn get_applicant() {}

/// This function's operations, one per entry of [`ROUTES`](crate::ROUTES), and the schemas they use.
pub fn openapi() -> utoipa::openapi::OpenApi {
    crate::described_routes()
}
