//! How an exam is composed and timed; one policy per deployment, validated at init.

use std::collections::BTreeMap;

use chrono::Duration;

use crate::config::{ConfigError, VarSource, parsed_or, required};

/// How multiple-choice answers earn points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scoring {
    /// Full points only for exactly the correct set.
    AllOrNothing,
    /// A share of the points: (right picks − wrong picks) / correct options, never below zero.
    Partial,
}

/// Most questions one exam may draw in all categories together.
pub const MAX_QUESTIONS: u32 = 50;

/// The exam every applicant takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExamPolicy {
    /// Questions drawn from each category.
    pub per_category: BTreeMap<String, u32>,
    pub duration: Duration,
    /// Network slack after the deadline within which saves and submits are still accepted.
    pub grace: Duration,
    pub scoring: Scoring,
}

impl ExamPolicy {
    /// `EXAM_QUESTIONS_PER_CATEGORY` (`rust=4,sql=4`), `EXAM_DURATION_MINUTES` (default 30),
    /// `EXAM_GRACE_SECONDS` (default 30, at most 300), `EXAM_SCORING` (`all-or-nothing` or `partial`).
    pub fn from_env(env: &dyn VarSource) -> Result<ExamPolicy, ConfigError> {
        const PER_CATEGORY: &str = "EXAM_QUESTIONS_PER_CATEGORY";
        let bad = |name: &str, problem: String| ConfigError {
            variable: name.into(),
            problem,
        };
        let mut per_category = BTreeMap::new();
        for pair in required(env, PER_CATEGORY)?.split(',') {
            let (category, count) = pair
                .split_once('=')
                .ok_or_else(|| bad(PER_CATEGORY, format!("has `{pair}`; write category=count")))?;
            let count: u32 = count
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=50).contains(n))
                .ok_or_else(|| {
                    bad(
                        PER_CATEGORY,
                        format!("needs a count of 1 to 50 for `{category}`"),
                    )
                })?;
            if per_category
                .insert(category.trim().to_string(), count)
                .is_some()
            {
                return Err(bad(PER_CATEGORY, format!("names `{category}` twice")));
            }
        }
        // The draw is frozen into one item, which DynamoDB caps at 400 KB.
        if per_category.values().sum::<u32>() > MAX_QUESTIONS {
            return Err(bad(
                PER_CATEGORY,
                format!("asks for more than {MAX_QUESTIONS} questions in all"),
            ));
        }
        let minutes: i64 = parsed_or(env, "EXAM_DURATION_MINUTES", 30)?;
        if !(1..=480).contains(&minutes) {
            return Err(bad("EXAM_DURATION_MINUTES", "must be 1 to 480".into()));
        }
        let grace: i64 = parsed_or(env, "EXAM_GRACE_SECONDS", 30)?;
        if !(0..=300).contains(&grace) {
            return Err(bad("EXAM_GRACE_SECONDS", "must be 0 to 300".into()));
        }
        let scoring = match env.var("EXAM_SCORING").as_deref().map(str::trim) {
            None | Some("all-or-nothing") => Scoring::AllOrNothing,
            Some("partial") => Scoring::Partial,
            Some(other) => {
                return Err(bad(
                    "EXAM_SCORING",
                    format!("is `{other}`; use all-or-nothing or partial"),
                ));
            }
        };
        Ok(ExamPolicy {
            per_category,
            duration: Duration::minutes(minutes),
            grace: Duration::seconds(grace),
            scoring,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_policy_reads_counts_duration_grace_and_scoring() {
        let p = ExamPolicy::from_env(&env(&[
            ("EXAM_QUESTIONS_PER_CATEGORY", "rust=4, sql=3"),
            ("EXAM_DURATION_MINUTES", "45"),
            ("EXAM_SCORING", "partial"),
        ]))
        .unwrap();
        assert_eq!(
            p.per_category,
            BTreeMap::from([("rust".into(), 4), ("sql".into(), 3)])
        );
        assert_eq!(
            (p.duration, p.grace, p.scoring),
            (
                Duration::minutes(45),
                Duration::seconds(30),
                Scoring::Partial
            )
        );
    }

    #[test]
    fn a_bad_policy_names_its_variable() {
        for (pairs, variable) in [
            (vec![], "EXAM_QUESTIONS_PER_CATEGORY"),
            (
                vec![("EXAM_QUESTIONS_PER_CATEGORY", "rust")],
                "EXAM_QUESTIONS_PER_CATEGORY",
            ),
            (
                vec![("EXAM_QUESTIONS_PER_CATEGORY", "rust=0")],
                "EXAM_QUESTIONS_PER_CATEGORY",
            ),
            (
                vec![("EXAM_QUESTIONS_PER_CATEGORY", "rust=1,rust=2")],
                "EXAM_QUESTIONS_PER_CATEGORY",
            ),
            (
                vec![("EXAM_QUESTIONS_PER_CATEGORY", "rust=30,sql=30")],
                "EXAM_QUESTIONS_PER_CATEGORY",
            ),
            (
                vec![
                    ("EXAM_QUESTIONS_PER_CATEGORY", "rust=1"),
                    ("EXAM_DURATION_MINUTES", "0"),
                ],
                "EXAM_DURATION_MINUTES",
            ),
            (
                vec![
                    ("EXAM_QUESTIONS_PER_CATEGORY", "rust=1"),
                    ("EXAM_SCORING", "best-of"),
                ],
                "EXAM_SCORING",
            ),
        ] {
            assert_eq!(
                ExamPolicy::from_env(&env(&pairs)).unwrap_err().variable,
                variable
            );
        }
    }
}
