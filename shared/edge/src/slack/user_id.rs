//! A Slack user id, as an admin links it to a roster entry: `U…` (or `W…` on Enterprise Grid),
//! upper-case letters and digits, as Slack shows it under "Copy member ID".

use crate::error::ApiError;

/// The API field holding it.
pub const SLACK_USER_FIELD: &str = "slackUserId";

/// `text` trimmed, if it is a Slack user id.
pub fn slack_user_id(text: &str) -> Result<String, ApiError> {
    let id = text.trim();
    let shaped = (3..=21).contains(&id.len())
        && matches!(id.as_bytes()[0], b'U' | b'W')
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if shaped {
        Ok(id.to_string())
    } else {
        Err(ApiError::invalid(
            SLACK_USER_FIELD,
            "a Slack member id starts with U or W followed by capital letters and digits, e.g. U0123ABCD",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_ids_are_accepted_and_anything_else_named() {
        assert_eq!(slack_user_id(" U0EMPLOYEE ").unwrap(), "U0EMPLOYEE");
        assert_eq!(slack_user_id("W012AB3CD").unwrap(), "W012AB3CD");
        for bad in [
            "",
            "U",
            "u0employee",
            "C0CHANNEL",
            "U0 EMP",
            "U0EMPLOYEE<script>",
            "U012345678901234567890",
        ] {
            assert_eq!(
                slack_user_id(bad).unwrap_err().field.as_deref(),
                Some(SLACK_USER_FIELD),
                "{bad}"
            );
        }
    }
}
