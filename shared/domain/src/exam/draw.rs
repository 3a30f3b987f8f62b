//! The random draw of an attempt: which questions, and each question's options in an order of
//! its own, frozen when the attempt starts.

use std::collections::BTreeMap;

use rand::Rng;
use rand::seq::SliceRandom;

use super::ExamPolicy;

/// One drawn question: its id and the order in which its options are shown.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DrawnQuestion {
    pub question_id: String,
    pub category: String,
    /// `option_order[shown] = original index`.
    pub option_order: Vec<usize>,
}

/// The bank cannot fill the policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("category `{category}` has {available} active questions; the exam needs {needed}")]
pub struct DrawError {
    pub category: String,
    pub available: usize,
    pub needed: usize,
}

/// Draws the policy's count from each category of `bank` (active question ids with their option
/// counts, by category) and shuffles every question's options.
pub fn draw<R: Rng + ?Sized>(
    policy: &ExamPolicy,
    bank: &BTreeMap<String, Vec<(String, usize)>>,
    rng: &mut R,
) -> Result<Vec<DrawnQuestion>, DrawError> {
    let mut drawn = Vec::new();
    for (category, &count) in &policy.per_category {
        let needed = count as usize;
        let candidates = bank.get(category).map(Vec::as_slice).unwrap_or_default();
        if candidates.len() < needed {
            return Err(DrawError {
                category: category.clone(),
                available: candidates.len(),
                needed,
            });
        }
        for (id, options) in candidates.choose_multiple(rng, needed) {
            let mut option_order: Vec<usize> = (0..*options).collect();
            option_order.shuffle(rng);
            drawn.push(DrawnQuestion {
                question_id: id.clone(),
                category: category.clone(),
                option_order,
            });
        }
    }
    // Categories interleave in the shown order too, so position says nothing about the topic.
    drawn.shuffle(rng);
    Ok(drawn)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;
    use crate::exam::Scoring;

    fn policy(per_category: &[(&str, u32)]) -> ExamPolicy {
        ExamPolicy {
            per_category: per_category
                .iter()
                .map(|(c, n)| (c.to_string(), *n))
                .collect(),
            duration: chrono::Duration::minutes(30),
            grace: chrono::Duration::seconds(30),
            scoring: Scoring::AllOrNothing,
        }
    }

    fn bank() -> BTreeMap<String, Vec<(String, usize)>> {
        ["rust", "sql"]
            .iter()
            .map(|c| {
                (
                    c.to_string(),
                    (0..10).map(|i| (format!("{c}-{i}"), 4)).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn the_draw_takes_the_policy_count_per_category_without_repeats() {
        let drawn = draw(
            &policy(&[("rust", 4), ("sql", 3)]),
            &bank(),
            &mut StdRng::seed_from_u64(7),
        )
        .unwrap();
        assert_eq!(drawn.iter().filter(|d| d.category == "rust").count(), 4);
        assert_eq!(drawn.iter().filter(|d| d.category == "sql").count(), 3);
        let ids: BTreeSet<_> = drawn.iter().map(|d| &d.question_id).collect();
        assert_eq!(ids.len(), 7);
        for d in &drawn {
            let mut order = d.option_order.clone();
            order.sort();
            assert_eq!(order, vec![0, 1, 2, 3], "a permutation of the options");
        }
    }

    #[test]
    fn different_applicants_get_different_draws() {
        let p = policy(&[("rust", 4)]);
        let a = draw(&p, &bank(), &mut StdRng::seed_from_u64(1)).unwrap();
        let b = draw(&p, &bank(), &mut StdRng::seed_from_u64(2)).unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn a_thin_bank_is_reported_by_category() {
        let err = draw(
            &policy(&[("rust", 11)]),
            &bank(),
            &mut StdRng::seed_from_u64(1),
        )
        .unwrap_err();
        assert_eq!(
            (err.category.as_str(), err.available, err.needed),
            ("rust", 10, 11)
        );
        let err = draw(
            &policy(&[("go", 1)]),
            &bank(),
            &mut StdRng::seed_from_u64(1),
        )
        .unwrap_err();
        assert_eq!(err.available, 0);
    }
}
