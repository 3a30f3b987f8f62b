//! Career Genese applicants: the personal details they fill in and the rules those satisfy,
//! their contact addresses, their CV, their row in the Applicants table, and their erasure.

mod details;
mod erasure;
mod repo;
mod resume;

pub use details::{Availability, Commitment, Details, Education, MAX_EDUCATION};
pub use erasure::{ApplicantRow, erased_refusal};
pub use repo::{Applicant, ApplicantRepo};
pub use resume::{
    MAX_RESUME_BYTES, PDF_MAGIC, RESUME_CONTENT_TYPE, ResumeState, check_resume_size, resume_key,
};
