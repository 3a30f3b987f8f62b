//! A question as a recruiter writes it, and the rules it must satisfy.

use serde::{Deserialize, Serialize};

use crate::refusal::Refusal;

/// Single choice: exactly one option is right. Multiple choice: one or more are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    Single,
    Multiple,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

/// One answer option; `correct` never leaves the server towards an applicant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuestionOption {
    pub text: String,
    pub correct: bool,
}

/// The editable content of a question (`POST /questions`, `PUT /questions/{id}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuestionDraft {
    pub text: String,
    pub kind: QuestionKind,
    /// Lower-case slug such as `rust` or `aptitude`; the exam draws per category.
    pub category: String,
    pub difficulty: Difficulty,
    pub points: u32,
    pub options: Vec<QuestionOption>,
    #[serde(default = "active_by_default")]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

/// Most options a question may have.
pub const MAX_OPTIONS: usize = 8;

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
}

impl QuestionDraft {
    /// Checks every rule, naming the offending field, and returns the draft with text trimmed.
    pub fn validated(mut self) -> Result<QuestionDraft, Refusal> {
        self.text = self.text.trim().to_string();
        if self.text.is_empty() || self.text.chars().count() > 2000 {
            return Err(Refusal::invalid(
                "text",
                "the question needs 1 to 2000 characters",
            ));
        }
        self.category = self.category.trim().to_string();
        if !is_slug(&self.category) {
            return Err(Refusal::invalid(
                "category",
                "use a lower-case slug such as `rust` or `aptitude`",
            ));
        }
        if !(1..=100).contains(&self.points) {
            return Err(Refusal::invalid("points", "points must be 1 to 100"));
        }
        if !(2..=MAX_OPTIONS).contains(&self.options.len()) {
            return Err(Refusal::invalid(
                "options",
                format!("a question has 2 to {MAX_OPTIONS} options"),
            ));
        }
        for (i, option) in self.options.iter_mut().enumerate() {
            option.text = option.text.trim().to_string();
            if option.text.is_empty() || option.text.chars().count() > 500 {
                return Err(Refusal::invalid(
                    format!("options[{i}].text"),
                    "an option needs 1 to 500 characters",
                ));
            }
        }
        for (i, option) in self.options.iter().enumerate() {
            if self.options[..i]
                .iter()
                .any(|o| o.text.eq_ignore_ascii_case(&option.text))
            {
                return Err(Refusal::invalid(
                    format!("options[{i}].text"),
                    "two options have the same text",
                ));
            }
        }
        let correct = self.options.iter().filter(|o| o.correct).count();
        match self.kind {
            QuestionKind::Single if correct != 1 => Err(Refusal::invalid(
                "options",
                "a single-choice question has exactly one correct option",
            )),
            QuestionKind::Multiple if correct == 0 => Err(Refusal::invalid(
                "options",
                "a multiple-choice question has at least one correct option",
            )),
            _ => Ok(self),
        }
    }

    /// Indexes of the correct options.
    pub fn correct_options(&self) -> Vec<usize> {
        self.options
            .iter()
            .enumerate()
            .filter(|(_, o)| o.correct)
            .map(|(i, _)| i)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(kind: QuestionKind, correct: &[bool]) -> QuestionDraft {
        QuestionDraft {
            difficulty: Difficulty::Easy,
            ..crate::samples::question_draft(
                " What does `?` do in Rust? ",
                kind,
                "rust",
                2,
                correct,
            )
        }
    }

    #[test]
    fn a_well_formed_question_is_trimmed_and_kept() {
        let q = draft(QuestionKind::Single, &[false, true, false])
            .validated()
            .unwrap();
        assert_eq!(q.text, "What does `?` do in Rust?");
        assert_eq!(q.correct_options(), vec![1]);
    }

    #[test]
    fn option_counts_and_correct_answers_follow_the_kind() {
        let field = |d: QuestionDraft| d.validated().unwrap_err().field;
        assert_eq!(
            field(draft(QuestionKind::Single, &[true])),
            Some("options".into())
        );
        assert_eq!(
            field(draft(QuestionKind::Single, &[true; 9])),
            Some("options".into())
        );
        assert_eq!(
            field(draft(QuestionKind::Single, &[true, true])),
            Some("options".into())
        );
        assert_eq!(
            field(draft(QuestionKind::Multiple, &[false, false])),
            Some("options".into())
        );
        assert!(
            draft(QuestionKind::Multiple, &[true, true, false])
                .validated()
                .is_ok()
        );
    }

    #[test]
    fn fields_are_named_when_they_break_a_rule() {
        let mut d = draft(QuestionKind::Single, &[true, false]);
        d.category = "Rust Basics".into();
        assert_eq!(
            d.validated().unwrap_err().field.as_deref(),
            Some("category")
        );
        let mut d = draft(QuestionKind::Single, &[true, false]);
        d.points = 0;
        assert_eq!(d.validated().unwrap_err().field.as_deref(), Some("points"));
        let mut d = draft(QuestionKind::Single, &[true, false]);
        d.options[1].text = "OPTION 0".into();
        assert_eq!(
            d.validated().unwrap_err().field.as_deref(),
            Some("options[1].text")
        );
    }
}
