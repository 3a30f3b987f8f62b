//! The chat port on Slack's Web API (`chat.postMessage`, `chat.update`, `chat.postEphemeral`,
//! `views.open`) with a bot token, over
//! HTTPS. Slack answers 200 with `{"ok": false, "error": ...}` for refusals and 429 when rate
//! limited; both become port errors so the stream delivery retries or parks the message.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Value, json};

use domain::ports::{ChatError, ChatMessage, ChatPoster, Posted};

/// Slack's Web API root.
pub const SLACK_API: &str = "https://slack.com/api";

/// Slack's Web API behind the chat port.
pub struct SlackWebChat {
    http: reqwest::Client,
    token: String,
    /// `SLACK_API`, or a loopback server in tests.
    base_url: String,
}

impl SlackWebChat {
    pub fn new(token: impl Into<String>, base_url: impl Into<String>) -> Result<Self, ChatError> {
        let http = reqwest::Client::builder()
            // Well inside a Lambda's timeout; Slack answers in milliseconds when healthy.
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| ChatError::Unavailable(e.to_string()))?;
        Ok(SlackWebChat {
            http,
            token: token.into(),
            base_url: base_url.into().trim_end_matches('/').to_string(),
        })
    }

    async fn call(&self, method: &str, body: Value) -> Result<Value, ChatError> {
        let response = self
            .http
            .post(format!("{}/{method}", self.base_url))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .map_err(|e| ChatError::Unavailable(format!("{method}: {e}")))?;
        let status = response.status();
        if status.as_u16() == 429 || status.is_server_error() {
            return Err(ChatError::Unavailable(format!("{method}: HTTP {status}")));
        }
        let answer: Value = response
            .json()
            .await
            .map_err(|e| ChatError::Unavailable(format!("{method}: unreadable answer: {e}")))?;
        if answer["ok"] == json!(true) {
            return Ok(answer);
        }
        let error = answer["error"].as_str().unwrap_or("unknown error");
        Err(match error {
            "ratelimited" | "service_unavailable" | "fatal_error" | "request_timeout" => {
                ChatError::Unavailable(format!("{method}: {error}"))
            }
            _ => ChatError::Rejected(format!("{method}: {error}")),
        })
    }
}

fn payload(message: &ChatMessage) -> Value {
    let mut body = json!({ "channel": message.channel, "text": message.text });
    if let Some(blocks) = &message.blocks {
        body["blocks"] = blocks.clone();
    }
    body
}

#[async_trait]
impl ChatPoster for SlackWebChat {
    async fn post(&self, message: &ChatMessage) -> Result<Posted, ChatError> {
        let answer = self.call("chat.postMessage", payload(message)).await?;
        let field = |name: &str| {
            answer[name].as_str().map(str::to_string).ok_or_else(|| {
                ChatError::Unavailable(format!("chat.postMessage: no {name} in the answer"))
            })
        };
        Ok(Posted {
            channel: field("channel")?,
            ts: field("ts")?,
        })
    }

    async fn update(&self, ts: &str, message: &ChatMessage) -> Result<(), ChatError> {
        let mut body = payload(message);
        body["ts"] = json!(ts);
        self.call("chat.update", body).await.map(|_| ())
    }

    async fn whisper(&self, user: &str, message: &ChatMessage) -> Result<(), ChatError> {
        let mut body = payload(message);
        body["user"] = json!(user);
        self.call("chat.postEphemeral", body).await.map(|_| ())
    }

