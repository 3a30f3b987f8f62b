//! A recruiter's extra time for one applicant: `PUT /exams/{uid}/extra-time` sets the total
//! (before or during the attempt; the deadline moves with it), `GET` reads it with its audit.

use domain::exam::{AttemptRepo, ExtraTimeDraft, ExtraTimeRepo, ExtraTimeView};
use edge::ApiError;
use edge::claims::Claims;
use edge::http::{json, json_body, path_param};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::QuestionAnswer;

/// A grant body is two short fields.
const BODY_LIMIT: usize = 4 * 1024;

pub async fn set(
    app: &QuestionAnswer,
    claims: &Claims,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let uid = path_param(request, "uid")?;
    let draft = json_body::<ExtraTimeDraft>(request, BODY_LIMIT)?.validated()?;
    // The audit names the recruiter as people know them: usernames are the pool's UUIDs.
    let by = claims.email.as_deref().unwrap_or(&claims.username);
    let (grant, attempt) = ExtraTimeRepo::new(app.store.as_ref())
        .grant(&uid, &draft, by, app.clock.now())
        .await?;
    let deadline = attempt.map(|a| a.deadline);
    tracing::info!(%uid, minutes = grant.minutes, by = %claims.username, ?deadline, "extra time set");
    Ok(json(StatusCode::OK, &ExtraTimeView::of(&grant, deadline)))
}

pub async fn read(app: &QuestionAnswer, request: &Request) -> Result<Response<Body>, ApiError> {
    let uid = path_param(request, "uid")?;
    let store = app.store.as_ref();
    let (grants, attempts) = (ExtraTimeRepo::new(store), AttemptRepo::new(store));
    let (grant, attempt) = tokio::try_join!(grants.get(&uid), attempts.get(&uid))?;
    if grant.version == 0 && attempt.is_none() {
        return Err(ApiError::not_found(format!(
            "applicant `{uid}` has neither extra time nor an exam attempt"
        )));
    }
    let deadline = attempt.map(|a| a.deadline);
    Ok(json(StatusCode::OK, &ExtraTimeView::of(&grant, deadline)))
}
