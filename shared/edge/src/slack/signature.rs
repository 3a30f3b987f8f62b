//! Slack's v0 request signature: `v0=` + hex HMAC-SHA256, keyed with the app's signing secret,
//! over `v0:{timestamp}:{body}`, refused when the timestamp is more than five minutes off.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::ApiError;

/// How far the request's timestamp may be from now, either way.
pub const MAX_SKEW_SECONDS: i64 = 300;

/// Header carrying the Unix time Slack signed the request at.
pub const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";

/// Header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-slack-signature";

/// Why a request is not accepted as Slack's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SlackAuthError {
    #[error("the X-Slack-Request-Timestamp header is missing")]
    MissingTimestamp,
    #[error("the X-Slack-Request-Timestamp header is not a Unix time in seconds")]
    MalformedTimestamp,
    #[error("the X-Slack-Signature header is missing")]
    MissingSignature,
    #[error("the X-Slack-Signature header is not v0= and 64 hex digits")]
    MalformedSignature,
    #[error("the request timestamp is more than five minutes from now")]
    Stale,
    #[error("the signature does not match the request")]
    BadSignature,
    #[error("the request was already received")]
    Replayed,
}

impl From<SlackAuthError> for ApiError {
    fn from(e: SlackAuthError) -> Self {
        ApiError::unauthorized(e.to_string())
    }
}

/// The timestamp and the signature's bytes, read from their headers.
pub(super) fn read_headers(
    timestamp_header: Option<&str>,
    signature_header: Option<&str>,
) -> Result<(i64, [u8; 32]), SlackAuthError> {
    let ts = timestamp_header.ok_or(SlackAuthError::MissingTimestamp)?;
    if ts.is_empty() || ts.len() > 12 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SlackAuthError::MalformedTimestamp);
    }
    let timestamp = ts
        .parse::<i64>()
        .map_err(|_| SlackAuthError::MalformedTimestamp)?;
    let hex = signature_header
        .ok_or(SlackAuthError::MissingSignature)?
        .strip_prefix("v0=")
        .ok_or(SlackAuthError::MalformedSignature)?;
    let mut signature = [0u8; 32];
    if hex.len() != 64 {
        return Err(SlackAuthError::MalformedSignature);
    }
    for (byte, pair) in signature.iter_mut().zip(hex.as_bytes().chunks(2)) {
        let digits = std::str::from_utf8(pair).map_err(|_| SlackAuthError::MalformedSignature)?;
        *byte = u8::from_str_radix(digits, 16).map_err(|_| SlackAuthError::MalformedSignature)?;
    }
    Ok((timestamp, signature))
}

