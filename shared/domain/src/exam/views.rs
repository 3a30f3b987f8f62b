//! What each side may see of an attempt: applicants get their questions and saved answers but
//! never the correct options or any score; recruiters get everything, with the breakdown.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Answers, Attempt, AttemptStatus, CategoryScore, Finalisation, QuestionKind};

/// A question as the applicant sees it: options as text, in their own shown order.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ShownQuestion {
    pub id: String,
    pub category: String,
    pub text: String,
    pub kind: QuestionKind,
    pub points: u32,
    pub options: Vec<String>,
}

/// `GET /exams/current` and the answers/submit responses.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApplicantView {
    pub id: String,
    pub status: AttemptStatus,
    pub started_at: DateTime<Utc>,
    /// With the extra minutes granted, if any.
    pub deadline: DateTime<Utc>,
    /// Extra minutes granted beyond the exam's duration.
    pub extra_minutes: u32,
    pub seconds_left: i64,
    pub submitted_at: Option<DateTime<Utc>>,
    pub finalised_by: Option<Finalisation>,
    pub questions: Vec<ShownQuestion>,
    /// Question id → positions picked, as shown.
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, Vec<u64>>))]
    pub answers: Answers,
    pub answered: usize,
    pub total: usize,
}

impl ApplicantView {
    pub fn of(a: &Attempt, now: DateTime<Utc>) -> ApplicantView {
        let questions = a
            .questions
            .iter()
            .map(|q| ShownQuestion {
                id: q.drawn.question_id.clone(),
                category: q.drawn.category.clone(),
                text: q.content.text.clone(),
                kind: q.content.kind,
                points: q.content.points,
                options: q
                    .drawn
                    .option_order
                    .iter()
                    .filter_map(|i| q.content.options.get(*i).map(|o| o.text.clone()))
                    .collect(),
            })
            .collect();
        ApplicantView {
            id: a.attempt_id.clone(),
            status: a.status,
            started_at: a.started_at,
            deadline: a.deadline,
            extra_minutes: a.extra_minutes,
            seconds_left: if a.status == AttemptStatus::InProgress {
                a.seconds_left(now)
            } else {
                0
            },
            submitted_at: a.submitted_at,
            finalised_by: a.finalised_by,
            questions,
            answers: a.answers.clone(),
            answered: a.answers.len(),
            total: a.questions.len(),
        }
    }
}

/// One attempt in the recruiters' list.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResultSummary {
    /// The applicant's uid (Cognito sub), which `GET /exams/{uid}` takes.
    pub id: String,
    pub email: Option<String>,
    pub status: AttemptStatus,
    pub started_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    /// Extra minutes granted (`PUT /exams/{uid}/extra-time`), already in the deadline.
    pub extra_minutes: u32,
    pub submitted_at: Option<DateTime<Utc>>,
    pub finalised_by: Option<Finalisation>,
    pub score: Option<f64>,
    pub max_score: Option<u32>,
    pub by_category: Option<BTreeMap<String, CategoryScore>>,
}

impl ResultSummary {
    pub fn of(a: &Attempt) -> ResultSummary {
        ResultSummary {
            id: a.uid.clone(),
            email: a.email.clone(),
            status: a.status,
            started_at: a.started_at,
            deadline: a.deadline,
            extra_minutes: a.extra_minutes,
            submitted_at: a.submitted_at,
            finalised_by: a.finalised_by,
            score: a.grade.as_ref().map(|g| g.score),
            max_score: a.grade.as_ref().map(|g| g.max_score),
            by_category: a.grade.as_ref().map(|g| g.by_category.clone()),
        }
    }
}

/// An option as a recruiter reviews it: right or not, picked or not.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReviewedOption {
    pub text: String,
    pub correct: bool,
    pub picked: bool,
}

/// A drawn question with the applicant's picks, options in the bank's order.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReviewedQuestion {
    pub id: String,
    pub category: String,
    pub text: String,
    pub kind: QuestionKind,
    pub points: u32,
    pub options: Vec<ReviewedOption>,
}

/// `GET /exams/{uid}`: the summary plus every question with what was picked.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResultDetail {
    #[serde(flatten)]
    pub summary: ResultSummary,
    pub questions: Vec<ReviewedQuestion>,
}

impl ResultDetail {
    pub fn of(a: &Attempt) -> ResultDetail {
        let questions = a
            .questions
            .iter()
            .map(|q| {
                // Answers are stored as shown positions; map them back to the bank's order.
                let picked: Vec<usize> = a
                    .answers
                    .get(&q.drawn.question_id)
                    .into_iter()
                    .flatten()
                    .filter_map(|shown| q.drawn.option_order.get(*shown).copied())
                    .collect();
                ReviewedQuestion {
                    id: q.drawn.question_id.clone(),
                    category: q.drawn.category.clone(),
                    text: q.content.text.clone(),
                    kind: q.content.kind,
                    points: q.content.points,
                    options: q
                        .content
                        .options
                        .iter()
                        .enumerate()
                        .map(|(i, o)| ReviewedOption {
                            text: o.text.clone(),
                            correct: o.correct,
                            picked: picked.contains(&i),
                        })
                        .collect(),
                }
            })
            .collect();
        ResultDetail {
            summary: ResultSummary::of(a),
            questions,
        }
    }
}
