//! The applicant's side: progressive saves before the deadline, and the one final submit.

use domain::RefusalKind;
use domain::exam::{Answers, ApplicantView, AttemptRepo, AttemptStatus, Finalisation};
use edge::ApiError;
use edge::claims::Claims;
use edge::http::{body_bytes, json, json_body};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;

use crate::QuestionAnswer;

/// Answers are small: at most 50 questions of at most 8 option positions.
const BODY_LIMIT: usize = 16 * 1024;

/// `{"answers": {"<question id>": [<shown option positions>]}}`
#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct AnswersBody {
    /// Question id → the positions of the options picked, as shown (0-based).
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, Vec<u64>>))]
    answers: Answers,
}

/// `PUT /exams/current/answers`: merges the given answers into the saved ones.
pub async fn save(
    app: &QuestionAnswer,
    request: &Request,
    claims: &Claims,
) -> Result<Response<Body>, ApiError> {
    let body: AnswersBody = json_body(request, BODY_LIMIT)?;
    let now = app.clock.now();
    let attempt = AttemptRepo::new(app.store.as_ref())
        .change(&claims.sub, now, |a| a.save(&body.answers, now))
        .await?;
    Ok(json(StatusCode::OK, &ApplicantView::of(&attempt, now)))
}

/// `POST /exams/current/submit`, optionally with last answers: final, graded on the server.
/// Submitting again after one's own submit answers with the final state (a retry is safe).
pub async fn submit(
    app: &QuestionAnswer,
    request: &Request,
    claims: &Claims,
) -> Result<Response<Body>, ApiError> {
    let last = if body_bytes(request, BODY_LIMIT)?.is_empty() {
        None
    } else {
        Some(json_body::<AnswersBody>(request, BODY_LIMIT)?.answers)
    };
    let now = app.clock.now();
    let repo = AttemptRepo::new(app.store.as_ref());
    let outcome = repo
        .change(&claims.sub, now, |a| {
            if let Some(answers) = &last {
                a.save(answers, now)?;
            }
            a.submit(now)
        })
        .await;
    match outcome {
        Ok(attempt) => {
            tracing::info!(uid = %claims.sub, "exam submitted");
            Ok(json(StatusCode::OK, &ApplicantView::of(&attempt, now)))
        }
        Err(refused) if refused.kind() == Some(RefusalKind::Conflict) => {
            // Racing or retried submits: the one that landed stands, and every caller sees it.
            match repo.get(&claims.sub).await? {
                Some(a)
                    if a.status == AttemptStatus::Submitted
                        && a.finalised_by == Some(Finalisation::Applicant) =>
                {
                    Ok(json(StatusCode::OK, &ApplicantView::of(&a, now)))
                }
                _ => Err(refused.into()),
            }
        }
        Err(failed) => Err(failed.into()),
    }
}
