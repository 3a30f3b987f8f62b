//! What a slash command answers: an ephemeral message (only the caller sees it), as the HTTP
//! response Slack shows in place.

use edge::http::json;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde_json::{Value, json};

/// Only the caller sees `text` (and `blocks`, if any).
pub fn ephemeral(text: &str, blocks: Option<Value>) -> Response<Body> {
    let mut body = json!({ "response_type": "ephemeral", "text": text });
    if let Some(blocks) = blocks {
        body["blocks"] = blocks;
    }
    json(StatusCode::OK, &body)
}