fn mac(signing_secret: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length, so this never fails.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(signing_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac
}

/// Accepts `body` as sent by Slack at `now`: both headers well formed, the timestamp within
/// five minutes, and the signature matching (compared in constant time). `body` is the raw
/// request body, before any decoding.
pub fn verify_signature(
    signing_secret: &str,
    timestamp_header: Option<&str>,
    signature_header: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SlackAuthError> {
    let (timestamp, signature) = read_headers(timestamp_header, signature_header)?;
    if (now.timestamp() - timestamp).abs() > MAX_SKEW_SECONDS {
        return Err(SlackAuthError::Stale);
    }
    let signed = timestamp_header.unwrap_or_default();
    mac(signing_secret, signed, body)
        .verify_slice(&signature)
        .map_err(|_| SlackAuthError::BadSignature)
}

/// The `X-Slack-Signature` value Slack would send for `body` at `timestamp`; for tests and the
/// local stack, which plays Slack.
pub fn sign(signing_secret: &str, timestamp: i64, body: &[u8]) -> String {
    let digest = mac(signing_secret, &timestamp.to_string(), body)
        .finalize()
        .into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("v0={hex}")
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

    /// A slash command exactly as Slack form-encodes it.
    pub const COMMAND_BODY: &str = "token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0GENESE&team_domain=genese\
        &channel_id=C2147483705&channel_name=leave&user_id=U0MANAGER&user_name=manager\
        &command=%2Fleave&text=pending&api_app_id=A0LEAVE&is_enterprise_install=false\
        &response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0GENESE%2F1234%2Fabcd\
        &trigger_id=13345224609.738474920.8088930838d88f008e0";

    pub fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap()
    }

    fn verify(ts: Option<&str>, sig: Option<&str>, body: &str) -> Result<(), SlackAuthError> {
        verify_signature(SECRET, ts, sig, body.as_bytes(), now())
    }

    #[test]
    fn slacks_documented_example_verifies() {
        // The worked example of Slack's "Verifying requests from Slack" guide.
        let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow\
            &channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner\
            &command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands\
            %2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN\
            &trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        let expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
        assert_eq!(sign(SECRET, 1_531_420_618, body.as_bytes()), expected);
        let then = DateTime::from_timestamp(1_531_420_618 + 60, 0).unwrap();
        assert_eq!(
            verify_signature(
                SECRET,
                Some("1531420618"),
                Some(expected),
                body.as_bytes(),
                then
            ),
            Ok(())
        );
    }

    #[test]
    fn a_signed_command_verifies() {
        let ts = now().timestamp();
        let sig = sign(SECRET, ts, COMMAND_BODY.as_bytes());
        assert_eq!(
            verify(Some(&ts.to_string()), Some(&sig), COMMAND_BODY),
            Ok(())
        );
        // Upper-case hex is the same signature.
        let upper = format!("v0={}", sig[3..].to_ascii_uppercase());
        assert_eq!(
            verify(Some(&ts.to_string()), Some(&upper), COMMAND_BODY),
            Ok(())
        );
    }

    #[test]
    fn a_changed_body_secret_or_timestamp_breaks_the_signature() {
        let ts = now().timestamp();
        let sig = sign(SECRET, ts, COMMAND_BODY.as_bytes());
        let tampered = COMMAND_BODY.replace("text=pending", "text=approve");
        assert_eq!(
            verify(Some(&ts.to_string()), Some(&sig), &tampered),
            Err(SlackAuthError::BadSignature)
        );
        let forged = sign("not-the-secret", ts, COMMAND_BODY.as_bytes());
        assert_eq!(
            verify(Some(&ts.to_string()), Some(&forged), COMMAND_BODY),
            Err(SlackAuthError::BadSignature)
        );
        // The signature covers the timestamp: moving it within the window does not help.
        assert_eq!(
            verify(Some(&(ts - 1).to_string()), Some(&sig), COMMAND_BODY),
            Err(SlackAuthError::BadSignature)
        );
    }

    #[test]
    fn a_timestamp_more_than_five_minutes_off_is_stale() {
        for offset in [-301, 301, -86_400] {
            let ts = now().timestamp() + offset;
            let sig = sign(SECRET, ts, COMMAND_BODY.as_bytes());
            assert_eq!(
                verify(Some(&ts.to_string()), Some(&sig), COMMAND_BODY),
                Err(SlackAuthError::Stale),
                "{offset}"
            );
        }
        for offset in [-300, 300] {
            let ts = now().timestamp() + offset;
            let sig = sign(SECRET, ts, COMMAND_BODY.as_bytes());
            assert_eq!(
                verify(Some(&ts.to_string()), Some(&sig), COMMAND_BODY),
                Ok(())
            );
        }
    }

    #[test]
    fn malformed_or_missing_headers_are_named() {
        use SlackAuthError::*;
        let ts = now().timestamp().to_string();
        let sig = sign(SECRET, now().timestamp(), COMMAND_BODY.as_bytes());
        let cases: [(Option<&str>, Option<&str>, SlackAuthError); 10] = [
            (None, Some(&sig), MissingTimestamp),
            (Some(""), Some(&sig), MalformedTimestamp),
            (Some("17900e5"), Some(&sig), MalformedTimestamp),
            (Some(" 1790000000"), Some(&sig), MalformedTimestamp),
            (Some("-1790000000"), Some(&sig), MalformedTimestamp),
            (Some(&ts), None, MissingSignature),
            (Some(&ts), Some("v1=abc"), MalformedSignature),
            (Some(&ts), Some(&sig[3..]), MalformedSignature),
            (Some(&ts), Some("v0=zz"), MalformedSignature),
            (
                Some(&ts),
                Some(&format!("{}g", &sig[..66])),
                MalformedSignature,
            ),
        ];
        for (t, s, expected) in cases {
            assert_eq!(
                verify(t, s, COMMAND_BODY),
                Err(expected.clone()),
                "{t:?} {s:?}"
            );
        }
        assert_eq!(ApiError::from(MissingSignature).status, 401);
    }
}
