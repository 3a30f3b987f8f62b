//! How many bytes a drawn exam may take. An attempt freezes every drawn question into one
//! ExamAttempts item, and DynamoDB caps an item at 400 KB counted in bytes: fifty questions of
//! 2,000 characters each fit every character limit but not the item in Devanagari or CJK (three
//! bytes a character). So each question may take its share of the budget as stored, and a
//! question the recruiters' policy cannot fit is refused when it is written.

use crate::ports::item_size::value_size;
use crate::refusal::Refusal;

use super::{DrawnQuestion, ExamPolicy, FrozenQuestion, QuestionDraft};

/// What the frozen questions of one attempt may take together: the item's 400 KB less room for
/// the answers (at most 16 KiB as sent), the grade and the attempt's own attributes.
pub const FROZEN_QUESTIONS_BYTES: usize = 360 * 1024;

/// The bytes `draft` takes frozen into an attempt (its drawn id and option order included).
pub fn frozen_bytes(id: &str, draft: &QuestionDraft) -> usize {
    let frozen = FrozenQuestion {
        drawn: DrawnQuestion {
            question_id: id.to_string(),
            category: draft.category.clone(),
            option_order: (0..draft.options.len()).collect(),
        },
        content: draft.clone(),
    };
    serde_json::to_value(&frozen).map_or(usize::MAX, |v| 1 + value_size(&v))
}

/// Each question's share of the budget under `policy`.
pub fn question_budget(policy: &ExamPolicy) -> usize {
    let questions = policy.per_category.values().sum::<u32>().max(1) as usize;
    FROZEN_QUESTIONS_BYTES / questions
}

/// Refused as invalid, naming the larger of `text` and `options`, when `draft` takes more than
/// its share.
pub fn check_fits(id: &str, draft: &QuestionDraft, policy: &ExamPolicy) -> Result<(), Refusal> {
    let bytes = frozen_bytes(id, draft);
    let budget = question_budget(policy);
    if bytes <= budget {
        return Ok(());
    }
    let options: usize = draft.options.iter().map(|o| o.text.len()).sum();
    let field = if draft.text.len() >= options {
        "text"
    } else {
        "options"
    };
    let questions = policy.per_category.values().sum::<u32>();
    Err(Refusal::invalid(
        field,
        format!(
            "this question takes {bytes} bytes as stored (text in Devanagari or CJK takes three \
             bytes a character); an exam of {questions} questions leaves each at most {budget}: \
             shorten it"
        ),
    ))
}

/// Whether a whole draw fits (questions written before the policy grew may not).
pub fn draw_fits(questions: &[FrozenQuestion]) -> bool {
    let bytes: usize = questions
        .iter()
        .map(|q| frozen_bytes(&q.drawn.question_id, &q.content))
        .sum();
    bytes <= FROZEN_QUESTIONS_BYTES
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::Duration;

    use super::*;
    use crate::exam::{Difficulty, QuestionKind, QuestionOption, Scoring};
    use crate::refusal::RefusalKind;

    fn policy(questions: u32) -> ExamPolicy {
        ExamPolicy {
            per_category: BTreeMap::from([("rust".to_string(), questions)]),
            duration: Duration::minutes(30),
            grace: Duration::seconds(30),
            scoring: Scoring::AllOrNothing,
        }
    }

    fn question(text: &str, option: &str) -> QuestionDraft {
        QuestionDraft {
            text: text.into(),
            kind: QuestionKind::Single,
            category: "rust".into(),
            difficulty: Difficulty::Easy,
            points: 1,
            options: (0..8)
                .map(|i| QuestionOption {
                    text: format!("{option}{i}"),
                    correct: i == 0,
                })
                .collect(),
            active: true,
        }
    }

    #[test]
    fn a_long_devanagari_question_fits_a_short_exam_but_not_a_long_one() {
        // 2,000 characters of text and eight options of about 500: every character limit holds.
        let long = question(&"क".repeat(2000), &"ख".repeat(499));
        assert!(long.clone().validated().is_ok());
        assert!(
            frozen_bytes("q1", &long) > 17_000,
            "three bytes a character"
        );
        assert!(check_fits("q1", &long, &policy(12)).is_ok());
        let refused = check_fits("q1", &long, &policy(50)).unwrap_err();
        assert_eq!(refused.kind, RefusalKind::Invalid);
        assert_eq!(refused.field.as_deref(), Some("options"));
        // The same text in ASCII fits fifty.
        let ascii = question(&"k".repeat(2000), &"x".repeat(400));
        assert!(check_fits("q1", &ascii, &policy(50)).is_ok());
    }

    #[test]
    fn fifty_questions_at_their_share_fit_one_attempt_item() {
        let p = policy(50);
        let budget = question_budget(&p);
        let mut text = String::new();
        while frozen_bytes("q", &question(&(text.clone() + "न"), "o")) <= budget {
            text.push('न');
        }
        let at_share = question(&text, "o");
        assert!(check_fits("q", &at_share, &p).is_ok());
        let frozen: Vec<FrozenQuestion> = (0..50)
            .map(|i| FrozenQuestion {
                drawn: DrawnQuestion {
                    question_id: format!("q{i:02}"),
                    category: "rust".into(),
                    option_order: (0..8).collect(),
                },
                content: at_share.clone(),
            })
            .collect();
        assert!(draw_fits(&frozen));
        assert!(frozen_bytes("q", &at_share) * 50 <= FROZEN_QUESTIONS_BYTES);
    }
}
