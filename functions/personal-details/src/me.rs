//! The applicant's own routes: their details, and the upload of their CV.

use std::time::Duration;

use domain::applicant::{
    ApplicantRepo, Details, RESUME_CONTENT_TYPE, ResumeState, check_resume_size, resume_key,
};
use domain::exam::AttemptRepo;
use edge::ApiError;
use edge::claims::Claims;
use edge::http::{DEFAULT_BODY_LIMIT, json, json_body};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::{PersonalDetails, views};

/// How long a CV upload URL stays valid.
const UPLOAD_TTL: Duration = Duration::from_secs(10 * 60);

/// `POST /applicants/me/resume` body.
#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct UploadRequest {
    /// Bytes of the PDF the browser will send; the signed URL accepts exactly that many.
    size: u64,
}

/// `GET /applicants/me`
pub async fn read(app: &PersonalDetails, claims: &Claims) -> Result<Response<Body>, ApiError> {
    let applicant = ApplicantRepo::new(app.store.as_ref())
        .live(&claims.sub)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "you have not filled in your personal details yet (PUT /applicants/me)",
            )
        })?;
    let attempt = AttemptRepo::new(app.store.as_ref())
        .current(&claims.sub, app.clock.now())
        .await?;
    let resume = ResumeState::inspect(app.blobs.as_ref(), applicant.resume_key.as_deref()).await?;
    Ok(json(
        StatusCode::OK,
        &views::own(&applicant, views::resume(resume, None), attempt.as_ref()),
    ))
}

/// `PUT /applicants/me`: the details whole; 201 when they are new, 200 when replaced.
pub async fn save(
    app: &PersonalDetails,
    claims: &Claims,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let details =
        json_body::<Details>(request, DEFAULT_BODY_LIMIT)?.validated(claims.email.as_deref())?;
    let now = app.clock.now();
    let attempt = AttemptRepo::new(app.store.as_ref())
        .current(&claims.sub, now)
        .await?;
    let (applicant, created) = ApplicantRepo::new(app.store.as_ref())
        .save_details(&claims.sub, &details, now)
        .await?;
    // The replacement kept the CV, so it is judged as on a read.
    let resume = ResumeState::inspect(app.blobs.as_ref(), applicant.resume_key.as_deref()).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(json(
        status,
        &views::own(&applicant, views::resume(resume, None), attempt.as_ref()),
    ))
}

/// `POST /applicants/me/resume`: a presigned PUT for the CV, recorded on the applicant's row.
pub async fn offer_upload(
    app: &PersonalDetails,
    claims: &Claims,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let UploadRequest { size } = json_body(request, DEFAULT_BODY_LIMIT)?;
    let size = check_resume_size(size)?;
    let key = resume_key(&claims.sub);
    // Signing is local and writes nothing, so it goes first: a refused signature leaves the
    // row untouched.
    let upload = app
        .blobs
        .presign_put(&key, RESUME_CONTENT_TYPE, size, UPLOAD_TTL)
        .await?;
    ApplicantRepo::new(app.store.as_ref())
        .record_resume_request(&claims.sub, &key, app.clock.now())
        .await?
        .ok_or_else(|| {
            ApiError::conflict("fill in your personal details first (PUT /applicants/me)")
        })?;
    let headers: Map<String, Value> = upload
        .headers
        .into_iter()
        .map(|(name, value)| (name, value.into()))
        .collect();
    Ok(json(
        StatusCode::CREATED,
        &json!({
            "method": upload.method,
            "url": upload.url,
            "headers": headers,
            "key": key,
            "expiresIn": UPLOAD_TTL.as_secs(),
        }),
    ))
}
