//! Starting the one exam attempt and reading it back, for applicants.

use std::collections::BTreeMap;

use domain::applicant::{ApplicantRepo, erased_refusal};
use domain::exam::{
    ApplicantView, Attempt, AttemptRepo, ExtraTimeRepo, FrozenQuestion, Question, QuestionRepo,
    draw, frozen_size,
};
use edge::ApiError;
use edge::claims::Claims;
use edge::http::{body_bytes, json, json_body, with_location};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;

use crate::QuestionCollection;

/// `POST /exams` takes no settings: the policy is the deployment's, never the applicant's.
#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct StartRequest {}

/// Where the caller's attempt is read.
const CURRENT: &str = "/exams/current";

/// Draws a fresh exam from the live bank and freezes each drawn question's content.
async fn fresh_draw(app: &QuestionCollection) -> Result<Vec<FrozenQuestion>, ApiError> {
    let bank = QuestionRepo::new(app.store.as_ref());
    let mut content: BTreeMap<String, Question> = BTreeMap::new();
    let mut candidates: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    for category in app.policy.per_category.keys() {
        for q in bank.active_in(category).await? {
            candidates
                .entry(category.clone())
                .or_default()
                .push((q.id.clone(), q.draft.options.len()));
            content.insert(q.id.clone(), q);
        }
    }
    let drawn = draw(&app.policy, &candidates, &mut rand::thread_rng()).map_err(|e| {
        // The bank, not the applicant, is at fault; recruiters must add questions.
        tracing::error!(error = %e, "the question bank cannot fill the exam policy");
        ApiError::unavailable("the exam is not available yet; please try again later".to_string())
    })?;
    Ok(drawn
        .into_iter()
        .filter_map(|d| {
            content.get(&d.question_id).map(|q| FrozenQuestion {
                content: q.draft.clone(),
                drawn: d,
            })
        })
        .collect())
}

/// `POST /exams`: starts the caller's one attempt (201), or returns the one they have (200).
pub async fn start(
    app: &QuestionCollection,
    request: &Request,
    claims: &Claims,
) -> Result<Response<Body>, ApiError> {
    if !body_bytes(request, 1024)?.is_empty() {
        json_body::<StartRequest>(request, 1024)?;
    }
    let attempts = AttemptRepo::new(app.store.as_ref());
    let now = app.clock.now();
    // A retry or a second click must not cost a draw: the existing attempt answers it.
    if let Some(existing) = attempts.current(&claims.sub, now).await? {
        if existing.anonymised_at.is_some() {
            return Err(erased_refusal().into());
        }
        return Ok(with_location(
            request,
            json(StatusCode::OK, &ApplicantView::of(&existing, now)),
            CURRENT,
        ));
    }
    let questions = fresh_draw(app).await?;
    if !frozen_size::draw_fits(&questions) {
        // Questions written before the policy grew: recruiters must shorten them.
        tracing::error!(
            "the drawn questions exceed an attempt item's {} bytes",
            frozen_size::FROZEN_QUESTIONS_BYTES
        );
        return Err(ApiError::unavailable(
            "the exam is not available yet; please try again later",
        ));
    }
    let attempt = Attempt::start(
        &claims.sub,
        claims.email.clone(),
        questions,
        now,
        app.policy.duration,
        app.policy.grace,
        app.policy.scoring,
    );
    // Racing starts each drew; the key condition keeps exactly one, which all of them return.
    let (attempt, created) = attempts.create_once(attempt).await?;
    // An erased applicant's token outlives them. Checked after the create: an erasure that
    // committed before it is seen here, and one that commits after finds the attempt and
    // deletes it, so no attempt of theirs outlives both.
    if ApplicantRepo::new(app.store.as_ref())
        .erased_at(&claims.sub)
        .await?
        .is_some()
    {
        attempts.discard(&attempt).await?;
        return Err(erased_refusal().into());
    }
    // The applicant's extra time, granted before (or while) this attempt was created.
    let attempt = if created {
        ExtraTimeRepo::new(app.store.as_ref())
            .apply(attempt, now)
            .await?
    } else {
        attempt
    };
    let status = if created {
        tracing::info!(uid = %claims.sub, deadline = %attempt.deadline, "exam started");
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(with_location(
        request,
        json(status, &ApplicantView::of(&attempt, now)),
        CURRENT,
    ))
}

/// `GET /exams/current`: the drawn questions without answers' correctness, saved answers, time left.
pub async fn current(
    app: &QuestionCollection,
    claims: &Claims,
) -> Result<Response<Body>, ApiError> {
    let now = app.clock.now();
    match AttemptRepo::new(app.store.as_ref())
        .current(&claims.sub, now)
        .await?
    {
        Some(attempt) if attempt.anonymised_at.is_some() => Err(erased_refusal().into()),
        Some(attempt) => Ok(json(StatusCode::OK, &ApplicantView::of(&attempt, now))),
        None => Err(ApiError::not_found(
            "you have not started the exam; POST /exams starts it",
        )),
    }
}
