//! What a self sign-up must satisfy, configured per deployment.

use domain::config::{ConfigError, VarSource, required};
use domain::contact::email_domain;
use serde_json::Value;

use crate::Refusal;

/// Sign-up rules, read once at init.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignUpPolicy {
    /// Email domains refused at sign-up (lower case), e.g. disposable-mail providers.
    pub blocked_domains: Vec<String>,
    /// Name of the careers portal's app client: sign-ups through it become applicants. A name,
    /// not an id, because the client's id cannot be passed to its pool's own trigger.
    pub applicant_client_name: String,
}

/// Attributes a user may never set on themselves; they are granted server-side only.
const PRIVILEGED_PREFIXES: [&str; 1] = ["custom:"];

impl SignUpPolicy {
    /// `APPLICANT_CLIENT_NAME` (required) and `BLOCKED_EMAIL_DOMAINS` (comma-separated, optional).
    pub fn from_env(env: &dyn VarSource) -> Result<Self, ConfigError> {
        Ok(SignUpPolicy {
            applicant_client_name: required(env, "APPLICANT_CLIENT_NAME")?,
            blocked_domains: env
                .var("BLOCKED_EMAIL_DOMAINS")
                .unwrap_or_default()
                .split(',')
                .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
                .filter(|d| !d.is_empty())
                .collect(),
        })
    }

    /// Refuses a self sign-up that breaks a rule, with a message for the user.
    pub fn check_self_sign_up(&self, event: &Value) -> Result<(), Refusal> {
        let attributes = event
            .pointer("/request/userAttributes")
            .and_then(Value::as_object);
        let email = attributes
            .and_then(|a| a.get("email"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim();
        let domain = email_domain(email)
            .ok_or_else(|| Refusal(format!("`{email}` is not a valid email address")))?;
        if self
            .blocked_domains
            .iter()
            .any(|b| domain == *b || domain.ends_with(&format!(".{b}")))
        {
            return Err(Refusal(format!(
                "sign-ups from `{domain}` are not accepted"
            )));
        }
        if let Some(name) = attributes
            .into_iter()
            .flat_map(|a| a.keys())
            .find(|k| PRIVILEGED_PREFIXES.iter().any(|p| k.starts_with(p)))
        {
            return Err(Refusal(format!(
                "the attribute `{name}` cannot be set at sign-up"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> SignUpPolicy {
        SignUpPolicy {
            blocked_domains: vec!["mailinator.com".into()],
            applicant_client_name: "careers".into(),
        }
    }

    fn event(attributes: Value) -> Value {
        serde_json::json!({ "triggerSource": "PreSignUp_SignUp", "request": { "userAttributes": attributes } })
    }

    #[test]
    fn plain_email_is_accepted() {
        assert!(
            policy()
                .check_self_sign_up(&event(serde_json::json!({"email": "Ram@Example.com"})))
                .is_ok()
        );
    }

    #[test]
    fn malformed_and_blocked_emails_are_refused() {
        for bad in [
            "",
            "no-at-sign",
            "a@b",
            "a b@example.com",
            "a@-x.com",
            "x@sub.mailinator.com",
            "x@MAILINATOR.com",
        ] {
            assert!(
                policy()
                    .check_self_sign_up(&event(serde_json::json!({"email": bad})))
                    .is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_company_claim_cannot_be_self_assigned() {
        let err = policy()
            .check_self_sign_up(&event(
                serde_json::json!({"email": "a@example.com", "custom:company_id": "acme"}),
            ))
            .unwrap_err();
        assert!(err.0.contains("custom:company_id"));
    }
}
