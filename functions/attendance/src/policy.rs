//! How strict punches are, per deployment, validated at init.

use chrono::Duration;
use domain::config::{ConfigError, VarSource, parsed_or};

/// The face-match threshold and the longest shift a late check-out may close.
#[derive(Clone, Debug, PartialEq)]
pub struct PunchPolicy {
    /// Similarity (0–100) a selfie must reach against the enrolled face.
    pub threshold: f32,
    /// A check-out after midnight closes yesterday's record if it came within this of the check-in.
    pub max_shift: Duration,
}

impl PunchPolicy {
    /// `FACE_MATCH_THRESHOLD` (default 80, 50 to 99.9) and `MAX_SHIFT_HOURS` (default 14, 1 to 24).
    pub fn from_env(env: &dyn VarSource) -> Result<PunchPolicy, ConfigError> {
        let threshold: f32 = parsed_or(env, "FACE_MATCH_THRESHOLD", 80.0)?;
        if !(50.0..=99.9).contains(&threshold) {
            return Err(ConfigError {
                variable: "FACE_MATCH_THRESHOLD".into(),
                problem: "must be 50 to 99.9".into(),
            });
        }
        let hours: i64 = parsed_or(env, "MAX_SHIFT_HOURS", 14)?;
        if !(1..=24).contains(&hours) {
            return Err(ConfigError {
                variable: "MAX_SHIFT_HOURS".into(),
                problem: "must be 1 to 24".into(),
            });
        }
        Ok(PunchPolicy {
            threshold,
            max_shift: Duration::hours(hours),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn defaults_and_bounds() {
        let none: BTreeMap<String, String> = BTreeMap::new();
        let p = PunchPolicy::from_env(&none).unwrap();
        assert_eq!((p.threshold, p.max_shift), (80.0, Duration::hours(14)));
        for (name, value) in [
            ("FACE_MATCH_THRESHOLD", "20"),
            ("MAX_SHIFT_HOURS", "48"),
            ("MAX_SHIFT_HOURS", "x"),
        ] {
            let env = BTreeMap::from([(name.to_string(), value.to_string())]);
            assert_eq!(PunchPolicy::from_env(&env).unwrap_err().variable, name);
        }
    }
}
