//! The interaction forms Slack posts, built from the `events/slack/` fixture: a click on one of
//! our buttons and a submission of the reject form. Unsigned: each caller signs as it needs.

use serde_json::{Value, json};

use crate::load;

fn form(payload: &Value) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload.to_string())
        .finish()
}

/// The fixture's click payload with `user` clicking `action` on leave `id`.
pub fn click_payload(user: &str, action: &str, id: &str) -> Value {
    let fixture = load("slack/post-interaction.json");
    let body = fixture["body"].as_str().expect("a form body");
    let (_, payload) = form_urlencoded::parse(body.as_bytes())
        .next()
        .expect("a payload field");
    let mut payload: Value = serde_json::from_str(&payload).expect("a JSON payload");
    payload["user"]["id"] = json!(user);
    payload["actions"][0]["action_id"] = json!(action);
    payload["actions"][0]["value"] = json!(id);
    payload
}

/// The form Slack posts when `user` clicks `action` on leave `id`.
pub fn click_form(user: &str, action: &str, id: &str) -> String {
    form(&click_payload(user, action, id))
}

/// The form Slack posts when `user` submits the reject form of leave `id` with `comment` in its
/// field (`None`: left empty), as a `view_submission` in the fixture's workspace.
pub fn reject_submission_form(user: &str, id: &str, comment: Option<&str>) -> String {
    let click = click_payload(user, "leave_reject", id);
    form(&json!({
        "type": "view_submission",
        "team": click["team"],
        "user": { "id": user },
        "api_app_id": click["api_app_id"],
        "view": {
            "id": "V0REJECT", "type": "modal", "callback_id": "leave_reject_form",
            "private_metadata": id,
            "state": { "values": {
                "comment": { "comment": { "type": "plain_text_input", "value": comment } }
            } }
        }
    }))
}
