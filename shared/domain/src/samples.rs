//! Sample values of the domain for tests and benches: questions, and acme's staff as the
//! `events/` fixtures name them. Behind the `samples` feature (and in this crate's own tests),
//! so no Lambda links them; `testkit` re-exports them.

/// A medium, active question of `category` whose options are `option 0`, `option 1`…, the ones
/// marked in `correct` right.
pub fn question_draft(
    text: &str,
    kind: crate::exam::QuestionKind,
    category: &str,
    points: u32,
    correct: &[bool],
) -> crate::exam::QuestionDraft {
    crate::exam::QuestionDraft {
        text: text.into(),
        kind,
        category: category.into(),
        difficulty: crate::exam::Difficulty::Medium,
        points,
        options: correct
            .iter()
            .enumerate()
            .map(|(i, c)| crate::exam::QuestionOption {
                text: format!("option {i}"),
                correct: *c,
            })
            .collect(),
        active: true,
    }
}

/// acme's staff as the `events/` fixtures name them: by the usernames an email sign-in pool
/// makes (UUIDs, equal to their subs), never by email.
pub mod acme {
    pub const ADMIN: &str = "1a2b3c4d-0000-4000-8000-acme00000001";
    pub const MANAGER: &str = "1a2b3c4d-0000-4000-8000-acme00000002";
    /// The caller of the attendance and leave fixtures.
    pub const EMPLOYEE: &str = "1a2b3c4d-0000-4000-8000-acme00000003";
}

/// An active member of `company_id`'s staff as tests and benches seed one: their pool username
/// (also their sub) and email, no name, face or Slack link yet.
pub fn active_staff(
    company_id: &str,
    (username, email): (&str, &str),
    role: crate::roster::StaffRole,
    manager: Option<&str>,
    at: chrono::DateTime<chrono::Utc>,
) -> crate::roster::RosterEntry {
    crate::roster::RosterEntry {
        company_id: company_id.into(),
        username: username.into(),
        sub: username.into(),
        email: email.into(),
        role,
        manager: manager.map(str::to_string),
        status: crate::roster::EmploymentStatus::Active,
        created_at: at,
        name: None,
        face_id: None,
        face_enrolled_at: None,
        biometric_consent: None,
        version: 1,
        offboarded_at: None,
        slack_user_id: None,
    }
}
