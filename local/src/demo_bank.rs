//! The demo question bank: five questions in each category of the local exam policy (four are
//! drawn from each), so a new user can take the whole exam at once. Written on every start
//! under fixed ids, create-once, so recruiters' edits and deletions stick.

use domain::exam::{Difficulty, QuestionDraft, QuestionKind, QuestionOption, QuestionRepo};
use domain::ports::StoreError;

use crate::stack::{Result, Stack};

/// (category, difficulty, kind, points, text, options with the correct ones marked `*`).
type DemoQuestion = (
    &'static str,
    Difficulty,
    QuestionKind,
    u32,
    &'static str,
    &'static [&'static str],
);

use Difficulty::{Easy, Hard, Medium};
use QuestionKind::{Multiple, Single};

const BANK: [DemoQuestion; 15] = [
    (
        "rust",
        Easy,
        Single,
        2,
        "What does the `?` operator do on a `Result`?",
        &[
            "*Returns the error early from the enclosing function",
            "Panics on an error",
            "Ignores the error",
            "Converts the error into `None`",
        ],
    ),
    (
        "rust",
        Medium,
        Multiple,
        4,
        "Which of these types are `Copy`?",
        &["*`u32`", "`String`", "*`(i8, bool)`", "`Vec<u8>`"],
    ),
    (
        "rust",
        Medium,
        Single,
        3,
        "Which smart pointer gives shared ownership across threads?",
        &["`Rc<T>`", "*`Arc<T>`", "`Box<T>`", "`Cell<T>`"],
    ),
    (
        "rust",
        Hard,
        Multiple,
        5,
        "Which statements about lifetimes are true?",
        &[
            "*They never change how long a value lives",
            "*Elision fills them in for many function signatures",
            "They are checked at run time",
            "`'static` means the value is a constant",
        ],
    ),
    (
        "rust",
        Easy,
        Single,
        2,
        "What does `cargo clippy` do?",
        &[
            "Formats code",
            "*Lints code for common mistakes",
            "Publishes a crate",
            "Runs benchmarks",
        ],
    ),
    (
        "sql",
        Easy,
        Single,
        2,
        "Which clause filters groups after aggregation?",
        &["`WHERE`", "*`HAVING`", "`ORDER BY`", "`LIMIT`"],
    ),
    (
        "sql",
        Medium,
        Single,
        3,
        "What does a LEFT JOIN return for left rows without a match?",
        &[
            "Nothing",
            "*The left row with NULLs for the right columns",
            "An error",
            "The right row with NULLs",
        ],
    ),
    (
        "sql",
        Medium,
        Multiple,
        4,
        "Which of these guarantee uniqueness of a column's values?",
        &[
            "*A PRIMARY KEY",
            "*A UNIQUE constraint",
            "An ordinary index",
            "A CHECK constraint on length",
        ],
    ),
    (
        "sql",
        Hard,
        Single,
        5,
        "Which isolation level prevents phantom reads in standard SQL?",
        &[
            "READ COMMITTED",
            "REPEATABLE READ",
            "*SERIALIZABLE",
            "READ UNCOMMITTED",
        ],
    ),
    (
        "sql",
        Easy,
        Single,
        2,
        "What does `COUNT(*)` count?",
        &[
            "Non-null values of the first column",
            "*Rows",
            "Distinct rows",
            "Columns",
        ],
    ),
    (
        "aptitude",
        Easy,
        Single,
        2,
        "A train covers 120 km in 1.5 hours. What is its average speed?",
        &["60 km/h", "*80 km/h", "90 km/h", "100 km/h"],
    ),
    (
        "aptitude",
        Medium,
        Single,
        3,
        "What comes next: 2, 6, 12, 20, 30, …?",
        &["40", "*42", "44", "36"],
    ),
    (
        "aptitude",
        Medium,
        Multiple,
        4,
        "Which numbers are prime?",
        &["*29", "39", "*41", "51"],
    ),
    (
        "aptitude",
        Hard,
        Single,
        5,
        "Three taps fill a tank in 6, 10 and 15 hours alone. Together?",
        &["2.5 hours", "*3 hours", "3.5 hours", "4 hours"],
    ),
    (
        "aptitude",
        Easy,
        Single,
        2,
        "If 5 pens cost 40, how much do 8 pens cost?",
        &["56", "60", "*64", "72"],
    ),
];

/// Creates any demo question that was never created; returns how many it created.
pub async fn ensure(stack: &Stack) -> Result<usize> {
    let repo = QuestionRepo::new(stack.store.as_ref());
    let now = stack.clock.now();
    let mut created = 0;
    for (i, (category, difficulty, kind, points, text, options)) in BANK.iter().enumerate() {
        let draft = QuestionDraft {
            text: (*text).into(),
            kind: *kind,
            category: (*category).into(),
            difficulty: *difficulty,
            points: *points,
            options: options
                .iter()
                .map(|o| QuestionOption {
                    text: o.trim_start_matches('*').into(),
                    correct: o.starts_with('*'),
                })
                .collect(),
            active: true,
        }
        .validated()
        .map_err(|e| format!("demo question {i}: {}", e.detail))?;
        match repo
            .create(format!("demo-{category}-{i}"), draft, now)
            .await
        {
            Ok(_) => created += 1,
            Err(StoreError::ConditionFailed) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_question_passes_the_bank_rules_and_fills_the_local_policy() {
        for (category, _, kind, _, text, options) in BANK {
            let correct = options.iter().filter(|o| o.starts_with('*')).count();
            assert!(correct >= 1, "{text}");
            if kind == Single {
                assert_eq!(correct, 1, "{text}");
            }
            assert!(["rust", "sql", "aptitude"].contains(&category));
        }
        for category in ["rust", "sql", "aptitude"] {
            assert!(BANK.iter().filter(|q| q.0 == category).count() >= 4);
        }
    }
}
