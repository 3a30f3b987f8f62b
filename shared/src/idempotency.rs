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
