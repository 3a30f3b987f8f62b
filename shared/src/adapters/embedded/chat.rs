//! The chat port as a JSON-lines file: one line per message, as Slack's `chat.postMessage`
//! would have received it.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::ports::{ChatError, ChatMessage, ChatPoster};

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

#[async_trait]
impl ChatPoster for JsonlChat {
    async fn post(&self, message: &ChatMessage) -> Result<String, ChatError> {
        let now = chrono::Utc::now();
        let ts = format!("{}.{:06}", now.timestamp(), now.timestamp_subsec_micros());
        let line = serde_json::json!({
            "ts": ts, "channel": message.channel, "text": message.text, "blocks": message.blocks,
        });
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
        writeln!(file, "{line}").map_err(io)?;
        Ok(ts)
    }
}
