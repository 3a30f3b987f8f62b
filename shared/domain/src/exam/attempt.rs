//! An applicant's one exam attempt: the frozen draw (question content as drawn, option order,
//! deadline, scoring rules), the saved answers, and the move to `submitted` with its grade.
//! Plain rules; storage is in `attempts.rs`.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{Answers, DrawnQuestion, Grade, QuestionDraft, Scoring, check_answers, grade};
use crate::calendar::sortable;
use crate::refusal::Refusal;

/// Sort key of the attempt: one attempt per applicant, so starting is a create-once on the key.
pub const ATTEMPT_ID: &str = "intern-exam";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    InProgress,
    Submitted,
}

impl AttemptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::InProgress => "in_progress",
            AttemptStatus::Submitted => "submitted",
        }
    }
}

/// Who ended the attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Finalisation {
    /// The applicant pressed submit.
    Applicant,
    /// The deadline passed; the saved answers were graded.
    Deadline,
}

/// A drawn question with its content as it was when drawn, so later edits to the bank change
/// neither what the applicant sees nor how the attempt is graded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrozenQuestion {
    #[serde(flatten)]
    pub drawn: DrawnQuestion,
    pub content: QuestionDraft,
}

/// The stored attempt (ExamAttempts item). Top-level attributes are snake_case, since keys,
/// indexes, conditions and the stream consumer name them; nested documents (questions, grade)
/// keep the camelCase shape they have in the API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub uid: String,
    pub attempt_id: String,
    /// The applicant's verified email when they started, for the confirmation mail.
    pub email: Option<String>,
    pub status: AttemptStatus,
    pub questions: Vec<FrozenQuestion>,
    #[serde(default)]
    pub answers: Answers,
    pub started_at: DateTime<Utc>,
    /// The policy's duration after the start, plus the extra minutes.
    pub deadline: DateTime<Utc>,
    /// Extra minutes a recruiter granted this applicant (see `extra_time`), already in the
    /// deadline.
    #[serde(default)]
    pub extra_minutes: u32,
    /// The policy's network grace and scoring, frozen with the draw.
    pub grace_seconds: i64,
    pub scoring: Scoring,
    pub saved_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub finalised_by: Option<Finalisation>,
    pub grade: Option<Grade>,
    /// When the applicant was erased: the attempt stays for the statistics, naming no one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymised_at: Option<DateTime<Utc>>,
    /// Bumped by every write, the optimistic-concurrency token.
    pub version: u64,
}

impl Attempt {
    /// A new attempt started `now` over the frozen `questions`.
    pub fn start(
        uid: &str,
        email: Option<String>,
        questions: Vec<FrozenQuestion>,
        now: DateTime<Utc>,
        duration: Duration,
        grace: Duration,
        scoring: Scoring,
    ) -> Attempt {
        Attempt {
            uid: uid.to_string(),
            attempt_id: ATTEMPT_ID.to_string(),
            email,
            status: AttemptStatus::InProgress,
            questions,
            answers: Answers::new(),
            started_at: now,
            deadline: now + duration,
            extra_minutes: 0,
            grace_seconds: grace.num_seconds(),
            scoring,
            saved_at: None,
            submitted_at: None,
            finalised_by: None,
            grade: None,
            anonymised_at: None,
            version: 1,
        }
    }

    /// The last instant at which a save or submit is still accepted.
    pub fn closes_at(&self) -> DateTime<Utc> {
        self.deadline + Duration::seconds(self.grace_seconds)
    }

