//! `DELETE /applicants/me`: the applicant erases themselves (GDPR art. 17). Their details go and
//! their attempt is kept anonymised (or deleted if unfinished) in one transaction; then the CV
//! and the pool user are deleted. Each step is idempotent and a retry, finding the erasure
//! recorded, runs the last two again, so a failure in between is mended by asking again and
//! nothing of the person is left once a request has answered 204. The account goes last: one
//! left behind by a failure lets them sign in and ask again, while data left behind an account
//! already deleted could never again be erased by them.

use domain::applicant::{ApplicantRepo, resume_key};
use domain::ports::DirectoryError;
use edge::ApiError;
use edge::claims::Claims;
use edge::http::{body_bytes, no_content};
use lambda_http::{Body, Request, Response};

use crate::PersonalDetails;

/// `DELETE /applicants/me` (applicants): 204 once they are erased, however often asked.
pub async fn erase(
    app: &PersonalDetails,
    claims: &Claims,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    body_bytes(request, 0)?;
    let erased_now = ApplicantRepo::new(app.store.as_ref())
        .erase(&claims.sub, app.clock.now())
        .await?;
    // Every version of it. An upload through a URL signed just before (valid 10 minutes) can
    // still land after this; the CV retention period removes it.
    app.blobs.delete(&resume_key(&claims.sub)).await?;
    match app.directory.delete_user(&claims.username).await {
        Ok(()) | Err(DirectoryError::UserNotFound) => {}
        Err(e) => return Err(e.into()),
    }
    if erased_now {
        tracing::info!(uid = %claims.sub, "applicant erased at their request");
    }
    Ok(no_content())
}
