//! One use per signed Slack request: a captured request replayed inside its five-minute window
//! carries a valid signature, so each accepted signature is recorded, create-once, in the
//! Idempotency table and a second arrival is refused.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::signature::{MAX_SKEW_SECONDS, SlackAuthError, read_headers, verify_signature};
use crate::error::ApiError;
use domain::idempotency::once_key;
use domain::ports::{Condition, Item, ItemStore, StoreError, Table};

/// Effect name of the records, in the Idempotency table's key.
const EFFECT: &str = "slack-request";

/// Seconds a record outlives the request's window, for clock skew between us and Slack.
const KEEP_MARGIN_SECONDS: i64 = 60;

/// Verifies Slack requests and refuses a second arrival of any of them.
pub struct ReplayGuard<'a> {
    store: &'a dyn ItemStore,
}

impl<'a> ReplayGuard<'a> {
    pub fn new(store: &'a dyn ItemStore) -> Self {
        ReplayGuard { store }
    }

    /// Accepts the request once: it must verify (see [`verify_signature`]) and not have been
    /// accepted before. Refusals are 401s; a store fault is the store's error.
    pub async fn accept(
        &self,
        signing_secret: &str,
        timestamp_header: Option<&str>,
        signature_header: Option<&str>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        verify_signature(
            signing_secret,
            timestamp_header,
            signature_header,
            body,
            now,
        )?;
        let (timestamp, signature) = read_headers(timestamp_header, signature_header)?;
        // Keyed on the bytes, so the same signature in upper-case hex is the same request.
        let hex: String = signature.iter().map(|b| format!("{b:02x}")).collect();
        let mut record = Item::new();
        record.insert("key".into(), once_key(EFFECT, &hex).into());
        record.insert("outcome".into(), json!({ "timestamp": timestamp }));
        // Past this the request is stale anyway, so TTL may reap the record.
        record.insert(
            "expires_at".into(),
            (timestamp + MAX_SKEW_SECONDS + KEEP_MARGIN_SECONDS).into(),
        );
        match self
            .store
            .put(Table::Idempotency, record, Condition::Absent)
            .await
        {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed) => Err(SlackAuthError::Replayed.into()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::slack::signature::sign;
    use crate::slack::signature::tests::{COMMAND_BODY, SECRET, now};
    use domain::ports::Key;
    use embedded_adapters::SqliteStore;

    fn store() -> SqliteStore {
        SqliteStore::open(&testkit::temp_dir("slack").join("t.sqlite3")).unwrap()
    }

    #[tokio::test]
    async fn a_replayed_request_is_refused_inside_the_window() {
        let store = store();
        let guard = ReplayGuard::new(&store);
        let ts = now().timestamp();
        let sig = sign(SECRET, ts, COMMAND_BODY.as_bytes());
        let ts_text = ts.to_string();
        let accept = |at, sig: String| {
            let ts_text = ts_text.clone();
            let guard = &guard;
            async move {
                guard
                    .accept(
                        SECRET,
                        Some(&ts_text),
                        Some(&sig),
                        COMMAND_BODY.as_bytes(),
                        at,
                    )
                    .await
            }
        };
        accept(now(), sig.clone()).await.unwrap();
        let err = accept(now() + Duration::seconds(30), sig.clone())
            .await
            .unwrap_err();
        assert_eq!(err.status, 401);
        assert!(err.detail.contains("already"), "{}", err.detail);
        let upper = format!("v0={}", sig[3..].to_ascii_uppercase());
        assert_eq!(
            accept(now(), upper).await.unwrap_err().status,
            401,
            "case is no disguise"
        );
        // Past the window it is refused as stale, long after TTL may have reaped the record.
        let late = accept(now() + Duration::seconds(301), sig)
            .await
            .unwrap_err();
        assert!(late.detail.contains("five minutes"), "{}", late.detail);
    }

    #[tokio::test]
    async fn a_request_that_does_not_verify_leaves_no_record() {
        let store = store();
        let guard = ReplayGuard::new(&store);
        let ts = now().timestamp();
        let forged = sign("wrong", ts, COMMAND_BODY.as_bytes());
        let err = guard
            .accept(
                SECRET,
                Some(&ts.to_string()),
                Some(&forged),
                COMMAND_BODY.as_bytes(),
                now(),
            )
            .await
            .unwrap_err();
        assert_eq!(err.status, 401);
        // The genuine request still goes through once.
        let sig = sign(SECRET, ts, COMMAND_BODY.as_bytes());
        guard
            .accept(
                SECRET,
                Some(&ts.to_string()),
                Some(&sig),
                COMMAND_BODY.as_bytes(),
                now(),
            )
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn the_record_expires_after_the_window() {
        let store = store();
        let guard = ReplayGuard::new(&store);
        let ts = now().timestamp();
        let sig = sign(SECRET, ts, COMMAND_BODY.as_bytes());
        guard
            .accept(
                SECRET,
                Some(&ts.to_string()),
                Some(&sig),
                COMMAND_BODY.as_bytes(),
                now(),
            )
            .await
            .unwrap();
        let key = once_key(EFFECT, &sig[3..]);
        let record = store
            .get(Table::Idempotency, &Key::of(key))
            .await
            .unwrap()
            .unwrap();
        let expires = record["expires_at"].as_i64().unwrap();
        assert!(expires > ts + MAX_SKEW_SECONDS && expires <= ts + MAX_SKEW_SECONDS + 120);
    }
}
