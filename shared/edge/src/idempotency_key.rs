//! The client's `Idempotency-Key` header: the first response to a keyed request is kept in the
//! Idempotency table and replayed, as it was, to every retry with the same key.

use chrono::{DateTime, Utc};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::http::json;
use domain::idempotency::{claim, once_key, record_key};
use domain::ports::{ItemStore, StoreError, Table};

/// How long a replayable response is kept.
const REPLAY_FOR_SECONDS: i64 = 24 * 3600;

/// The record key for the request's `Idempotency-Key` (1 to 128 visible ASCII characters), scoped
/// to `effect` and `scope` (who and what), or `None` without the header.
pub fn requested(request: &Request, effect: &str, scope: &str) -> Result<Option<String>, ApiError> {
    let Some(value) = request.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or("").trim();
    if key.is_empty() || key.len() > 128 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "Idempotency-Key",
            "use 1 to 128 visible ASCII characters",
        ));
    }
    Ok(Some(once_key(effect, &format!("{scope}/{key}"))))
}

/// The response first sent for `key`, replayed with an `idempotent-replay: true` header.
pub async fn replay(store: &dyn ItemStore, key: &str) -> Result<Option<Response<Body>>, ApiError> {
    let Some(record) = store.get(Table::Idempotency, &record_key(key)).await? else {
        return Ok(None);
    };
    let status = record["outcome"]["status"]
        .as_u64()
        .and_then(|s| StatusCode::from_u16(s as u16).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = json(status, &record["outcome"]["body"]);
    response
        .headers_mut()
        .insert("idempotent-replay", "true".parse().expect("a valid header"));
    Ok(Some(response))
}

/// Keeps `body` as the response to `key`. The effect already happened, so a failure here is only
/// logged: a retry would then be refused by the effect's own once-rule instead of replayed.
pub async fn remember(
    store: &dyn ItemStore,
    key: &str,
    status: StatusCode,
    body: &Value,
    now: DateTime<Utc>,
) {
    let outcome = json!({ "status": status.as_u16(), "body": body });
    let record = claim(key, outcome, Some(now.timestamp() + REPLAY_FOR_SECONDS));
    if let Err(e) = store.transact(vec![record]).await
        && e != StoreError::ConditionFailed
    {
        tracing::warn!(error = %e, "idempotency record not stored");
    }
}
