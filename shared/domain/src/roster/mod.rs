//! The roster: who works for a company, in which role, reporting to whom; how people are
//! invited onto it and leave it.

mod entry;
mod invitation;
mod repo;

pub use entry::{
    BiometricConsent, EmploymentStatus, FORMER_COLLEAGUE, RosterEntry, StaffRole, name_of,
};
pub use invitation::{INVITATION_DAYS, Invitation, InviteRequest};
pub use repo::{Activation, RosterRepo};
