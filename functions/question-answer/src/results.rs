//! The recruiters' side: attempts ranked by score (or still running), and one in full.

use domain::exam::{AttemptRepo, AttemptStatus, ResultDetail, ResultSummary};
use edge::ApiError;
use edge::http::{cursor_param, json, page_limit, paged, path_param, query_param};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde_json::json;

use crate::QuestionAnswer;

const DEFAULT_PAGE: usize = 25;
const MAX_PAGE: usize = 100;

/// `GET /exams?status=submitted|in_progress&limit=&cursor=`: submitted ones by score, highest
/// first; running ones by closing time. Overdue ones are finalised as they are met.
pub async fn list(app: &QuestionAnswer, request: &Request) -> Result<Response<Body>, ApiError> {
    let status = match query_param(request, "status") {
        None | Some("submitted") => AttemptStatus::Submitted,
        Some("in_progress") => AttemptStatus::InProgress,
        Some(_) => {
            return Err(ApiError::bad_request(
                "status",
                "use submitted or in_progress",
            ));
        }
    };
    let limit = page_limit(request, DEFAULT_PAGE, MAX_PAGE)?;
    let cursor = cursor_param(request);
    let repo = AttemptRepo::new(app.store.as_ref());
    let (attempts, next) = paged(repo.list(status, limit, cursor).await)?;
    let now = app.clock.now();
    let mut items = Vec::with_capacity(attempts.len());
    for attempt in attempts {
        if attempt.is_overdue(now) {
            // Finalised now; it belongs to the submitted list from here on.
            repo.current(&attempt.uid, now).await?;
            continue;
        }
        items.push(ResultSummary::of(&attempt));
    }
    Ok(json(
        StatusCode::OK,
        &json!({ "items": items, "nextCursor": next.map(|c| c.0) }),
    ))
}

/// `GET /exams/{uid}`: one applicant's attempt with every question, the picks and the breakdown.
pub async fn read(app: &QuestionAnswer, request: &Request) -> Result<Response<Body>, ApiError> {
    let uid = path_param(request, "uid")?;
    match AttemptRepo::new(app.store.as_ref())
        .current(&uid, app.clock.now())
        .await?
    {
        Some(attempt) => Ok(json(StatusCode::OK, &ResultDetail::of(&attempt))),
        None => Err(ApiError::not_found(format!(
            "applicant `{uid}` has no exam attempt"
        ))),
    }
}
