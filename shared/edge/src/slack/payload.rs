//! The payloads Slack posts: a slash command (form fields) and an interaction (`payload=` and the
//! JSON, form-encoded): a button click, or the submission of a form a click opened. Parse only
//! verified bodies.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::ApiError;
use crate::http::checked_id;

/// Where every `response_url` Slack hands out points. Anything else is refused, so a body can
/// never make us post to an address of its choosing.
pub const RESPONSE_URL_PREFIX: &str = "https://hooks.slack.com/";

/// A `/leave …` command typed by a Slack user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlashCommand {
    /// The command, e.g. `/leave`.
    pub command: String,
    /// What followed the command, trimmed; may be empty.
    pub text: String,
    pub user_id: String,
    pub team_id: String,
    pub response_url: String,
}

/// A click on one of our message buttons (a `block_actions` interaction).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interaction {
    /// Which button, e.g. `leave_approve`.
    pub action_id: String,
    /// What the button carries, e.g. the leave request id.
    pub value: String,
    pub user_id: String,
    /// The workspace, which tells the company.
    pub team_id: String,
    /// The message holding the button, to update it once decided.
    pub message_ts: String,
    pub channel_id: String,
    pub response_url: String,
    /// Opens a form in answer to this click, within three seconds of it.
    pub trigger_id: Option<String>,
}

/// A form of ours submitted (a `view_submission` interaction).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewSubmission {
    /// Which form, e.g. `leave_reject_form`.
    pub callback_id: String,
    /// What the form carries, e.g. the leave request id.
    pub private_metadata: String,
    pub user_id: String,
    pub team_id: String,
    /// Each input's value by block id (inputs left empty are absent).
    pub values: BTreeMap<String, String>,
}

/// What an interaction body holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interactive {
    Click(Interaction),
    Submission(ViewSubmission),
}

/// The first value of each form field.
fn form(body: &[u8]) -> impl Fn(&str) -> Option<String> + '_ {
    move |name: &str| {
        form_urlencoded::parse(body)
            .find(|(k, _)| k == name)
            .map(|(_, v): (Cow<str>, Cow<str>)| v.into_owned())
    }
}

fn required(field: &str, value: Option<String>) -> Result<String, ApiError> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
        _ => Err(ApiError::bad_request(
            field,
            format!("`{field}` is missing"),
        )),
    }
}

fn response_url(field: &str, value: Option<String>) -> Result<String, ApiError> {
    let url = required(field, value)?;
    if url.starts_with(RESPONSE_URL_PREFIX) {
        Ok(url)
    } else {
        Err(ApiError::bad_request(
            field,
            format!("a response URL starts with {RESPONSE_URL_PREFIX}"),
        ))
    }
}

impl SlashCommand {
    /// Reads a form-encoded slash command body.
    pub fn parse(body: &[u8]) -> Result<SlashCommand, ApiError> {
        let field = form(body);
        let command = required("command", field("command"))?;
        if !command.starts_with('/') {
            return Err(ApiError::bad_request(
                "command",
                "a command starts with `/`",
            ));
        }
        Ok(SlashCommand {
            command,
            text: field("text").unwrap_or_default().trim().to_string(),
            user_id: required("user_id", field("user_id"))?,
            team_id: required("team_id", field("team_id"))?,
            response_url: response_url("response_url", field("response_url"))?,
        })
    }
}

#[derive(Deserialize)]
struct Id {
    id: Option<String>,
}

#[derive(Deserialize)]
struct Container {
    message_ts: Option<String>,
    channel_id: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    ts: Option<String>,
}

#[derive(Deserialize)]
struct Action {
    action_id: Option<String>,
    value: Option<String>,
}

/// An input's state: `{"type": "plain_text_input", "value": "…"}`.
#[derive(Deserialize)]
struct InputState {
    value: Option<String>,
}

#[derive(Deserialize)]
struct ViewState {
    /// block id → action id → state.
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, InputState>>,
}

