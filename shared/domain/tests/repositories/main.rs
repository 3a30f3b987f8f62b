//! The domain's repositories on the real SQLite store: keys, conditions and transactions as
//! the ports carry them, and what must happen once under retries and races. (Here, not beside
//! each repository, because the store is an adapter: a unit test in this crate cannot link
//! one.)

mod applicants;
mod attempts;
mod attendance;
mod events;
mod extra_time;
mod lease;
mod leave;
mod roster;
