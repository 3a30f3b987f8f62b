//! Property tests of the domain rules: grading, the work date of a punch, and the working days
//! a leave costs. Each property runs a bounded number of generated cases (256 unless
//! `PROPTEST_CASES` says otherwise) so the suite stays fast.

mod grading;
mod leave_days;
mod workday;

/// The case count every property here runs: 256, or `PROPTEST_CASES` when set.
pub fn config() -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(256),
        // No regression files in the tree: a failure prints its shrunk case, which then
        // belongs in the module's unit tests.
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}
