//! An invitation onto a company's roster: what an admin asks for, and the row that holds the
//! invited person until they set their password (Invitations table, reaped by TTL).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::StaffRole;
use crate::refusal::Refusal;

/// How long an invitation (and Cognito's temporary password) stays valid.
pub const INVITATION_DAYS: i64 = 7;

/// `POST /employees`: who to invite, in which role, reporting to whom.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InviteRequest {
    /// Their sign-in; the pool makes their username (a UUID).
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    pub role: StaffRole,
    /// Username (not email) of their manager in the same company; required for employees.
    #[serde(default)]
    pub manager: Option<String>,
}

impl InviteRequest {
    /// Checks the rules that need no lookup, naming the field; returns it normalised.
    pub fn validated(mut self) -> Result<InviteRequest, Refusal> {
        self.email = self.email.trim().to_ascii_lowercase();
        if crate::contact::email_domain(&self.email).is_none() {
            return Err(Refusal::invalid("email", "not a valid email address"));
        }
        self.name = self
            .name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        if self
            .name
            .as_ref()
            .is_some_and(|n| n.chars().count() > 100 || n.chars().any(char::is_control))
        {
            return Err(Refusal::invalid(
                "name",
                "a name has at most 100 characters",
            ));
        }
        self.manager = self
            .manager
            .map(|m| m.trim().to_ascii_lowercase())
            .filter(|m| !m.is_empty());
        if self.role == StaffRole::Employee && self.manager.is_none() {
            return Err(Refusal::invalid(
                "manager",
                "an employee needs a manager from the same company",
            ));
        }
        Ok(self)
    }
}

/// The Invitations row: the company an invited username belongs to until they first sign in
/// (the sign-in trigger finds it by the username the event carries).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub username: String,
    pub company_id: String,
    pub invited_by: String,
    pub invited_at: DateTime<Utc>,
    /// Epoch seconds; DynamoDB's TTL removes the row after it.
    pub expires_at: i64,
}

impl Invitation {
    pub fn new(username: &str, company_id: &str, invited_by: &str, at: DateTime<Utc>) -> Self {
        Invitation {
            username: username.to_string(),
            company_id: company_id.to_string(),
            invited_by: invited_by.to_string(),
            invited_at: at,
            expires_at: (at + Duration::days(INVITATION_DAYS)).timestamp(),
        }
    }

    /// TTL deletion is lazy (up to days late), so expiry is also checked on read.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now.timestamp() > self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(role: StaffRole, manager: Option<&str>) -> InviteRequest {
        InviteRequest {
            email: " Ram@Acme.Test ".into(),
            name: Some("  Ram  ".into()),
            role,
            manager: manager.map(str::to_string),
        }
    }

    #[test]
    fn an_invitation_is_normalised_and_employees_need_a_manager() {
        let ok = request(StaffRole::Employee, Some("Manager@acme.test"))
            .validated()
            .unwrap();
        assert_eq!(ok.email, "ram@acme.test");
        assert_eq!(ok.name.as_deref(), Some("Ram"));
        assert_eq!(ok.manager.as_deref(), Some("manager@acme.test"));
        let field = |r: InviteRequest| r.validated().unwrap_err().field;
        assert_eq!(
            field(request(StaffRole::Employee, None)),
            Some("manager".into())
        );
        let mut bad = request(StaffRole::Admin, None);
        bad.email = "ram@".into();
        assert_eq!(field(bad), Some("email".into()));
        assert!(request(StaffRole::Admin, None).validated().is_ok());
    }

    #[test]
    fn an_invitation_expires_after_its_days() {
        let at = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let i = Invitation::new("ram@acme.test", "acme", "admin@acme.test", at);
        assert!(!i.is_expired(at + Duration::days(INVITATION_DAYS)));
        assert!(i.is_expired(at + Duration::days(INVITATION_DAYS) + Duration::seconds(1)));
    }
}
