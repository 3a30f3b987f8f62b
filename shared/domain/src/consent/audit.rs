//! The audit trail of consent: one record per change, kept beside the person's days in the
//! Attendance table under a sort key no day can have, so month reads never meet it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::attendance::person_key;
use crate::ports::{Condition, Item, Table, TxOp};
use crate::roster::RosterEntry;

/// Sort-key prefix of consent audit records (days are `YYYY-MM-DD`).
pub const AUDIT_PREFIX: &str = "audit#consent#";

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsentChange {
    Given,
    Withdrawn,
}

/// One consent change: whose, what, by whom, when, and the text version given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentAudit {
    /// The person's days' partition key.
    pub person: String,
    /// `audit#consent#<time>#<entry version>`: unique per change, since each change bumps the
    /// roster entry's version in the same transaction.
    pub work_date: String,
    pub company_id: String,
    pub username: String,
    pub change: ConsentChange,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_version: Option<String>,
    /// Who made the change (the person themselves).
    pub by: String,
    pub at: DateTime<Utc>,
    /// Whether a reference face was deleted with it.
    #[serde(default)]
    pub face_deleted: bool,
}

impl ConsentAudit {
    /// The record of `before` becoming `after`.
    pub fn of(
        before: &RosterEntry,
        after: &RosterEntry,
        change: ConsentChange,
        by: &str,
        at: DateTime<Utc>,
    ) -> Self {
        ConsentAudit {
            person: person_key(&after.company_id, &after.username),
            work_date: format!("{AUDIT_PREFIX}{}#{:010}", at.to_rfc3339(), after.version),
            company_id: after.company_id.clone(),
            username: after.username.clone(),
            change,
            text_version: after
                .biometric_consent
                .as_ref()
                .map(|c| c.text_version.clone()),
            by: by.to_string(),
            at,
            face_deleted: before.face_id.is_some() && after.face_id.is_none(),
        }
    }

    /// A create-once put of the record.
    pub fn put(&self) -> TxOp {
        let item = match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => Item::new(),
        };
        TxOp::Put {
            table: Table::Attendance,
            item,
            condition: Condition::Absent,
        }
    }
}
