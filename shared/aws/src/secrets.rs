//! The Slack app's secrets, read from Secrets Manager once at init. `SLACK_SECRET_ID` names a
//! JSON secret with `signingSecret` and `botToken`. (A CloudFormation dynamic reference in the
//! function's environment would put them there in plain text, readable by anyone who may read
//! the function's configuration.)

use aws_config::SdkConfig;
use aws_sdk_secretsmanager::Client;
use serde_json::Value;

use domain::config::{ConfigError, VarSource, required};

/// The variable naming the secret (its name or ARN).
pub const SLACK_SECRET_VAR: &str = "SLACK_SECRET_ID";

/// The Slack app's two secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct SlackSecrets {
    /// Verifies that a request comes from Slack.
    pub signing_secret: String,
    /// Posts as the app (`xoxb-…`).
    pub bot_token: String,
}

impl std::fmt::Debug for SlackSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SlackSecrets { .. }")
    }
}

/// Reads the secret `SLACK_SECRET_ID` names; a missing or malformed secret is a configuration
/// error naming the variable, so the function fails at init, not on the first message.
pub async fn slack_secrets(
    config: &SdkConfig,
    env: &dyn VarSource,
) -> Result<SlackSecrets, ConfigError> {
    let id = required(env, SLACK_SECRET_VAR)?;
    let problem = |problem: String| ConfigError {
        variable: SLACK_SECRET_VAR.into(),
        problem,
    };
    let out = Client::new(config)
        .get_secret_value()
        .secret_id(&id)
        .send()
        .await
        .map_err(|e| {
            let (code, message) = super::describe(&e);
            problem(format!(
                "names `{id}`, which could not be read: {code} {message}"
            ))
        })?;
    let text = out
        .secret_string()
        .ok_or_else(|| problem(format!("names `{id}`, which holds no text")))?;
    let json: Value = serde_json::from_str(text)
        .map_err(|_| problem(format!("names `{id}`, which is not a JSON object")))?;
    let field = |name: &str| {
        json[name]
            .as_str()
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .ok_or_else(|| problem(format!("names `{id}`, which has no `{name}`")))
    };
    Ok(SlackSecrets {
        signing_secret: field("signingSecret")?,
        bot_token: field("botToken")?,
    })
}
