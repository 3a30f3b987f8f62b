//! Grading (`domain::exam::grade`): whatever an applicant sends, the score stays within 0 and
//! the maximum, per category and in total, and all-correct answers earn full marks.

use std::collections::BTreeMap;

use domain::exam::{
    Answers, DrawnQuestion, QuestionDraft, QuestionKind, Scoring, check_answers, grade,
};
use proptest::prelude::*;

/// One question as drawn: its content and the order its options were shown in.
#[derive(Clone, Debug)]
struct Drawn {
    question: QuestionDraft,
    option_order: Vec<usize>,
}

/// A question the bank would accept (2 to 8 options, 1 to 100 points, single choice with
/// exactly one right option, multiple choice with at least one), shown in a shuffled order.
fn drawn_question() -> impl Strategy<Value = Drawn> {
    (
        prop_oneof![Just(QuestionKind::Single), Just(QuestionKind::Multiple)],
        2usize..=8,
        1u32..=100,
        prop::sample::select(vec!["rust", "sql", "aptitude"]),
    )
        .prop_flat_map(|(kind, options, points, category)| {
            let correct = match kind {
                QuestionKind::Single => (0..options)
                    .prop_map(move |right| (0..options).map(|i| i == right).collect())
                    .boxed(),
                QuestionKind::Multiple => prop::collection::vec(any::<bool>(), options)
                    .prop_filter("at least one right option", |c| c.contains(&true))
                    .boxed(),
            };
            let order = Just((0..options).collect::<Vec<_>>()).prop_shuffle();
            (correct, order).prop_map(move |(correct, option_order): (Vec<bool>, _)| Drawn {
                question: domain::samples::question_draft("q", kind, category, points, &correct),
                option_order,
            })
        })
}

/// An exam of 1 to 12 questions, in the shapes `grade` takes.
fn exam() -> impl Strategy<Value = (Vec<DrawnQuestion>, BTreeMap<String, QuestionDraft>)> {
    prop::collection::vec(drawn_question(), 1..=12).prop_map(|questions| {
        let mut drawn = Vec::new();
        let mut bank = BTreeMap::new();
        for (i, q) in questions.into_iter().enumerate() {
            let id = format!("q{i}");
            drawn.push(DrawnQuestion {
                question_id: id.clone(),
                category: q.question.category.clone(),
                option_order: q.option_order,
            });
            bank.insert(id, q.question);
        }
        (drawn, bank)
    })
}

/// Anything a client could send, unchecked: picks out of range, repeated, on unknown ids.
fn raw_answers() -> impl Strategy<Value = Answers> {
    prop::collection::btree_map(
        prop_oneof![
            4 => (0usize..12).prop_map(|i| format!("q{i}")),
            1 => "[a-z]{1,4}",
        ],
        prop::collection::vec(0usize..10, 0..10),
        0..12,
    )
}

/// An exam and answers `check_answers` accepts: for some questions, distinct shown positions
/// in range, at most one on a single-choice question.
fn exam_with_valid_answers()
-> impl Strategy<Value = (Vec<DrawnQuestion>, BTreeMap<String, QuestionDraft>, Answers)> {
    exam().prop_flat_map(|(drawn, bank)| {
        let picks: Vec<_> = drawn
            .iter()
            .map(|d| {
                (
                    any::<bool>(),
                    prop::collection::vec(any::<bool>(), d.option_order.len()),
                )
            })
            .collect();
        (Just(drawn), Just(bank), picks).prop_map(|(drawn, bank, picks)| {
            let answers = drawn
                .iter()
                .zip(picks)
                .filter(|(_, (answered, _))| *answered)
                .map(|(d, (_, chosen))| {
                    let mut shown: Vec<usize> = (0..chosen.len()).filter(|s| chosen[*s]).collect();
                    if bank[&d.question_id].kind == QuestionKind::Single {
                        shown.truncate(1);
                    }
                    (d.question_id.clone(), shown)
                })
                .collect();
            (drawn, bank, answers)
        })
    })
}

