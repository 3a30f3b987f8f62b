//! What a decider asks for and what they say with it: approve with an optional comment, reject
//! with a required one (the employee is owed a reason, as Frappe HR and Odoo ask for), cancel
//! with none. The comment is the decider's words to the employee, shown with the request, in
//! the decision mail and on the Slack message.

use serde::Deserialize;

use super::status::LeaveAction;
use crate::free_text::free_text;
use crate::refusal::Refusal;

/// Most characters in a decision comment, as in a leave reason.
pub const MAX_COMMENT_CHARS: usize = 500;

/// The approve / reject body: `{"comment": "…"}`; approve may also come without a body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionNote {
    /// To the employee, 1 to 500 characters, line breaks allowed: optional when approving,
    /// required when rejecting.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub comment: Option<String>,
}

/// A move on a leave request with its comment, checked: only these are ever stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    action: LeaveAction,
    comment: Option<String>,
}

impl Decision {
    /// `action` with `comment` (trimmed; blank counts as none): refused naming `comment` when a
    /// rejection has none, a cancellation has one, or the text is too long or holds control
    /// characters.
    pub fn new(action: LeaveAction, comment: Option<&str>) -> Result<Decision, Refusal> {
        let comment = match comment.map(str::trim).filter(|c| !c.is_empty()) {
            Some(text) => Some(free_text("comment", "comment", text, MAX_COMMENT_CHARS)?),
            None => None,
        };
        match (action, &comment) {
            (LeaveAction::Reject, None) => Err(Refusal::invalid(
                "comment",
                "a rejection needs a comment telling the employee why",
            )),
            (LeaveAction::Cancel, Some(_)) => Err(Refusal::invalid(
                "comment",
                "a cancellation takes no comment",
            )),
            _ => Ok(Decision { action, comment }),
        }
    }

    /// `action` without a comment (approve or cancel).
    pub fn plain(action: LeaveAction) -> Result<Decision, Refusal> {
        Decision::new(action, None)
    }

    pub fn action(&self) -> LeaveAction {
        self.action
    }

    pub fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LeaveAction::*;

    fn field(d: Result<Decision, Refusal>) -> Option<String> {
        d.unwrap_err().field
    }

    #[test]
    fn a_rejection_needs_a_comment_and_approval_may_have_one() {
        assert_eq!(field(Decision::new(Reject, None)), Some("comment".into()));
        assert_eq!(
            field(Decision::new(Reject, Some(" \n "))),
            Some("comment".into())
        );
        let rejected = Decision::new(Reject, Some(" Short-staffed that week \n")).unwrap();
        assert_eq!(rejected.comment(), Some("Short-staffed that week"));
        assert_eq!(Decision::plain(Approve).unwrap().comment(), None);
        assert_eq!(
            Decision::new(Approve, Some("Enjoy")).unwrap().comment(),
            Some("Enjoy")
        );
        assert_eq!(Decision::new(Approve, Some("  ")).unwrap().comment(), None);
    }

    #[test]
    fn a_cancellation_takes_none_and_comments_are_bounded() {
        assert_eq!(
            field(Decision::new(Cancel, Some("x"))),
            Some("comment".into())
        );
        assert!(Decision::plain(Cancel).is_ok());
        assert_eq!(
            field(Decision::new(Approve, Some(&"x".repeat(501)))),
            Some("comment".into())
        );
        assert!(Decision::new(Approve, Some(&"é".repeat(500))).is_ok());
        assert_eq!(
            field(Decision::new(Reject, Some("no\u{7}"))),
            Some("comment".into())
        );
        assert!(Decision::new(Reject, Some("line one\nline two")).is_ok());
    }

    #[test]
    fn the_body_refuses_unknown_fields() {
        assert!(
            serde_json::from_str::<DecisionNote>(r#"{"comment":"x","status":"approved"}"#).is_err()
        );
        assert_eq!(
            serde_json::from_str::<DecisionNote>("{}").unwrap(),
            DecisionNote::default()
        );
    }
}
