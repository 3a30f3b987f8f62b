//! Playing Slack against a running stack: form bodies signed with the stack's demo secret, as
//! Slack signs them (`v0=` HMAC-SHA256 of `v0:<timestamp>:<body>`), stamped with the clock the
//! stack reads too.

use edge::slack::sign;
use serde_json::Value;
pub use testkit::slack::{click_form, reject_submission_form};

use crate::local_stack::LocalStack;

/// The stack's printed demo signing secret.
pub const DEMO_SECRET: &str = "local-demo-slack-signing-secret";

impl LocalStack {
    /// Posts `body` (form-encoded) to the Slack route `path`, signed as Slack signs it now.
    pub async fn slack_post(&self, path: &str, body: Vec<u8>) -> reqwest::Response {
        let ts = chrono::Utc::now().timestamp();
        self.http
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", ts.to_string())
            .header("x-slack-signature", sign(DEMO_SECRET, ts, &body))
            .body(body)
            .send()
            .await
            .expect("the stack answers")
    }

    /// The slash `command` with `text`, typed by the Slack user `user`; the status and the reply.
    pub async fn slash_command(&self, user: &str, command: &str, text: &str) -> (u16, Value) {
        let body = command_form(user, command, text);
        let response = self.slack_post("/slack/commands", body.into_bytes()).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Clicks `action` on leave `id` as the Slack user `user`: the interaction fixture's payload,
    /// form-encoded and signed, as Slack posts it; the status.
    pub async fn slack_click(&self, user: &str, action: &str, id: &str) -> u16 {
        let body = click_form(user, action, id);
        self.slack_post("/slack/interactions", body.into_bytes())
            .await
            .status()
            .as_u16()
    }

    /// Submits the reject form of leave `id` as the Slack user `user` with `comment`; the status
    /// and the answer (empty when the form closes).
    pub async fn slack_reject(&self, user: &str, id: &str, comment: Option<&str>) -> (u16, Value) {
        let body = reject_submission_form(user, id, comment);
        let response = self
            .slack_post("/slack/interactions", body.into_bytes())
            .await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// The form Slack posts for the slash `command` with `text`, typed by the Slack user `user`.
pub fn command_form(user: &str, command: &str, text: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("team_id", "T0")
        .append_pair("user_id", user)
        .append_pair("command", command)
        .append_pair("text", text)
        .append_pair("response_url", "https://hooks.slack.com/commands/T0/1/x")
        .finish()
}
