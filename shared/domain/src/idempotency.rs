//! The Idempotency table: records that make a side effect happen once under retries and races.
//!
//! A record is created with `Condition::Absent` in the same transaction as (or before) the
//! effect; whoever fails the condition knows the effect already happened and reads the record
//! for its outcome.

use serde_json::{Value, json};

use crate::ports::{Condition, Item, Key, Table, TxOp};

/// Key of the record guarding one effect, e.g. `once_key("company-registration", sub)`.
pub fn once_key(effect: &str, subject: &str) -> String {
    format!("{effect}#{subject}")
}

/// A create-once put of a record holding `outcome`; `expires_at` (epoch seconds) lets TTL reap it.
pub fn claim(key: &str, outcome: Value, expires_at: Option<i64>) -> TxOp {
    let mut item = Item::new();
    item.insert("key".into(), key.into());
    item.insert("outcome".into(), outcome);
    if let Some(at) = expires_at {
        item.insert("expires_at".into(), json!(at));
    }
    TxOp::Put {
        table: Table::Idempotency,
        item,
        condition: Condition::Absent,
    }
}

/// The key of a record, for reading it back.
pub fn record_key(key: &str) -> Key {
    Key::of(key)
}

/// A side effect outside the store (an email) cannot join a transaction, so it is leased: the
/// first caller records `pending` with a lease, performs the effect, then records `done`. A
/// duplicate sees `done` and skips, or sees a live lease and backs off; a lease whose holder
/// died runs out and is taken over. The one window left is a crash between the effect and
/// `done`, after which the effect repeats once the lease runs out (at least once, never lost).
pub mod lease {
    use chrono::{DateTime, Duration, Utc};
    use serde_json::{Value, json};

    use crate::ports::{Condition, Item, ItemStore, Key, StoreError, Table};

    /// How long finished records are kept, for duplicates arriving late (stream retention is 24 h).
    const KEEP_DONE: i64 = 7 * 24 * 3600;

    /// What the caller may do about the effect.
    #[derive(Debug, PartialEq)]
    pub enum Begin {
        /// Perform it, then `finish` (or `release` on failure).
        Go(Lease),
        /// It already happened.
        Done,
        /// Someone else holds a live lease on it; try again later.
        Busy,
    }

    /// The right to perform one effect, identified by a token only its holder knows.
    #[derive(Debug, PartialEq)]
    pub struct Lease {
        key: String,
        token: String,
    }

    fn record(key: &str, token: &str, state: &str, until: i64, expires_at: i64) -> Item {
        let value = json!({
            "key": key, "token": token, "state": state, "lease_until": until, "expires_at": expires_at,
        });
        match value {
            Value::Object(item) => item,
            _ => Item::new(),
        }
    }

    /// Takes the lease on `key` for `length`, unless the effect is done or leased to someone else.
    pub async fn begin(
        store: &dyn ItemStore,
        key: &str,
        now: DateTime<Utc>,
        length: Duration,
    ) -> Result<Begin, StoreError> {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let until = (now + length).timestamp();
        let expires = now.timestamp() + KEEP_DONE;
        let fresh = record(key, &token, "pending", until, expires);
        match store
            .put(Table::Idempotency, fresh.clone(), Condition::Absent)
            .await
        {
            Ok(()) => return Ok(Begin::Go(lease(key, token))),
            Err(StoreError::ConditionFailed) => {}
            Err(e) => return Err(e),
        }
        let Some(current) = store.get(Table::Idempotency, &Key::of(key)).await? else {
            // Reaped between the two calls: the next attempt creates it afresh.
            return Ok(Begin::Busy);
        };
        if current.get("state") == Some(&json!("done")) {
            return Ok(Begin::Done);
        }
        let lapsed = current
            .get("lease_until")
            .and_then(Value::as_i64)
            .is_none_or(|t| t < now.timestamp());
        if !lapsed {
            return Ok(Begin::Busy);
        }
        let previous = current.get("token").cloned().unwrap_or(Value::Null);
        match store
            .put(
                Table::Idempotency,
                fresh,
                Condition::Equals(vec![
                    ("token".into(), previous),
                    ("state".into(), json!("pending")),
                ]),
            )
            .await
        {
            Ok(()) => Ok(Begin::Go(lease(key, token))),
            Err(StoreError::ConditionFailed) => Ok(Begin::Busy),
            Err(e) => Err(e),
        }
    }

    fn lease(key: &str, token: String) -> Lease {
        Lease {
            key: key.to_string(),
            token,
        }
    }

    /// Records the effect as done, with its `outcome` (e.g. the message id).
    pub async fn finish(
        store: &dyn ItemStore,
        lease: &Lease,
        outcome: Value,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut done = record(
            &lease.key,
            &lease.token,
            "done",
            now.timestamp(),
            now.timestamp() + KEEP_DONE,
        );
        done.insert("outcome".into(), outcome);
        store
            .put(
                Table::Idempotency,
                done,
                Condition::equals("token", lease.token.as_str()),
            )
            .await
    }

    /// The outcome recorded by `finish` for the effect `key`, once it is done (e.g. the id of a
    /// posted message, to update that message later).
    pub async fn outcome(store: &dyn ItemStore, key: &str) -> Result<Option<Value>, StoreError> {
        let Some(mut record) = store.get(Table::Idempotency, &Key::of(key)).await? else {
            return Ok(None);
        };
        if record.get("state") != Some(&json!("done")) {
            return Ok(None);
        }
        Ok(record.remove("outcome"))
    }

    /// Gives the lease back after a failed effect, so a retry need not wait for it to run out.
    pub async fn release(store: &dyn ItemStore, lease: &Lease) -> Result<(), StoreError> {
        store
            .delete(
                Table::Idempotency,
                &Key::of(&lease.key),
                Condition::Equals(vec![
                    ("token".into(), json!(lease.token)),
                    ("state".into(), json!("pending")),
                ]),
            )
            .await
    }
}
