//! The JSON an applicant and a recruiter see. Each view names the fields it shows, so what
//! separates them is explicit: an applicant sees their exam's status and times but never its
//! score; a recruiter sees the score and a CV link.

use domain::applicant::{Applicant, ResumeState};
use domain::exam::Attempt;
use serde_json::{Map, Value, json};

/// Details fields a listing row carries.
const ROW_DETAILS: [&str; 4] = ["firstName", "lastName", "email", "phone"];

/// Every details field.
const ALL_DETAILS: [&str; 6] = [
    "firstName",
    "lastName",
    "email",
    "phone",
    "education",
    "availability",
];

/// What an applicant sees of their own exam: no score, no grade.
const OWN_EXAM: [&str; 4] = ["status", "startedAt", "deadline", "submittedAt"];

/// What a listing row shows of an exam.
const ROW_EXAM: [&str; 5] = ["status", "score", "maxScore", "submittedAt", "finalisedBy"];

/// What a recruiter reading one applicant sees of their exam.
const FULL_EXAM: [&str; 8] = [
    "status",
    "startedAt",
    "deadline",
    "submittedAt",
    "finalisedBy",
    "score",
    "maxScore",
    "byCategory",
];

/// `fields` of `all`, each `null` when absent.
fn pick(all: Option<Value>, fields: &[&str]) -> Map<String, Value> {
    fields
        .iter()
        .map(|f| {
            let value = all.as_ref().and_then(|a| a.get(*f)).cloned();
            (f.to_string(), value.unwrap_or(Value::Null))
        })
        .collect()
}

/// `fields` of the applicant's details, each `null` when they have not filled them in.
fn details(applicant: Option<&Applicant>, fields: &[&str]) -> Map<String, Value> {
    pick(
        applicant.and_then(|a| serde_json::to_value(&a.details).ok()),
        fields,
    )
}

/// `fields` of the exam, or `null` when it was not started.
fn exam(attempt: Option<&Attempt>, fields: &[&str]) -> Value {
    attempt.map_or(Value::Null, |a| {
        let grade = a.grade.as_ref();
        let all = json!({
            "status": a.status,
            "startedAt": a.started_at,
            "deadline": a.deadline,
            "submittedAt": a.submitted_at,
            "finalisedBy": a.finalised_by,
            "score": grade.map(|g| g.score),
            "maxScore": grade.map(|g| g.max_score),
            "byCategory": grade.map(|g| &g.by_category),
        });
        Value::Object(pick(Some(all), fields))
    })
}

/// A CV's state; `link` is a short-lived download URL and its lifetime in seconds.
pub fn resume(state: ResumeState, link: Option<(String, u64)>) -> Value {
    let mut view = json!({ "status": state.status() });
    match state {
        ResumeState::Rejected => view["detail"] = "the uploaded file is not a PDF".into(),
        ResumeState::Uploaded { size } => view["size"] = size.into(),
        ResumeState::NotRequested | ResumeState::Missing => {}
    }
    if let Some((url, expires_in)) = link {
        view["url"] = url.into();
        view["expiresIn"] = expires_in.into();
    }
    view
}

/// What the applicant sees of their own row.
pub fn own(applicant: &Applicant, resume: Value, attempt: Option<&Attempt>) -> Value {
    let mut view = details(Some(applicant), &ALL_DETAILS);
    view.insert("id".into(), applicant.uid.clone().into());
    view.insert("createdAt".into(), json!(applicant.created_at));
    view.insert("updatedAt".into(), json!(applicant.updated_at));
    view.insert("resume".into(), resume);
    view.insert("exam".into(), exam(attempt, &OWN_EXAM));
    Value::Object(view)
}

/// One applicant in a recruiter's listing; `resume` says whether a CV upload was asked for.
pub fn row(uid: &str, applicant: Option<&Applicant>, attempt: Option<&Attempt>) -> Value {
    let mut view = details(applicant, &ROW_DETAILS);
    view.insert("id".into(), uid.into());
    view.insert("exam".into(), exam(attempt, &ROW_EXAM));
    view.insert(
        "resume".into(),
        applicant.is_some_and(|a| a.resume_key.is_some()).into(),
    );
    Value::Object(view)
}

/// One applicant as a recruiter reads them: everything, with the exam's breakdown.
pub fn full(
    uid: &str,
    applicant: Option<&Applicant>,
    attempt: Option<&Attempt>,
    resume: Value,
) -> Value {
    let mut view = details(applicant, &ALL_DETAILS);
    view.insert("id".into(), uid.into());
    view.insert("createdAt".into(), json!(applicant.map(|a| a.created_at)));
    view.insert("updatedAt".into(), json!(applicant.map(|a| a.updated_at)));
    view.insert("exam".into(), exam(attempt, &FULL_EXAM));
    view.insert("resume".into(), resume);
    Value::Object(view)
}
