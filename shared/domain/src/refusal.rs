//! Why the domain says no, in its own words. A rule never picks an HTTP status: it names the kind
//! of refusal, the field at fault and a sentence for the person; the edge (`error.rs`) maps each
//! kind to problem+json in one place, and Slack and the stream consumers match on the kind.

/// What kind of no it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefusalKind {
    /// Well-formed input that breaks a rule (an unknown time zone, an end before a start).
    Invalid,
    /// Input that cannot be read as what it claims to be (not base64, not an image).
    Unreadable,
    /// Input larger than the rule accepts, as a whole.
    TooLarge,
    /// Input of a type the rule does not take (a GIF for a selfie).
    UnsupportedType,
    /// The current state does not allow it (a decided request, a second registration).
    Conflict,
    /// The person may not do it (an invited employee, a manager deciding their own leave).
    Forbidden,
    /// No such thing, or one of another company: never told apart.
    NotFound,
    /// It was here and was erased on its owner's request; it will not come back.
    Gone,
}

/// A refusal: its kind, the field at fault (for input) and what to tell the person.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?}: {detail}")]
pub struct Refusal {
    pub kind: RefusalKind,
    pub field: Option<String>,
    pub detail: String,
}

impl Refusal {
    fn new(kind: RefusalKind, field: Option<String>, detail: impl Into<String>) -> Self {
        Refusal {
            kind,
            field,
            detail: detail.into(),
        }
    }

    /// `field` breaks a rule.
    pub fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(RefusalKind::Invalid, Some(field.into()), detail)
    }
    /// `field` cannot be read.
    pub fn unreadable(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(RefusalKind::Unreadable, Some(field.into()), detail)
    }
    /// The input is too large.
    pub fn too_large(detail: impl Into<String>) -> Self {
        Self::new(RefusalKind::TooLarge, None, detail)
    }
    /// The input is of a type not taken.
    pub fn unsupported_type(detail: impl Into<String>) -> Self {
        Self::new(RefusalKind::UnsupportedType, None, detail)
    }
    /// Not in the current state.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(RefusalKind::Conflict, None, detail)
    }
    /// Not by this person.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(RefusalKind::Forbidden, None, detail)
    }
    /// No such thing here.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(RefusalKind::NotFound, None, detail)
    }
    /// Erased for good.
    pub fn gone(detail: impl Into<String>) -> Self {
        Self::new(RefusalKind::Gone, None, detail)
    }

    /// Names the field at fault (a conflict about a date, say).
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}
