//! `GET /exam-statistics` (recruiters): item analysis over every submitted attempt, anonymised
//! ones included, read a page at a time from the ranking index.

use domain::exam::{AttemptRepo, AttemptStatus, ItemAnalysis, ItemStatistics};
use edge::ApiError;
use edge::http::json;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde::Serialize;

use crate::QuestionAnswer;

/// Attempts read per page of the index.
const PAGE: usize = 100;

/// The analysis as recruiters read it.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct Statistics {
    /// Submitted attempts analysed.
    attempts: usize,
    /// Every question drawn in them, by id.
    items: Vec<ItemStatistics>,
}

/// `GET /exam-statistics`.
pub async fn read(app: &QuestionAnswer) -> Result<Response<Body>, ApiError> {
    let repo = AttemptRepo::new(app.store.as_ref());
    let mut analysis = ItemAnalysis::default();
    let mut cursor = None;
    loop {
        let (attempts, next) = repo.list(AttemptStatus::Submitted, PAGE, cursor).await?;
        for attempt in &attempts {
            analysis.add(attempt);
        }
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(json(
        StatusCode::OK,
        &Statistics {
            attempts: analysis.attempts(),
            items: analysis.report(),
        },
    ))
}
