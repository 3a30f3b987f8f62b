//! Server-side grading of an attempt: answers arrive as shown option positions, are mapped back
//! through the frozen option order, and are scored per the policy.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{DrawnQuestion, QuestionDraft, QuestionKind, Scoring};
use crate::refusal::Refusal;

/// An applicant's answers: question id → the positions of the options they picked, as shown.
pub type Answers = BTreeMap<String, Vec<usize>>;

/// Points in one category.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CategoryScore {
    pub score: f64,
    pub max_score: u32,
    pub questions: u32,
    /// Questions answered fully right.
    pub correct: u32,
}

/// The result of an attempt, with its breakdown for recruiters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Grade {
    pub score: f64,
    pub max_score: u32,
    pub by_category: BTreeMap<String, CategoryScore>,
}

/// Refuses answers to questions outside the draw, option positions out of range, repeated
/// positions, and more than one pick on a single-choice question, naming the answer.
pub fn check_answers(
    drawn: &[DrawnQuestion],
    questions: &BTreeMap<String, QuestionDraft>,
    answers: &Answers,
) -> Result<(), Refusal> {
    for (id, picks) in answers {
        let field = format!("answers.{id}");
        let Some(shown) = drawn.iter().find(|d| &d.question_id == id) else {
            return Err(Refusal::invalid(
                field,
                "this question is not part of your exam",
            ));
        };
        if let Some(bad) = picks.iter().find(|p| **p >= shown.option_order.len()) {
            return Err(Refusal::invalid(
                field,
                format!(
                    "option {bad} does not exist; options are 0 to {}",
                    shown.option_order.len() - 1
                ),
            ));
        }
        if picks.iter().collect::<BTreeSet<_>>().len() != picks.len() {
            return Err(Refusal::invalid(field, "an option is picked twice"));
        }
        if questions
            .get(id)
            .is_some_and(|q| q.kind == QuestionKind::Single)
            && picks.len() > 1
        {
            return Err(Refusal::invalid(
                field,
                "a single-choice question takes one option",
            ));
        }
    }
    Ok(())
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Points earned on one question given the original option indexes picked.
fn points(question: &QuestionDraft, picked: &BTreeSet<usize>, scoring: Scoring) -> f64 {
    let correct: BTreeSet<usize> = question.correct_options().into_iter().collect();
    let full = f64::from(question.points);
    if *picked == correct {
        return full;
    }
    match (question.kind, scoring) {
        (QuestionKind::Multiple, Scoring::Partial) => {
            let right = picked.intersection(&correct).count() as f64;
            let wrong = picked.difference(&correct).count() as f64;
            (full * (right - wrong) / correct.len() as f64).max(0.0)
        }
        _ => 0.0,
    }
}

/// Points `answers` earn on the drawn question `d` (whose content is `question`): the picks
/// are positions as shown, mapped back to the original options first.
pub fn earned(
    d: &DrawnQuestion,
    question: &QuestionDraft,
    answers: &Answers,
    scoring: Scoring,
) -> f64 {
    let picked: BTreeSet<usize> = answers
        .get(&d.question_id)
        .into_iter()
        .flatten()
        .filter_map(|shown| d.option_order.get(*shown).copied())
        .collect();
    points(question, &picked, scoring)
}

/// Grades `answers` to the `drawn` questions (whose content is in `questions`, by id).
pub fn grade(
    drawn: &[DrawnQuestion],
    questions: &BTreeMap<String, QuestionDraft>,
    answers: &Answers,
    scoring: Scoring,
) -> Grade {
    let mut by_category: BTreeMap<String, CategoryScore> = BTreeMap::new();
    for d in drawn {
        let Some(question) = questions.get(&d.question_id) else {
            continue;
        };
        let earned = earned(d, question, answers, scoring);
        let entry = by_category
            .entry(d.category.clone())
            .or_insert(CategoryScore {
                score: 0.0,
                max_score: 0,
                questions: 0,
                correct: 0,
            });
        entry.score += earned;
        entry.max_score += question.points;
        entry.questions += 1;
        entry.correct += u32::from(earned == f64::from(question.points));
    }
    for c in by_category.values_mut() {
        c.score = round2(c.score);
    }
    Grade {
        score: round2(by_category.values().map(|c| c.score).sum()),
        max_score: by_category.values().map(|c| c.max_score).sum(),
        by_category,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(kind: QuestionKind, correct: &[bool], points: u32) -> QuestionDraft {
        crate::samples::question_draft("q", kind, "rust", points, correct)
    }

    /// Two questions: a single choice (right = original 2) and a multiple choice (right = 0, 3),
    /// both shown with options reversed.
    fn exam() -> (Vec<DrawnQuestion>, BTreeMap<String, QuestionDraft>) {
        let drawn = vec![
            DrawnQuestion {
                question_id: "s".into(),
                category: "rust".into(),
                option_order: vec![3, 2, 1, 0],
            },
            DrawnQuestion {
                question_id: "m".into(),
                category: "sql".into(),
                option_order: vec![3, 2, 1, 0],
            },
        ];
        let questions = BTreeMap::from([
            (
                "s".to_string(),
                question(QuestionKind::Single, &[false, false, true, false], 2),
            ),
            (
                "m".to_string(),
                question(QuestionKind::Multiple, &[true, false, false, true], 4),
            ),
        ]);
        (drawn, questions)
    }

    #[test]
    fn answers_are_read_through_the_shown_order() {
        let (drawn, questions) = exam();
        // Shown position 1 is original 2; shown 0 and 3 are originals 3 and 0.
        let answers = Answers::from([("s".into(), vec![1]), ("m".into(), vec![0, 3])]);
        let g = grade(&drawn, &questions, &answers, Scoring::AllOrNothing);
        assert_eq!((g.score, g.max_score), (6.0, 6));
        assert_eq!(g.by_category["sql"].correct, 1);
    }

    #[test]
    fn multiple_choice_is_all_or_nothing_unless_partial_credit_is_on() {
        let (drawn, questions) = exam();
        let half = Answers::from([("m".into(), vec![0])]);
        assert_eq!(
            grade(&drawn, &questions, &half, Scoring::AllOrNothing).score,
            0.0
        );
        assert_eq!(
            grade(&drawn, &questions, &half, Scoring::Partial).score,
            2.0
        );
        let one_right_one_wrong = Answers::from([("m".into(), vec![0, 1])]);
        assert_eq!(
            grade(&drawn, &questions, &one_right_one_wrong, Scoring::Partial).score,
            0.0
        );
        let everything = Answers::from([("m".into(), vec![0, 1, 2, 3])]);
        assert_eq!(
            grade(&drawn, &questions, &everything, Scoring::Partial).score,
            0.0,
            "picking all is no strategy"
        );
    }

    #[test]
    fn unanswered_questions_score_zero_but_count_towards_the_maximum() {
        let (drawn, questions) = exam();
        let g = grade(&drawn, &questions, &Answers::new(), Scoring::Partial);
        assert_eq!(
            (g.score, g.max_score, g.by_category["rust"].questions),
            (0.0, 6, 1)
        );
    }

    #[test]
    fn bad_answers_are_refused_by_name() {
        let (drawn, questions) = exam();
        let field = |a: Answers| check_answers(&drawn, &questions, &a).unwrap_err().field;
        assert_eq!(
            field(Answers::from([("x".into(), vec![0])])),
            Some("answers.x".into())
        );
        assert_eq!(
            field(Answers::from([("s".into(), vec![4])])),
            Some("answers.s".into())
        );
        assert_eq!(
            field(Answers::from([("s".into(), vec![0, 1])])),
            Some("answers.s".into())
        );
        assert_eq!(
            field(Answers::from([("m".into(), vec![1, 1])])),
            Some("answers.m".into())
        );
        assert!(
            check_answers(
                &drawn,
                &questions,
                &Answers::from([("m".into(), vec![1, 2])])
            )
            .is_ok()
        );
    }
}
