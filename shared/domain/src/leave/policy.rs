//! How far back leave may be requested, and how long one request may be; validated at init.

use crate::config::{ConfigError, VarSource, parsed_or};

/// Most calendar days one leave request may span. The overlap check relies on it to bound its
/// key query, so raising it widens that query by itself; it is never read from configuration.
pub const MAX_LEAVE_DAYS: i64 = 365;

/// The variable holding [`LeavePolicy::past_window_days`].
pub const PAST_WINDOW_VAR: &str = "LEAVE_PAST_WINDOW_DAYS";

/// The company-independent leave rules of a deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeavePolicy {
    /// How many days before the company's today a leave may start (sick leave is often filed
    /// after the fact).
    pub past_window_days: u32,
}

impl Default for LeavePolicy {
    fn default() -> Self {
        LeavePolicy {
            past_window_days: 30,
        }
    }
}

impl LeavePolicy {
    /// `LEAVE_PAST_WINDOW_DAYS`: 0 to 365, default 30.
    pub fn from_env(env: &dyn VarSource) -> Result<LeavePolicy, ConfigError> {
        let days: u32 = parsed_or(
            env,
            PAST_WINDOW_VAR,
            LeavePolicy::default().past_window_days,
        )?;
        if days > 365 {
            return Err(ConfigError {
                variable: PAST_WINDOW_VAR.into(),
                problem: "must be 0 to 365".into(),
            });
        }
        Ok(LeavePolicy {
            past_window_days: days,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn env(value: Option<&str>) -> BTreeMap<String, String> {
        value
            .map(|v| BTreeMap::from([(PAST_WINDOW_VAR.to_string(), v.to_string())]))
            .unwrap_or_default()
    }

    #[test]
    fn the_past_window_defaults_to_thirty_days() {
        assert_eq!(
            LeavePolicy::from_env(&env(None)).unwrap().past_window_days,
            30
        );
        assert_eq!(
            LeavePolicy::from_env(&env(Some(" 7 ")))
                .unwrap()
                .past_window_days,
            7
        );
        assert_eq!(
            LeavePolicy::from_env(&env(Some("0")))
                .unwrap()
                .past_window_days,
            0
        );
    }

    #[test]
    fn a_bad_past_window_names_its_variable() {
        for bad in ["-1", "366", "thirty", ""] {
            let err = LeavePolicy::from_env(&env(Some(bad))).unwrap_err();
            assert_eq!(err.variable, PAST_WINDOW_VAR, "{bad}");
        }
    }
}
