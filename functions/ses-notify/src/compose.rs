//! The two messages of a submission, each with a plain-text and an HTML body. The applicant's
//! never carries the score: recruiters decide what to share.

use domain::calendar::sortable;
use domain::exam::Finalisation;
use domain::mail_text::{escape_html as escape, one_line};
use domain::ports::Email;

use crate::{NotifyConfig, Submission};

fn how(s: &Submission) -> &'static str {
    match s.attempt.finalised_by {
        Some(Finalisation::Deadline) => "at the deadline, with the saved answers",
        _ => "by the applicant",
    }
}

fn when(s: &Submission) -> String {
    s.attempt
        .submitted_at
        .map(sortable)
        .unwrap_or_else(|| "-".into())
}

/// To the recruiters: who, when, how, the score and its breakdown per category.
pub fn to_recruiters(config: &NotifyConfig, s: &Submission, name: &str) -> Email {
    let a = &s.attempt;
    let (score, max) = a
        .grade
        .as_ref()
        .map(|g| (g.score, g.max_score))
        .unwrap_or((0.0, 0));
    let email = a.email.as_deref().unwrap_or("-");
    let mut text = format!(
        "{name} <{email}> submitted the intern exam {how} at {when}.\n\nScore: {score} / {max}\n\nBy category:\n",
        how = how(s),
        when = when(s),
    );
    let mut rows = String::new();
    for (category, c) in a.grade.iter().flat_map(|g| &g.by_category) {
        text.push_str(&format!(
            "  {category}: {} / {} ({} of {} questions right)\n",
            c.score, c.max_score, c.correct, c.questions
        ));
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{} / {}</td><td>{} of {}</td></tr>",
            escape(category),
            c.score,
            c.max_score,
            c.correct,
            c.questions
        ));
    }
    text.push_str(&format!("\nApplicant id: {}\n", a.uid));
    let html = format!(
        "<!doctype html><html><body><p><strong>{name}</strong> &lt;{email}&gt; submitted the intern exam {how} at {when}.</p>\
         <p>Score: <strong>{score} / {max}</strong></p>\
         <table border=\"1\" cellpadding=\"4\"><tr><th>Category</th><th>Score</th><th>Right</th></tr>{rows}</table>\
         <p>Applicant id: {uid}</p></body></html>",
        name = escape(name),
        email = escape(email),
        how = how(s),
        when = when(s),
        uid = escape(&a.uid),
    );
    Email {
        from: config.from.clone(),
        to: config.recruiters.clone(),
        subject: one_line(&format!("Exam submitted: {name} scored {score} / {max}")),
        text,
        html,
    }
}

/// To the applicant at `to`, if we know an address: received, when, how many answered.
pub fn to_applicant(
    config: &NotifyConfig,
    s: &Submission,
    name: &str,
    to: Option<String>,
) -> Option<Email> {
    let a = &s.attempt;
    let to = to?;
    let text = format!(
        "Hello {name},\n\nWe received your Career Genese intern exam, submitted {how} at {when}. \
         You answered {answered} of {total} questions.\n\nOur recruiters will be in touch.\n",
        how = how(s),
        when = when(s),
        answered = a.answers.len(),
        total = a.questions.len(),
    );
    let html = format!(
        "<!doctype html><html><body><p>Hello {name},</p><p>We received your Career Genese intern exam, \
         submitted {how} at {when}. You answered {answered} of {total} questions.</p>\
         <p>Our recruiters will be in touch.</p></body></html>",
        name = escape(name),
        how = how(s),
        when = when(s),
        answered = a.answers.len(),
        total = a.questions.len(),
    );
    Some(Email {
        from: config.from.clone(),
        to: vec![to],
        subject: "We received your Career Genese exam".into(),
        text,
        html,
    })
}