#[derive(Deserialize)]
struct View {
    callback_id: Option<String>,
    private_metadata: Option<String>,
    state: Option<ViewState>,
}

/// The parts of Slack's interaction payload we read; the rest is ignored.
#[derive(Deserialize)]
struct RawInteraction {
    #[serde(rename = "type")]
    kind: Option<String>,
    user: Option<Id>,
    team: Option<Id>,
    container: Option<Container>,
    channel: Option<Id>,
    message: Option<Message>,
    response_url: Option<String>,
    trigger_id: Option<String>,
    #[serde(default)]
    actions: Vec<Action>,
    view: Option<View>,
}

impl Interactive {
    /// Reads a form-encoded `payload=<JSON>` interaction body: a click or a submission.
    pub fn parse(body: &[u8]) -> Result<Interactive, ApiError> {
        let json = required("payload", form(body)("payload"))?;
        let raw: RawInteraction = serde_json::from_str(&json).map_err(|e| {
            ApiError::bad_request(
                "payload",
                format!("the payload is not the expected JSON: {e}"),
            )
        })?;
        match raw.kind.as_deref() {
            Some("block_actions") => Interaction::from_raw(raw).map(Interactive::Click),
            Some("view_submission") => ViewSubmission::from_raw(raw).map(Interactive::Submission),
            _ => Err(ApiError::bad_request(
                "payload.type",
                "only block_actions and view_submission interactions are handled",
            )),
        }
    }
}

impl ViewSubmission {
    fn from_raw(raw: RawInteraction) -> Result<ViewSubmission, ApiError> {
        let Some(view) = raw.view else {
            return Err(ApiError::bad_request(
                "payload.view",
                "a submission names its view",
            ));
        };
        let private_metadata = required("payload.view.private_metadata", view.private_metadata)?;
        // It carries a leave id, read by key: one that cannot be a key is refused here.
        checked_id("payload.view.private_metadata", &private_metadata)?;
        let values = view
            .state
            .map(|s| s.values)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(block, inputs)| {
                let value = inputs.into_values().find_map(|i| i.value)?;
                Some((block, value))
            })
            .collect();
        Ok(ViewSubmission {
            callback_id: required("payload.view.callback_id", view.callback_id)?,
            private_metadata,
            user_id: required("payload.user.id", raw.user.and_then(|u| u.id))?,
            team_id: required("payload.team.id", raw.team.and_then(|t| t.id))?,
            values,
        })
    }
}

impl Interaction {
    /// Reads a form-encoded `payload=<JSON>` interaction body holding one button click.
    pub fn parse(body: &[u8]) -> Result<Interaction, ApiError> {
        match Interactive::parse(body)? {
            Interactive::Click(click) => Ok(click),
            Interactive::Submission(_) => Err(ApiError::bad_request(
                "payload.type",
                "a button click was expected, not a form submission",
            )),
        }
    }

