//! Companies: the tenants of the Attendance System, their profile and working time.

pub mod members;
mod profile;
mod repo;

pub use profile::{CompanyProfile, Weekday, WorkHours};
pub use repo::{Company, CompanyRepo, Registration};
