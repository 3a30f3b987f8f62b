//! `GET /applicants/me/export`: everything held about the caller (GDPR art. 15 and 20), as one
//! JSON document the browser saves: the account as the token names it, the details, the CV
//! (with a link while it is a PDF), and the exam with the questions as drawn, the answers and,
//! once it is over, the grade; and any extra time a recruiter granted, with its reasons. Only
//! here does an applicant see their score: what is held about
//! them is theirs to read, while the everyday view (`GET /applicants/me`) keeps to status.

use chrono::{DateTime, Utc};
use domain::applicant::{ApplicantRepo, Details};
use domain::exam::{ApplicantView, AttemptRepo, ExtraTimeRepo, ExtraTimeView, Grade};
use edge::ApiError;
use edge::claims::Claims;
use edge::http::json;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde::Serialize;
use serde_json::Value;

use crate::PersonalDetails;
use crate::cv_link::linked_resume;

/// The file name the browser saves the export under.
const FILE_NAME: &str = "career-genese-my-data.json";

/// Everything held about one applicant.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct Export {
    exported_at: DateTime<Utc>,
    account: Account,
    /// `null` until filled in.
    details: Option<Details>,
    created_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
    /// The CV as `GET /applicants/me` shows it, with a 5-minute `url` while it is a PDF.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    resume: Value,
    /// `null` until the exam is started.
    exam: Option<ExportedExam>,
    /// Extra time recruiters granted, each change with its reason; `null` if none ever was.
    extra_time: Option<ExtraTimeView>,
}

/// The sign-in account, as the caller's token names it.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct Account {
    /// Cognito `sub`: the applicant's id everywhere.
    id: String,
    username: String,
    email: Option<String>,
}

/// The exam as the applicant took it, and its grade once it is over.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExportedExam {
    #[serde(flatten)]
    attempt: ApplicantView,
    saved_at: Option<DateTime<Utc>>,
    /// `null` while in progress.
    grade: Option<Grade>,
}

/// `GET /applicants/me/export` (applicants).
pub async fn read(app: &PersonalDetails, claims: &Claims) -> Result<Response<Body>, ApiError> {
    let now = app.clock.now();
    let applicant = ApplicantRepo::new(app.store.as_ref())
        .live(&claims.sub)
        .await?;
    let attempt = AttemptRepo::new(app.store.as_ref())
        .current(&claims.sub, now)
        .await?;
    let grant = ExtraTimeRepo::new(app.store.as_ref())
        .get(&claims.sub)
        .await?;
    let extra_time = (grant.version > 0)
        .then(|| ExtraTimeView::of(&grant, attempt.as_ref().map(|a| a.deadline)));
    let key = applicant.as_ref().and_then(|a| a.resume_key.as_deref());
    let resume = linked_resume(app, key).await?;
    let export = Export {
        exported_at: now,
        account: Account {
            id: claims.sub.clone(),
            username: claims.username.clone(),
            email: claims.email.clone(),
        },
        created_at: applicant.as_ref().map(|a| a.created_at),
        updated_at: applicant.as_ref().map(|a| a.updated_at),
        details: applicant.map(|a| a.details),
        resume,
        exam: attempt.map(|a| ExportedExam {
            attempt: ApplicantView::of(&a, now),
            saved_at: a.saved_at,
            grade: a.grade,
        }),
        extra_time,
    };
    let mut response = json(StatusCode::OK, &export);
    if let Ok(value) = format!("attachment; filename=\"{FILE_NAME}\"").parse() {
        response.headers_mut().insert("content-disposition", value);
    }
    Ok(response)
}