    async fn open_view(&self, trigger_id: &str, view: &Value) -> Result<(), ChatError> {
        let body = json!({ "trigger_id": trigger_id, "view": view });
        self.call("views.open", body).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    //! Against a loopback server that answers as Slack does (Slack itself is out of reach).
    use std::sync::{Arc, Mutex};

    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::{Json, Router, routing::post};

    use super::*;

    type Seen = Arc<Mutex<Vec<(String, Option<String>, Value)>>>;

    async fn slack(
        State(seen): State<Seen>,
        Path(method): Path<String>,
        headers: HeaderMap,
        Json(body): Json<Value>,
    ) -> (axum::http::StatusCode, Json<Value>) {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        seen.lock()
            .unwrap()
            .push((method.clone(), auth, body.clone()));
        let answer = match (method.as_str(), body["channel"].as_str()) {
            (_, Some("U0LIMITED")) => {
                return (axum::http::StatusCode::TOO_MANY_REQUESTS, Json(json!({})));
            }
            (_, Some("U0NOBODY")) => json!({ "ok": false, "error": "channel_not_found" }),
            ("views.open", _) if body["trigger_id"] == "expired" => {
                json!({ "ok": false, "error": "expired_trigger_id" })
            }
            ("chat.postMessage", _) => {
                json!({ "ok": true, "channel": "D0DM", "ts": "1795585968.000100" })
            }
            _ => json!({ "ok": true }),
        };
        (axum::http::StatusCode::OK, Json(answer))
    }

    async fn server() -> (String, Seen) {
        let seen: Seen = Arc::default();
        let app = Router::new()
            .route("/api/{method}", post(slack))
            .with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (format!("http://{addr}/api"), seen)
    }

    fn message(channel: &str) -> ChatMessage {
        ChatMessage {
            channel: channel.into(),
            text: "Ravi asks for leave".into(),
            blocks: Some(
                json!([{ "type": "section", "text": { "type": "mrkdwn", "text": "hi" } }]),
            ),
        }
    }

    #[tokio::test]
    async fn posts_and_updates_with_the_bot_token() {
        let (base, seen) = server().await;
        let chat = SlackWebChat::new("xoxb-test", base).unwrap();
        let posted = chat.post(&message("U0MANAGER")).await.unwrap();
        assert_eq!(
            posted,
            Posted {
                channel: "D0DM".into(),
                ts: "1795585968.000100".into()
            }
        );
        chat.update(&posted.ts, &message(&posted.channel))
            .await
            .unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0].0, "chat.postMessage");
        assert_eq!(seen[0].1.as_deref(), Some("Bearer xoxb-test"));
        assert_eq!(seen[0].2["channel"], "U0MANAGER");
        assert_eq!(seen[0].2["blocks"][0]["type"], "section");
        assert_eq!(seen[1].0, "chat.update");
        assert_eq!(seen[1].2["ts"], "1795585968.000100");
        assert_eq!(seen[1].2["channel"], "D0DM");
    }

    #[tokio::test]
    async fn opens_a_form_by_its_trigger_and_a_stale_trigger_is_refused() {
        let (base, seen) = server().await;
        let chat = SlackWebChat::new("xoxb-test", base).unwrap();
        let form = json!({ "type": "modal", "callback_id": "leave_reject_form" });
        chat.open_view("1234.5678.abcd", &form).await.unwrap();
        assert_eq!(
            chat.open_view("expired", &form).await.unwrap_err(),
            ChatError::Rejected("views.open: expired_trigger_id".into())
        );
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0].0, "views.open");
        assert_eq!(seen[0].2["trigger_id"], "1234.5678.abcd");
        assert_eq!(seen[0].2["view"]["callback_id"], "leave_reject_form");
    }

    #[tokio::test]
    async fn refusals_and_rate_limits_become_port_errors() {
        let (base, _) = server().await;
        let chat = SlackWebChat::new("xoxb-test", base).unwrap();
        assert_eq!(
            chat.post(&message("U0NOBODY")).await.unwrap_err(),
            ChatError::Rejected("chat.postMessage: channel_not_found".into())
        );
        assert!(matches!(
            chat.post(&message("U0LIMITED")).await.unwrap_err(),
            ChatError::Unavailable(_)
        ));
        // Nothing listening: unavailable, not a panic.
        let gone = SlackWebChat::new("xoxb-test", "http://127.0.0.1:9/api").unwrap();
        assert!(matches!(
            gone.post(&message("U0MANAGER")).await.unwrap_err(),
            ChatError::Unavailable(_)
        ));
    }
}