/// The shown positions of every right option: the answers of someone who knows it all.
fn all_correct(drawn: &[DrawnQuestion], bank: &BTreeMap<String, QuestionDraft>) -> Answers {
    drawn
        .iter()
        .map(|d| {
            let right = bank[&d.question_id].correct_options();
            let shown = (0..d.option_order.len())
                .filter(|s| right.contains(&d.option_order[*s]))
                .collect();
            (d.question_id.clone(), shown)
        })
        .collect()
}

fn scoring() -> impl Strategy<Value = Scoring> {
    prop_oneof![Just(Scoring::AllOrNothing), Just(Scoring::Partial)]
}

proptest! {
    #![proptest_config(crate::config())]

    #[test]
    fn the_score_is_never_negative_nor_above_the_maximum(
        (drawn, bank) in exam(),
        answers in raw_answers(),
        scoring in scoring(),
    ) {
        let g = grade(&drawn, &bank, &answers, scoring);
        let total: u32 = bank.values().map(|q| q.points).sum();
        prop_assert_eq!(g.max_score, total, "every drawn question counts towards the maximum");
        prop_assert!(g.score >= 0.0, "score {}", g.score);
        prop_assert!(g.score <= f64::from(g.max_score), "score {} of {}", g.score, g.max_score);
        for (category, c) in &g.by_category {
            prop_assert!(
                (0.0..=f64::from(c.max_score)).contains(&c.score),
                "{}: {} of {}", category, c.score, c.max_score
            );
            prop_assert!(c.correct <= c.questions, "{}", category);
        }
        prop_assert_eq!(
            g.by_category.values().map(|c| c.questions as usize).sum::<usize>(),
            drawn.len()
        );
    }

    #[test]
    fn answers_that_pass_the_check_score_within_bounds_too(
        (drawn, bank, answers) in exam_with_valid_answers(),
        scoring in scoring(),
    ) {
        // What the saved-answers route accepts is graded within bounds too.
        prop_assert!(check_answers(&drawn, &bank, &answers).is_ok());
        let g = grade(&drawn, &bank, &answers, scoring);
        prop_assert!((0.0..=f64::from(g.max_score)).contains(&g.score), "{:?}", g);
    }

    #[test]
    fn all_correct_answers_earn_full_marks(
        (drawn, bank) in exam(),
        scoring in scoring(),
    ) {
        let answers = all_correct(&drawn, &bank);
        prop_assert!(check_answers(&drawn, &bank, &answers).is_ok());
        let g = grade(&drawn, &bank, &answers, scoring);
        prop_assert_eq!(g.score, f64::from(g.max_score));
        for (category, c) in &g.by_category {
            prop_assert_eq!(c.score, f64::from(c.max_score), "{}", category);
            prop_assert_eq!(c.correct, c.questions, "{}", category);
        }
    }

    #[test]
    fn no_answers_earn_nothing(
        (drawn, bank) in exam(),
        scoring in scoring(),
    ) {
        let g = grade(&drawn, &bank, &Answers::new(), scoring);
        prop_assert_eq!(g.score, 0.0);
        prop_assert!(g.by_category.values().all(|c| c.correct == 0));
    }

    #[test]
    fn one_wrong_pick_never_earns_more_than_the_right_set(
        (drawn, bank) in exam(),
        scoring in scoring(),
        which in any::<prop::sample::Index>(),
        extra in any::<prop::sample::Index>(),
    ) {
        // Adding a wrong option to a fully right answer loses points on that question.
        let mut answers = all_correct(&drawn, &bank);
        let d = &drawn[which.index(drawn.len())];
        let right = bank[&d.question_id].correct_options();
        let wrong: Vec<usize> = (0..d.option_order.len())
            .filter(|s| !right.contains(&d.option_order[*s]))
            .collect();
        prop_assume!(!wrong.is_empty());
        answers
            .get_mut(&d.question_id)
            .expect("answered")
            .push(wrong[extra.index(wrong.len())]);
        let g = grade(&drawn, &bank, &answers, scoring);
        prop_assert!(g.score < f64::from(g.max_score), "{:?}", g);
        prop_assert!(g.score >= 0.0);
    }
}
