//! Who may act: the roles of both products, each granted by a Cognito group of that name.

/// A Cognito group that grants a role (API.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Applicant,
    Recruiter,
    Admin,
    Manager,
    Employee,
}

impl Role {
    /// The Cognito group name.
    pub fn group(self) -> &'static str {
        match self {
            Role::Applicant => "applicants",
            Role::Recruiter => "recruiters",
            Role::Admin => "admins",
            Role::Manager => "managers",
            Role::Employee => "employees",
        }
    }

    pub fn from_group(group: &str) -> Option<Role> {
        [
            Role::Applicant,
            Role::Recruiter,
            Role::Admin,
            Role::Manager,
            Role::Employee,
        ]
        .into_iter()
        .find(|r| r.group() == group)
    }

    /// Attendance roles, scoped to a company.
    pub const STAFF: [Role; 3] = [Role::Admin, Role::Manager, Role::Employee];
}
