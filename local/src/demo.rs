//! Demo data, written on a stack's first run: company `acme` with an admin, a manager and an
//! employee (linked to the Slack users `U0ADMIN`, `U0MANAGER`, `U0EMPLOYEE`), a recruiter and an
//! applicant, all with one well-known password (local only).

use std::collections::BTreeMap;

use domain::company::{CompanyProfile, CompanyRepo, Registration, WorkHours};
use domain::ports::{
    Condition, DirectoryError, DirectoryUser, ItemStore, NewUser, Table, UserDirectory,
};
use domain::roster::{EmploymentStatus, RosterEntry, RosterRepo, StaffRole};
use edge::claims::{COMPANY_ID_ATTRIBUTE, Role};

use crate::stack::{Result, Stack};

/// The one password of every demo user. It exists only in the local stack.
pub const DEMO_PASSWORD: &str = "Demo-Password-1";
pub const DEMO_COMPANY: &str = "acme";

/// One demo user: email (their sign-in), group, company, role on the roster, manager's email.
/// The local pool makes their usernames, as Cognito does.
pub type DemoUser = (
    &'static str,
    Role,
    Option<&'static str>,
    Option<StaffRole>,
    Option<&'static str>,
);

pub const DEMO_USERS: [DemoUser; 5] = [
    (
        "admin@acme.test",
        Role::Admin,
        Some(DEMO_COMPANY),
        Some(StaffRole::Admin),
        None,
    ),
    (
        "manager@acme.test",
        Role::Manager,
        Some(DEMO_COMPANY),
        Some(StaffRole::Manager),
        Some("admin@acme.test"),
    ),
    (
        "employee@acme.test",
        Role::Employee,
        Some(DEMO_COMPANY),
        Some(StaffRole::Employee),
        Some("manager@acme.test"),
    ),
    ("recruiter@genese.test", Role::Recruiter, None, None, None),
    ("applicant@example.test", Role::Applicant, None, None, None),
];

/// The demo's Slack links: who a signed request from these Slack users acts as.
fn demo_slack_user(email: &str) -> Option<String> {
    match email {
        "admin@acme.test" => Some("U0ADMIN".into()),
        "manager@acme.test" => Some("U0MANAGER".into()),
        "employee@acme.test" => Some("U0EMPLOYEE".into()),
        _ => None,
    }
}

async fn ensure_user(
    stack: &Stack,
    email: &str,
    group: Role,
    company: Option<&str>,
) -> Result<DirectoryUser> {
    let attributes: BTreeMap<String, String> = company
        .map(|c| (COMPANY_ID_ATTRIBUTE.to_string(), c.to_string()))
        .into_iter()
        .collect();
    let new = NewUser {
        email: email.into(),
        temporary_password: None,
        groups: vec![group.group().into()],
        attributes,
    };
    // Seeded users get no invitation mail: their password is set just below.
    match stack.directory.create_user_with_password(&new) {
        Ok(_) | Err(DirectoryError::UserExists) => {}
        Err(e) => return Err(e.into()),
    }
    stack.directory.set_password(email, DEMO_PASSWORD)?;
    Ok(stack.directory.get_user(email).await?)
}

/// Writes the demo data unless this state folder already has it.
pub async fn seed_once(stack: &Stack) -> Result<bool> {
    let marker = stack.state_dir.join("demo-seeded");
    if marker.exists() {
        return Ok(false);
    }
    let now = stack.clock.now();
    for (email, group, company, role, manager) in DEMO_USERS {
        let user = ensure_user(stack, email, group, company).await?;
        // Managers come first in DEMO_USERS, so theirs exists: link them by username.
        let manager = match manager {
            Some(m) => Some(stack.directory.get_user(m).await?.username),
            None => None,
        };
        match (role, company) {
            (Some(StaffRole::Admin), Some(company)) => {
                let registration = Registration {
                    company_id: company.into(),
                    owner_sub: user.sub.clone(),
                    owner_username: user.username.clone(),
                    owner_email: Some(user.email.clone()),
                    profile: CompanyProfile {
                        name: "Acme Trading".into(),
                        time_zone: "Asia/Kathmandu".into(),
                        work_hours: WorkHours::default(),
                    }
                    .validated()
                    .map_err(|e| e.detail)?,
                    at: now,
                };
                CompanyRepo::new(stack.store.as_ref())
                    .register(&registration)
                    .await?;
                // Registration lists the admin without Slack; link them as an admin would.
                let roster = RosterRepo::new(stack.store.as_ref());
                if let Some(current) = roster.get(company, &user.username).await? {
                    let linked = RosterEntry {
                        slack_user_id: demo_slack_user(email),
                        version: current.version + 1,
                        ..current.clone()
                    };
                    roster.replace(&current, &linked).await?;
                }
            }
            (Some(role), Some(company)) => {
                let entry = RosterEntry {
                    company_id: company.into(),
                    username: user.username.clone(),
                    sub: user.sub.clone(),
                    email: user.email.clone(),
                    role,
                    manager,
                    status: EmploymentStatus::Active,
                    created_at: now,
                    name: None,
                    face_id: None,
                    face_enrolled_at: None,
                    biometric_consent: None,
                    version: 1,
                    offboarded_at: None,
                    slack_user_id: demo_slack_user(email),
                };
                match stack
                    .store
                    .put(Table::Employees, entry.to_item(), Condition::Absent)
                    .await
                {
                    Ok(()) | Err(domain::ports::StoreError::ConditionFailed) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            _ => {}
        }
    }
    std::fs::write(&marker, now.to_rfc3339())?;
    Ok(true)
}
