//! One person on a company's roster.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ports::{Condition, Item, Table, TxOp};

/// A staff role inside one company.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum StaffRole {
    Admin,
    Manager,
    Employee,
}

impl StaffRole {
    /// The Cognito group that grants this role.
    pub fn role(self) -> crate::role::Role {
        match self {
            StaffRole::Admin => crate::role::Role::Admin,
            StaffRole::Manager => crate::role::Role::Manager,
            StaffRole::Employee => crate::role::Role::Employee,
        }
    }
}

/// Whether the person can still work and sign in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum EmploymentStatus {
    Invited,
    Active,
    Offboarded,
}

/// One person on a company's roster (Employees table, keyed by company and username).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub company_id: String,
    pub username: String,
    pub sub: String,
    pub email: String,
    pub role: StaffRole,
    /// Username of their manager in the same company; admins may have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    pub status: EmploymentStatus,
    pub created_at: DateTime<Utc>,
    /// Shown in lists and mail; the email when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The enrolled reference face (in the company's face collection), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_id: Option<String>,
    /// When the reference face was enrolled (absent for faces enrolled before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_enrolled_at: Option<DateTime<Utc>>,
    /// Their recorded consent to face matching; a face is enrolled only with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biometric_consent: Option<BiometricConsent>,
    /// Bumped by every change; edits are conditional on it.
    #[serde(default = "first_version")]
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offboarded_at: Option<DateTime<Utc>>,
    /// Their Slack user id (set by an admin), so Slack commands and buttons act as them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack_user_id: Option<String>,
}

/// A person's consent to keeping their face template and matching selfies against it: the
/// version of the text they agreed to, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BiometricConsent {
    /// The version of the consent text agreed to.
    pub text_version: String,
    pub given_at: DateTime<Utc>,
}

/// How a message names someone no longer on the roster: their username is the pool's UUID,
/// which means nothing to a reader.
pub const FORMER_COLLEAGUE: &str = "a former colleague";

/// How mail, messages and views name a person looked up on the roster: by their entry while
/// it exists (offboarded people keep theirs), else as [`FORMER_COLLEAGUE`].
pub fn name_of(entry: Option<&RosterEntry>) -> &str {
    entry.map_or(FORMER_COLLEAGUE, RosterEntry::display_name)
}

fn first_version() -> u64 {
    1
}

impl RosterEntry {
    /// Whether this person may sign in and punch.
    pub fn is_active(&self) -> bool {
        self.status == EmploymentStatus::Active
    }

    /// How mail and messages name them: their name, else their email.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.email)
    }

    /// The stored item.
    pub fn to_item(&self) -> Item {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => Item::new(),
        }
    }

    /// A create-once put of this entry.
    pub fn create(&self) -> TxOp {
        TxOp::Put {
            table: Table::Employees,
            item: self.to_item(),
            condition: Condition::Absent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_is_named_by_their_entry_while_it_exists() {
        let at = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let mut ram = crate::samples::active_staff(
            "acme",
            ("u-ram", "ram@acme.test"),
            StaffRole::Employee,
            Some("u-sita"),
            at,
        );
        assert_eq!(name_of(Some(&ram)), "ram@acme.test");
        ram.name = Some("Ram".into());
        assert_eq!(name_of(Some(&ram)), "Ram");
        ram.status = EmploymentStatus::Offboarded;
        assert_eq!(
            name_of(Some(&ram)),
            "Ram",
            "offboarded people keep their name"
        );
        assert_eq!(name_of(None), FORMER_COLLEAGUE);
    }
}
