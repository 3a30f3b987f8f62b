//! Biometric consent: a person's face is enrolled, and their selfies matched, only while they
//! consent to it, recorded with the version of the text they read and the time. Withdrawing
//! deletes the reference face. Every change leaves an audit record beside the person's days.
//!
//! Only the person gives or withdraws their consent; an admin may enrol a face on their behalf
//! once it is recorded.

mod audit;
mod repo;

pub use audit::{AUDIT_PREFIX, ConsentAudit, ConsentChange};
pub use repo::ConsentRepo;

use chrono::{DateTime, Utc};

use crate::Refusal;
use crate::roster::{BiometricConsent, RosterEntry};

/// The consent text a person agrees to, and its version.
pub struct ConsentText {
    /// Changes whenever the text does; a consent records the version read.
    pub version: &'static str,
    pub text: &'static str,
}

/// The text shown before enrolment (`GET /me`), in the words of what the product does.
pub const BIOMETRIC_CONSENT: ConsentText = ConsentText {
    version: "2026-12-03",
    text: "I agree that my employer keeps a template of my face, made from the reference photo I \
           enrol, and compares the selfie I take at each check-in and check-out with it, to confirm \
           that it is me. The reference photo itself is not kept. The template is used for nothing \
           else, and is deleted when I withdraw this consent or leave the company. I may withdraw \
           at any time; face check-ins then stop until I consent again.",
};

/// Longest text version a request may name (the schema's `maxLength`).
pub const MAX_VERSION_CHARS: usize = 64;

/// The field a missing consent is named by.
pub const CONSENT_FIELD: &str = "consent";

/// `entry` with the consent to `text_version` given at `now`, or `None` when that consent is
/// already recorded (nothing changes, nothing is audited). A text other than the current one is
/// refused: the person must have read what they agree to.
pub fn given(
    entry: &RosterEntry,
    text_version: &str,
    now: DateTime<Utc>,
) -> Result<Option<RosterEntry>, Refusal> {
    if text_version.chars().count() > MAX_VERSION_CHARS {
        return Err(Refusal::invalid(
            "textVersion",
            format!("a text version is at most {MAX_VERSION_CHARS} characters"),
        ));
    }
    if text_version != BIOMETRIC_CONSENT.version {
        return Err(Refusal::conflict(format!(
            "the consent text is at version {}, not `{text_version}`; read it again (GET /me)",
            BIOMETRIC_CONSENT.version
        ))
        .with_field("textVersion"));
    }
    if entry
        .biometric_consent
        .as_ref()
        .is_some_and(|c| c.text_version == text_version)
    {
        return Ok(None);
    }
    Ok(Some(RosterEntry {
        biometric_consent: Some(BiometricConsent {
            text_version: text_version.to_string(),
            given_at: now,
        }),
        version: entry.version + 1,
        ..entry.clone()
    }))
}

/// `entry` without consent and without a reference face, or `None` when it has neither.
pub fn withdrawn(entry: &RosterEntry) -> Option<RosterEntry> {
    if entry.biometric_consent.is_none() && entry.face_id.is_none() {
        return None;
    }
    Some(RosterEntry {
        biometric_consent: None,
        face_id: None,
        face_enrolled_at: None,
        version: entry.version + 1,
        ..entry.clone()
    })
}

/// Refuses face work (enrolment, a selfie punch) for someone who has not consented.
pub fn required(entry: &RosterEntry, whose: Whose) -> Result<(), Refusal> {
    if entry.biometric_consent.is_some() {
        return Ok(());
    }
    let detail = match whose {
        Whose::Own => {
            "you have not consented to face matching; read the consent text (GET /me) and give \
             it (PUT /me/biometric-consent) first"
                .to_string()
        }
        Whose::Someone => format!(
            "{} has not consented to face matching; they give it themselves \
             (PUT /me/biometric-consent) before a face is enrolled",
            entry.display_name()
        ),
    };
    Err(Refusal::conflict(detail).with_field(CONSENT_FIELD))
}

/// Whose face the work is on, for how the refusal reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whose {
    Own,
    Someone,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RefusalKind;
    use crate::roster::StaffRole;
    use chrono::TimeZone;

    fn entry() -> RosterEntry {
        crate::samples::active_staff(
            "acme",
            ("u-1", "ravi@acme.test"),
            StaffRole::Employee,
            None,
            at(8),
        )
    }

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, hour, 0, 0).unwrap()
    }

    #[test]
    fn consent_to_the_current_text_is_recorded_once() {
        let first = given(&entry(), BIOMETRIC_CONSENT.version, at(9))
            .unwrap()
            .unwrap();
        let consent = first.biometric_consent.clone().unwrap();
        assert_eq!(consent.text_version, BIOMETRIC_CONSENT.version);
        assert_eq!(consent.given_at, at(9));
        assert_eq!(first.version, entry().version + 1);
        assert_eq!(given(&first, BIOMETRIC_CONSENT.version, at(10)), Ok(None));
    }

    #[test]
    fn consent_to_another_text_is_refused_naming_the_version() {
        let refused = given(&entry(), "2020-01-01", at(9)).unwrap_err();
        assert_eq!(refused.kind, RefusalKind::Conflict);
        assert_eq!(refused.field.as_deref(), Some("textVersion"));
        assert!(refused.detail.contains(BIOMETRIC_CONSENT.version));
        let long = "v".repeat(MAX_VERSION_CHARS + 1);
        let refused = given(&entry(), &long, at(9)).unwrap_err();
        assert_eq!(
            (refused.kind, refused.field.as_deref()),
            (RefusalKind::Invalid, Some("textVersion"))
        );
    }

    #[test]
    fn withdrawing_forgets_the_consent_and_the_face() {
        let consented = given(&entry(), BIOMETRIC_CONSENT.version, at(9))
            .unwrap()
            .unwrap();
        let enrolled = RosterEntry {
            face_id: Some("f-1".into()),
            face_enrolled_at: Some(at(9)),
            ..consented
        };
        let gone = withdrawn(&enrolled).unwrap();
        assert_eq!(gone.biometric_consent, None);
        assert_eq!(gone.face_id, None);
        assert_eq!(gone.face_enrolled_at, None);
        assert_eq!(gone.version, enrolled.version + 1);
        assert_eq!(withdrawn(&gone), None);
    }

    #[test]
    fn face_work_needs_consent_and_the_refusal_names_it() {
        for whose in [Whose::Own, Whose::Someone] {
            let refused = required(&entry(), whose).unwrap_err();
            assert_eq!(refused.kind, RefusalKind::Conflict);
            assert_eq!(refused.field.as_deref(), Some(CONSENT_FIELD));
        }
        let consented = given(&entry(), BIOMETRIC_CONSENT.version, at(9))
            .unwrap()
            .unwrap();
        assert_eq!(required(&consented, Whose::Own), Ok(()));
    }
}
