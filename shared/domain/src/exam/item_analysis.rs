//! Item analysis, as Moodle's quiz statistics: for each question, over the submitted attempts
//! that drew it, its **facility** (the mean share of its points earned: how easy it was) and
//! its **discrimination** (the correlation between the share earned on it and the points earned
//! on the rest of the exam: whether those who do well overall do well on it). Questions are
//! drawn at random, so each has its own number of attempts. Anonymised attempts count: keeping
//! them for these statistics is why erasure keeps them.

use std::collections::BTreeMap;

use serde::Serialize;

use super::grade::earned;
use super::{Attempt, AttemptStatus};

/// One question's statistics.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ItemStatistics {
    pub question_id: String,
    pub category: String,
    /// The question's text as one of its attempts froze it (a bank edit between draws changes
    /// it for later ones).
    pub text: String,
    /// Submitted attempts that drew it.
    pub attempts: usize,
    /// Mean share of its points earned, 0 to 1 (rounded to 3 places).
    pub facility: f64,
    /// Pearson correlation of the share earned on it with the rest of the score, -1 to 1
    /// (rounded to 3 places); `null` with fewer than two attempts or when either does not vary.
    pub discrimination: Option<f64>,
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Pearson's r of the pairs; `None` when it is undefined.
fn correlation(pairs: &[(f64, f64)]) -> Option<f64> {
    let n = pairs.len() as f64;
    if pairs.len() < 2 {
        return None;
    }
    let (mx, my) = pairs
        .iter()
        .fold((0.0, 0.0), |(x, y), (a, b)| (x + a / n, y + b / n));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| round3(sxy / (sxx * syy).sqrt()))
}

/// What is gathered of one question.
#[derive(Default)]
struct Item {
    category: String,
    text: String,
    /// Per attempt that drew it: (share of its points earned, points earned on the rest).
    pairs: Vec<(f64, f64)>,
}

/// Accumulates attempts one page at a time, then reports every question met.
#[derive(Default)]
pub struct ItemAnalysis {
    items: BTreeMap<String, Item>,
    attempts: usize,
}

impl ItemAnalysis {
    /// Counts `attempt` if it is submitted.
    pub fn add(&mut self, attempt: &Attempt) {
        if attempt.status != AttemptStatus::Submitted {
            return;
        }
        self.attempts += 1;
        let scores: Vec<(f64, f64)> = attempt
            .questions
            .iter()
            .map(|q| {
                let points = f64::from(q.content.points);
                let got = earned(&q.drawn, &q.content, &attempt.answers, attempt.scoring);
                (got, points)
            })
            .collect();
        let total: f64 = scores.iter().map(|(got, _)| got).sum();
        for (q, (got, points)) in attempt.questions.iter().zip(scores) {
            let share = if points > 0.0 { got / points } else { 0.0 };
            let item = self.items.entry(q.drawn.question_id.clone()).or_default();
            item.category = q.drawn.category.clone();
            item.text = q.content.text.clone();
            item.pairs.push((share, total - got));
        }
    }

    /// Submitted attempts counted.
    pub fn attempts(&self) -> usize {
        self.attempts
    }

    /// Every question met, by id.
    pub fn report(&self) -> Vec<ItemStatistics> {
        self.items
            .iter()
            .map(|(id, item)| ItemStatistics {
                question_id: id.clone(),
                category: item.category.clone(),
                text: item.text.clone(),
                attempts: item.pairs.len(),
                facility: round3(
                    item.pairs.iter().map(|(s, _)| s).sum::<f64>() / item.pairs.len() as f64,
                ),
                discrimination: correlation(&item.pairs),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration};

    use super::*;
    use crate::exam::{
        Answers, Difficulty, DrawnQuestion, FrozenQuestion, QuestionDraft, QuestionKind,
        QuestionOption, Scoring,
    };

    fn question(id: &str, points: u32) -> FrozenQuestion {
        FrozenQuestion {
            drawn: DrawnQuestion {
                question_id: id.into(),
                category: "logic".into(),
                option_order: vec![0, 1],
            },
            content: QuestionDraft {
                text: format!("question {id}"),
                kind: QuestionKind::Single,
                category: "logic".into(),
                difficulty: Difficulty::Easy,
                points,
                options: ["right", "wrong"]
                    .iter()
                    .map(|t| QuestionOption {
                        text: t.to_string(),
                        correct: *t == "right",
                    })
                    .collect(),
                active: true,
            },
        }
    }

    /// A submitted attempt over q1 (1 point), q2 (2) and q3 (3) with `right` answered right.
    fn submitted(right: &[&str]) -> Attempt {
        let at = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let mut a = Attempt::start(
            "u",
            None,
            vec![question("q1", 1), question("q2", 2), question("q3", 3)],
            at,
            Duration::minutes(30),
            Duration::seconds(0),
            Scoring::AllOrNothing,
        );
        let answers: Answers = ["q1", "q2", "q3"]
            .iter()
            .map(|q| (q.to_string(), vec![usize::from(!right.contains(q))]))
            .collect();
        a.save(&answers, at).unwrap();
        a.submit(at).unwrap();
        a
    }

    #[test]
    fn facility_is_the_share_earned_and_discrimination_follows_the_rest_of_the_score() {
        let mut analysis = ItemAnalysis::default();
        // The strong get q1 and q2 right, the weak only q1; q3 nobody.
        for right in [&["q1", "q2"][..], &["q1", "q2"], &["q1"], &["q1"]] {
            analysis.add(&submitted(right));
        }
        let mut running = submitted(&["q1"]);
        running.status = AttemptStatus::InProgress;
        analysis.add(&running);
        assert_eq!(analysis.attempts(), 4, "only submitted attempts count");
        let report = analysis.report();
        let by_id: BTreeMap<&str, &ItemStatistics> =
            report.iter().map(|s| (s.question_id.as_str(), s)).collect();
        assert_eq!(by_id["q1"].facility, 1.0);
        assert_eq!(
            by_id["q1"].discrimination, None,
            "everyone got it: it tells no one apart"
        );
        assert_eq!(by_id["q2"].facility, 0.5);
        // The rest of the score (q1 + q3) is 1 for everyone: q2 cannot correlate with it.
        assert_eq!(by_id["q2"].discrimination, None);
        assert_eq!(by_id["q3"].facility, 0.0);
        assert_eq!(by_id["q3"].attempts, 4);
    }

    #[test]
    fn a_question_that_the_strong_get_right_discriminates_positively() {
        let mut analysis = ItemAnalysis::default();
        for right in [&["q1", "q2", "q3"][..], &["q2", "q3"], &["q1"], &[]] {
            analysis.add(&submitted(right));
        }
        let report = analysis.report();
        let q3 = report.iter().find(|s| s.question_id == "q3").unwrap();
        assert_eq!(q3.facility, 0.5);
        // Share on q3: 1, 1, 0, 0; the rest: 3, 2, 1, 0.
        assert_eq!(q3.discrimination, Some(0.894));
        assert_eq!(correlation(&[(0.0, 1.0), (1.0, 0.0)]), Some(-1.0));
    }
}
