//! The Attendance System's days: which work date a punch belongs to (in the company's zone),
//! the stored day with its two punches, and the month reports.

mod record;
mod repo;
mod report;
mod workday;

pub use record::{AttendanceDay, Punch, PunchKind, person_key};
pub use repo::AttendanceRepo;
pub use report::{DaySummary, summarise, to_csv};
pub use workday::closing_date;