    fn from_raw(raw: RawInteraction) -> Result<Interaction, ApiError> {
        let Some(action) = raw.actions.into_iter().next() else {
            return Err(ApiError::bad_request(
                "payload.actions",
                "no action was taken",
            ));
        };
        let (container_ts, container_channel) = raw
            .container
            .map(|c| (c.message_ts, c.channel_id))
            .unwrap_or_default();
        let value = required("payload.actions[0].value", action.value)?;
        // The value is a leave id, read by key: one that cannot be a key is refused here.
        checked_id("payload.actions[0].value", &value)?;
        Ok(Interaction {
            action_id: required("payload.actions[0].action_id", action.action_id)?,
            value,
            user_id: required("payload.user.id", raw.user.and_then(|u| u.id))?,
            team_id: required("payload.team.id", raw.team.and_then(|t| t.id))?,
            message_ts: required(
                "payload.container.message_ts",
                container_ts.or(raw.message.and_then(|m| m.ts)),
            )?,
            channel_id: required(
                "payload.container.channel_id",
                container_channel.or(raw.channel.and_then(|c| c.id)),
            )?,
            response_url: response_url("payload.response_url", raw.response_url)?,
            trigger_id: raw.trigger_id.filter(|t| !t.trim().is_empty()),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::slack::signature::tests::{COMMAND_BODY, SECRET, now};
    use crate::slack::{SlackAuthError, sign, verify_signature};

    /// A button click on a leave message, shaped as Slack sends `block_actions`.
    fn click() -> Value {
        json!({
            "type": "block_actions",
            "user": { "id": "U0MANAGER", "username": "manager", "name": "manager", "team_id": "T0GENESE" },
            "api_app_id": "A0LEAVE",
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "container": { "type": "message", "message_ts": "1790000000.000200", "channel_id": "C0LEAVE", "is_ephemeral": false },
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
            "team": { "id": "T0GENESE", "domain": "genese" },
            "channel": { "id": "C0LEAVE", "name": "leave" },
            "message": { "type": "message", "ts": "1790000000.000200", "text": "emp asks for leave 2026-03-09 to 2026-03-11" },
            "response_url": "https://hooks.slack.com/actions/T0GENESE/1234/abcd",
            "actions": [{
                "action_id": "leave_approve", "block_id": "leave-l1", "type": "button",
                "text": { "type": "plain_text", "text": "Approve" },
                "value": "l1", "style": "primary", "action_ts": "1790000001.000300"
            }]
        })
    }

    fn form_body(payload: &Value) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", &payload.to_string())
            .finish()
    }

    #[test]
    fn a_slash_command_reads_from_its_form() {
        let c = SlashCommand::parse(COMMAND_BODY.as_bytes()).unwrap();
        assert_eq!(
            c,
            SlashCommand {
                command: "/leave".into(),
                text: "pending".into(),
                user_id: "U0MANAGER".into(),
                team_id: "T0GENESE".into(),
                response_url: "https://hooks.slack.com/commands/T0GENESE/1234/abcd".into(),
            }
        );
        let spaced = COMMAND_BODY.replace("text=pending", "text=approve+l1+%20");
        assert_eq!(
            SlashCommand::parse(spaced.as_bytes()).unwrap().text,
            "approve l1"
        );
        let bare = COMMAND_BODY.replace("&text=pending", "");
        assert_eq!(SlashCommand::parse(bare.as_bytes()).unwrap().text, "");
    }

    #[test]
    fn a_command_missing_a_field_or_aiming_elsewhere_is_refused_by_name() {
        for (from, to, field) in [
            ("&user_id=U0MANAGER", "", "user_id"),
            ("team_id=T0GENESE&", "", "team_id"),
            ("command=%2Fleave", "command=leave", "command"),
            (
                "https%3A%2F%2Fhooks.slack.com",
                "https%3A%2F%2Fevil.example",
                "response_url",
            ),
        ] {
            let body = COMMAND_BODY.replace(from, to);
            let err = SlashCommand::parse(body.as_bytes()).unwrap_err();
            assert_eq!(
                (err.status.as_u16(), err.field.as_deref()),
                (400, Some(field)),
                "{field}"
            );
        }
    }

    #[test]
    fn a_signed_button_click_verifies_and_reads() {
        let body = form_body(&click());
        let ts = now().timestamp();
        let sig = sign(SECRET, ts, body.as_bytes());
        let ts_text = ts.to_string();
        verify_signature(SECRET, Some(&ts_text), Some(&sig), body.as_bytes(), now()).unwrap();
        let i = Interaction::parse(body.as_bytes()).unwrap();
        assert_eq!(
            i,
            Interaction {
                action_id: "leave_approve".into(),
                value: "l1".into(),
                user_id: "U0MANAGER".into(),
                team_id: "T0GENESE".into(),
                message_ts: "1790000000.000200".into(),
                channel_id: "C0LEAVE".into(),
                response_url: "https://hooks.slack.com/actions/T0GENESE/1234/abcd".into(),
                trigger_id: Some("13345224609.738474920.8088930838d88f008e0".into()),
            }
        );
        // Re-encoding the same JSON differently is a different body: the signature is over bytes.
        let reencoded = body.replace("%3A", ":");
        assert_ne!(reencoded, body);
        assert_eq!(
            verify_signature(
                SECRET,
                Some(&ts_text),
                Some(&sig),
                reencoded.as_bytes(),
                now()
            ),
            Err(SlackAuthError::BadSignature)
        );
    }

    #[test]
    fn the_message_and_channel_fall_back_to_the_message_object() {
        let mut p = click();
        p.as_object_mut().unwrap().remove("container");
        let i = Interaction::parse(form_body(&p).as_bytes()).unwrap();
        assert_eq!(
            (i.message_ts.as_str(), i.channel_id.as_str()),
            ("1790000000.000200", "C0LEAVE")
        );
    }

    /// The reject form submitted, shaped as Slack sends `view_submission`.
    fn submission() -> Value {
        json!({
            "type": "view_submission",
            "team": { "id": "T0GENESE", "domain": "genese" },
            "user": { "id": "U0MANAGER", "username": "manager", "team_id": "T0GENESE" },
            "api_app_id": "A0LEAVE",
            "trigger_id": "12466734323.1395872398.8ad66b4bbea8e1b8a2a5c2b40a7e2a41",
            "view": {
                "id": "V0REJECT", "type": "modal", "callback_id": "leave_reject_form",
                "private_metadata": "l1",
                "state": { "values": {
                    "comment": { "comment": { "type": "plain_text_input", "value": "Audit week" } },
                    "unused": { "x": { "type": "plain_text_input", "value": null } }
                } }
            }
        })
    }

    #[test]
    fn a_submitted_form_reads_its_inputs_by_block() {
        let read = |p: &Value| Interactive::parse(form_body(p).as_bytes());
        let Interactive::Submission(s) = read(&submission()).unwrap() else {
            panic!("a submission");
        };
        assert_eq!(
            s,
            ViewSubmission {
                callback_id: "leave_reject_form".into(),
                private_metadata: "l1".into(),
                user_id: "U0MANAGER".into(),
                team_id: "T0GENESE".into(),
                values: BTreeMap::from([("comment".into(), "Audit week".into())]),
            }
        );
        let field = |edit: &dyn Fn(&mut Value)| {
            let mut p = submission();
            edit(&mut p);
            read(&p).unwrap_err().field
        };
        assert_eq!(
            field(&|p| p["view"]["private_metadata"] = json!("../x")),
            Some("payload.view.private_metadata".into())
        );
        assert_eq!(
            field(&|p| {
                p.as_object_mut().unwrap().remove("view");
            }),
            Some("payload.view".into())
        );
        assert_eq!(
            Interaction::parse(form_body(&submission()).as_bytes())
                .unwrap_err()
                .field,
            Some("payload.type".into())
        );
    }

    #[test]
    fn a_malformed_interaction_names_what_is_wrong() {
        let field = |body: String| Interaction::parse(body.as_bytes()).unwrap_err().field;
        assert_eq!(field("token=x".into()), Some("payload".into()));
        assert_eq!(field("payload=%7Bnot+json".into()), Some("payload".into()));
        let with = |edit: &dyn Fn(&mut Value)| {
            let mut p = click();
            edit(&mut p);
            form_body(&p)
        };
        assert_eq!(
            field(with(&|p| p["type"] = json!("message_action"))),
            Some("payload.type".into())
        );
        assert_eq!(
            field(with(&|p| p["actions"] = json!([]))),
            Some("payload.actions".into())
        );
        assert_eq!(
            field(with(&|p| {
                p["actions"][0].as_object_mut().unwrap().remove("value");
            })),
            Some("payload.actions[0].value".into())
        );
        assert_eq!(
            field(with(&|p| p["user"] = json!({}))),
            Some("payload.user.id".into())
        );
        assert_eq!(
            field(with(
                &|p| p["response_url"] = json!("http://169.254.169.254/latest")
            )),
            Some("payload.response_url".into())
        );
    }
}