    /// In progress, but past the deadline and its grace: to be finalised with the saved answers.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.status == AttemptStatus::InProgress && now > self.closes_at()
    }

    /// Whole seconds left before the deadline (not counting the grace), never negative.
    pub fn seconds_left(&self, now: DateTime<Utc>) -> i64 {
        (self.deadline - now).num_seconds().max(0)
    }

    /// Gives the attempt `minutes` extra in all (replacing what it had) at `now`: the deadline
    /// moves by the difference. Refused once the exam is over, or when the new deadline would
    /// already have passed (time that ran cannot be taken back).
    pub fn allow_extra(&mut self, minutes: u32, now: DateTime<Utc>) -> Result<(), Refusal> {
        if self.status == AttemptStatus::Submitted || now > self.closes_at() {
            return Err(Refusal::conflict(
                "the exam is over; extra time no longer changes it",
            ));
        }
        let base = self.deadline - Duration::minutes(i64::from(self.extra_minutes));
        let deadline = base + Duration::minutes(i64::from(minutes));
        if deadline < now {
            let needed = ((now - base).num_seconds() + 59) / 60;
            return Err(Refusal::conflict(format!(
                "with {minutes} extra minutes the exam would have ended at {}; grant at least \
                 {needed} to keep it running",
                sortable(deadline)
            )));
        }
        self.deadline = deadline;
        self.extra_minutes = minutes;
        self.version += 1;
        Ok(())
    }

    fn contents(&self) -> (Vec<DrawnQuestion>, BTreeMap<String, QuestionDraft>) {
        let drawn = self.questions.iter().map(|q| q.drawn.clone()).collect();
        let content = self
            .questions
            .iter()
            .map(|q| (q.drawn.question_id.clone(), q.content.clone()))
            .collect();
        (drawn, content)
    }

    fn ensure_open(&self, now: DateTime<Utc>) -> Result<(), Refusal> {
        if self.finalised_by == Some(Finalisation::Deadline) {
            return Err(Refusal::conflict(format!(
                "the exam ended at {}; it was submitted with your saved answers",
                sortable(self.deadline)
            )));
        }
        if self.status == AttemptStatus::Submitted {
            return Err(Refusal::conflict(
                "the exam was already submitted; it is final",
            ));
        }
        if now > self.closes_at() {
            return Err(Refusal::conflict(format!(
                "the exam ended at {}; answers are no longer accepted",
                sortable(self.deadline)
            )));
        }
        Ok(())
    }

    /// Merges `answers` into the saved ones (an empty list clears a question), as of `now`.
    pub fn save(&mut self, answers: &Answers, now: DateTime<Utc>) -> Result<(), Refusal> {
        self.ensure_open(now)?;
        let (drawn, content) = self.contents();
        check_answers(&drawn, &content, answers)?;
        for (id, picks) in answers {
            if picks.is_empty() {
                self.answers.remove(id);
            } else {
                let mut picks = picks.clone();
                picks.sort_unstable();
                self.answers.insert(id.clone(), picks);
            }
        }
        self.saved_at = Some(now);
        self.version += 1;
        Ok(())
    }

    /// The applicant submits at `now`: final, graded here on the server.
    pub fn submit(&mut self, now: DateTime<Utc>) -> Result<(), Refusal> {
        self.ensure_open(now)?;
        self.finalise(Finalisation::Applicant, now);
        Ok(())
    }

    /// The deadline passed without a submit: graded on the saved answers, dated at the deadline.
    pub fn expire(&mut self) {
        if self.status == AttemptStatus::InProgress {
            let at = self.deadline;
            self.finalise(Finalisation::Deadline, at);
        }
    }

    /// What erasing the applicant at `now` keeps of the attempt: a finished one (submitted, or
    /// past its deadline and graded as the sweep would) without the email that named them; an
    /// unfinished one says nothing about anyone's ability, so nothing (`None`).
    pub fn anonymised(mut self, now: DateTime<Utc>) -> Option<Attempt> {
        if self.is_overdue(now) {
            self.expire();
        }
        if self.status != AttemptStatus::Submitted {
            return None;
        }
        if self.anonymised_at.is_none() {
            self.email = None;
            self.anonymised_at = Some(now);
            self.version += 1;
        }
        Some(self)
    }

    fn finalise(&mut self, by: Finalisation, at: DateTime<Utc>) {
        let (drawn, content) = self.contents();
        self.grade = Some(grade(&drawn, &content, &self.answers, self.scoring));
        self.status = AttemptStatus::Submitted;
        self.submitted_at = Some(at);
        self.finalised_by = Some(by);
        self.version += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exam::{Difficulty, QuestionKind, QuestionOption};
    use crate::refusal::RefusalKind;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap() + Duration::minutes(minute)
    }

    fn attempt() -> Attempt {
        let content = QuestionDraft {
            text: "Pick b".into(),
            kind: QuestionKind::Single,
            category: "logic".into(),
            difficulty: Difficulty::Easy,
            points: 5,
            options: ["a", "b", "c"]
                .iter()
                .map(|t| QuestionOption {
                    text: t.to_string(),
                    correct: *t == "b",
                })
                .collect(),
            active: true,
        };
        let frozen = FrozenQuestion {
            drawn: DrawnQuestion {
                question_id: "q1".into(),
                category: "logic".into(),
                option_order: vec![2, 1, 0],
            },
            content,
        };
        Attempt::start(
            "u1",
            None,
            vec![frozen],
            at(0),
            Duration::minutes(30),
            Duration::seconds(30),
            Scoring::AllOrNothing,
        )
    }

    #[test]
    fn erasure_keeps_a_finished_attempt_without_its_email_and_drops_an_unfinished_one() {
        let mut open = attempt();
        open.email = Some("sita@example.test".into());
        assert_eq!(open.clone().anonymised(at(1)), None, "still running");

        let overdue = open
            .clone()
            .anonymised(at(31))
            .expect("graded at its deadline");
        assert_eq!(overdue.finalised_by, Some(Finalisation::Deadline));
        assert_eq!(overdue.submitted_at, Some(at(30)));

        let mut done = open;
        done.save(&Answers::from([("q1".into(), vec![1])]), at(2))
            .unwrap();
        done.submit(at(3)).unwrap();
        let kept = done.clone().anonymised(at(5)).unwrap();
        assert_eq!((&kept.email, kept.anonymised_at), (&None, Some(at(5))));
        assert_eq!(kept.grade, done.grade, "the statistics keep the score");
        assert_eq!(kept.answers, done.answers);
        assert_eq!(kept.version, done.version + 1);
        let again = kept.clone().anonymised(at(9)).unwrap();
        assert_eq!(again, kept, "erasing twice changes nothing");
    }

    #[test]
    fn saving_merges_and_an_empty_pick_clears() {
        let mut a = attempt();
        a.save(&Answers::from([("q1".into(), vec![0])]), at(1))
            .unwrap();
        assert_eq!(a.answers["q1"], vec![0]);
        a.save(&Answers::from([("q1".into(), vec![])]), at(2))
            .unwrap();
        assert!(a.answers.is_empty());
        assert_eq!(a.version, 3);
    }

    #[test]
    fn the_grace_is_honoured_and_nothing_is_accepted_after_it() {
        let mut a = attempt();
        let late = at(30) + Duration::seconds(20);
        a.save(&Answers::from([("q1".into(), vec![1])]), late)
            .unwrap();
        let too_late = at(30) + Duration::seconds(31);
        assert_eq!(
            a.save(&Answers::from([("q1".into(), vec![0])]), too_late)
                .unwrap_err()
                .kind,
            RefusalKind::Conflict
        );
        assert!(a.is_overdue(too_late));
        assert_eq!(a.submit(too_late).unwrap_err().kind, RefusalKind::Conflict);
    }

    #[test]
    fn submit_grades_through_the_shown_order_and_is_final() {
        let mut a = attempt();
        // Shown position 1 is original option 1, "b".
        a.save(&Answers::from([("q1".into(), vec![1])]), at(3))
            .unwrap();
        a.submit(at(4)).unwrap();
        let g = a.grade.clone().unwrap();
        assert_eq!((g.score, g.max_score), (5.0, 5));
        assert_eq!(a.finalised_by, Some(Finalisation::Applicant));
        assert_eq!(a.submit(at(5)).unwrap_err().kind, RefusalKind::Conflict);
        assert_eq!(
            a.save(&Answers::new(), at(5)).unwrap_err().kind,
            RefusalKind::Conflict,
            "no answers after submit"
        );
    }

    #[test]
    fn an_expired_attempt_is_graded_on_its_saved_answers_at_the_deadline() {
        let mut a = attempt();
        a.save(&Answers::from([("q1".into(), vec![0])]), at(10))
            .unwrap();
        a.expire();
        assert_eq!(a.status, AttemptStatus::Submitted);
        assert_eq!(a.submitted_at, Some(at(30)));
        assert_eq!(a.finalised_by, Some(Finalisation::Deadline));
        assert_eq!(a.grade.unwrap().score, 0.0);
    }

    #[test]
    fn answers_outside_the_draw_are_refused_and_not_saved() {
        let mut a = attempt();
        let err = a
            .save(&Answers::from([("q9".into(), vec![0])]), at(1))
            .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("answers.q9"));
        assert_eq!((a.version, a.answers.len()), (1, 0));
    }
}
