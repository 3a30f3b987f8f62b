//! The chat port as a JSON-lines file: one line per call, as Slack's `chat.postMessage` or
//! `chat.update` (or `chat.postEphemeral`, `views.open`) would have received it (`op` says which).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use async_trait::async_trait;

use domain::ports::{ChatError, ChatMessage, ChatPoster, Posted};

/// Appends each message to one file.
pub struct JsonlChat {
    path: PathBuf,
    // Serialises appends so lines never interleave.
    lock: Mutex<()>,
}

impl JsonlChat {
    pub fn new(path: PathBuf) -> Self {
        JsonlChat {
            path,
            lock: Mutex::new(()),
        }
    }
}

impl JsonlChat {
    fn append(&self, line: serde_json::Value) -> Result<(), ChatError> {
        let io = |e: std::io::Error| ChatError::Unavailable(e.to_string());
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(io)?;
        writeln!(file, "{line}").map_err(io)
    }
}

#[async_trait]
impl ChatPoster for JsonlChat {
    async fn post(&self, message: &ChatMessage) -> Result<Posted, ChatError> {
        let now = chrono::Utc::now();
        let ts = format!("{}.{:06}", now.timestamp(), now.timestamp_subsec_micros());
        self.append(serde_json::json!({
            "op": "post", "ts": ts, "channel": message.channel, "text": message.text,
            "blocks": message.blocks,
        }))?;
        // Slack opens a direct message channel for a user; the file keeps the id it was sent to.
        Ok(Posted {
            channel: message.channel.clone(),
            ts,
        })
    }

    async fn update(&self, ts: &str, message: &ChatMessage) -> Result<(), ChatError> {
        self.append(serde_json::json!({
            "op": "update", "ts": ts, "channel": message.channel, "text": message.text,
            "blocks": message.blocks,
        }))
    }

    async fn whisper(&self, user: &str, message: &ChatMessage) -> Result<(), ChatError> {
        self.append(serde_json::json!({
            "op": "ephemeral", "user": user, "channel": message.channel, "text": message.text,
            "blocks": message.blocks,
        }))
    }

    async fn open_view(&self, trigger_id: &str, view: &serde_json::Value) -> Result<(), ChatError> {
        // Slack refuses a blank trigger; so does the file, so no caller relies on it passing.
        if trigger_id.trim().is_empty() {
            return Err(ChatError::Rejected("views.open: invalid_trigger_id".into()));
        }
        self.append(
            serde_json::json!({ "op": "views.open", "trigger_id": trigger_id, "view": view }),
        )
    }
}
