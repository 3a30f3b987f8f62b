//! Career Genese exams: the question bank's rules, the exam policy, the random draw that is
//! frozen into an attempt, and server-side grading. Plain types and rules; no I/O.

mod attempt;
mod attempts;
mod bank;
mod draw;
mod extra_time;
pub mod frozen_size;
mod grade;
mod grants;
mod item_analysis;
mod policy;
mod question;
mod views;

pub use attempt::{ATTEMPT_ID, Attempt, AttemptStatus, Finalisation, FrozenQuestion};
pub use attempts::AttemptRepo;
pub(crate) use attempts::erasure_op;
pub use bank::{Question, QuestionFilter, QuestionRepo};
pub use draw::{DrawError, DrawnQuestion, draw};
pub use extra_time::{
    EXTRA_TIME_ID, ExtraTime, ExtraTimeDraft, ExtraTimeView, GrantChange, MAX_EXTRA_MINUTES,
};
pub use grade::{Answers, CategoryScore, Grade, check_answers, earned, grade};
pub use grants::ExtraTimeRepo;
pub(crate) use grants::grant_key;
pub use item_analysis::{ItemAnalysis, ItemStatistics};
pub use policy::{ExamPolicy, MAX_QUESTIONS, Scoring};
pub use question::{Difficulty, QuestionDraft, QuestionKind, QuestionOption};
pub use views::{
    ApplicantView, ResultDetail, ResultSummary, ReviewedOption, ReviewedQuestion, ShownQuestion,
};
