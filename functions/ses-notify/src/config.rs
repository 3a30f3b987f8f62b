//! Who sends and who receives, from the deployment's configuration, validated at init.

use domain::config::{ConfigError, VarSource, email_address, required};

/// `MAIL_FROM` (a verified SES identity) and `RECRUITER_EMAILS` (comma-separated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifyConfig {
    pub from: String,
    pub recruiters: Vec<String>,
}

fn looks_like_address(s: &str) -> bool {
    domain::contact::email_domain(s).is_some()
}

impl NotifyConfig {
    pub fn from_env(env: &dyn VarSource) -> Result<NotifyConfig, ConfigError> {
        let bad = |variable: &str, problem: String| ConfigError {
            variable: variable.into(),
            problem,
        };
        let from = email_address(env, "MAIL_FROM")?;
        let mut recruiters = Vec::new();
        for address in required(env, "RECRUITER_EMAILS")?.split(',') {
            let address = address.trim();
            if !looks_like_address(address) {
                return Err(bad(
                    "RECRUITER_EMAILS",
                    format!("`{address}` is not an email address"),
                ));
            }
            recruiters.push(address.to_string());
        }
        // SES takes at most 50 recipients per message.
        if recruiters.len() > 50 {
            return Err(bad(
                "RECRUITER_EMAILS",
                "lists more than 50 addresses".into(),
            ));
        }
        Ok(NotifyConfig { from, recruiters })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn addresses_are_read_and_checked() {
        let c = NotifyConfig::from_env(&env(&[
            ("MAIL_FROM", "careers@genese.test"),
            ("RECRUITER_EMAILS", "a@genese.test, b@genese.test"),
        ]))
        .unwrap();
        assert_eq!(c.recruiters, ["a@genese.test", "b@genese.test"]);
        for (pairs, variable) in [
            (vec![("RECRUITER_EMAILS", "a@genese.test")], "MAIL_FROM"),
            (
                vec![("MAIL_FROM", "careers@genese.test")],
                "RECRUITER_EMAILS",
            ),
            (
                vec![
                    ("MAIL_FROM", "careers"),
                    ("RECRUITER_EMAILS", "a@genese.test"),
                ],
                "MAIL_FROM",
            ),
            (
                vec![
                    ("MAIL_FROM", "c@genese.test"),
                    ("RECRUITER_EMAILS", "a@genese.test,,"),
                ],
                "RECRUITER_EMAILS",
            ),
        ] {
            assert_eq!(
                NotifyConfig::from_env(&env(&pairs)).unwrap_err().variable,
                variable
            );
        }
    }
}
