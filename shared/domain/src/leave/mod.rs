//! Leave: what an employee asks for, what it costs in working days, the state machine a request
//! moves along and who may move it, and the requests in the LeaveRequests table (overlap-safe
//! creates, conditional transitions, "mine" and "team" by key queries).

mod days;
mod decide;
mod decision;
mod draft;
mod policy;
mod repo;
mod request;
mod status;

pub use days::working_days;
pub use decide::decide;
pub use decision::{Decision, DecisionNote, MAX_COMMENT_CHARS};
pub use draft::{HalfDay, LeaveDraft, LeaveType, MAX_REASON_CHARS};
pub use policy::{LeavePolicy, MAX_LEAVE_DAYS, PAST_WINDOW_VAR};
pub use repo::{LeaveRepo, NO_MANAGER};
pub use request::{LeaveRequest, LeaveView};
pub use status::{Actor, LeaveAction, LeaveStatus, authorise};
