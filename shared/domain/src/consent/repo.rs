//! Consent changes in the item store: the roster entry and the change's audit record are
//! written in one transaction, conditional on the entry's version, so a change is recorded and
//! audited together, once, however many identical requests race.

use serde_json::Value;

use super::audit::{AUDIT_PREFIX, ConsentAudit};
use crate::attendance::person_key;
use crate::ports::{Condition, ItemStore, Query, SortCondition, StoreError, Table, TxOp};
use crate::roster::RosterEntry;

/// Consent storage on the item-store port.
pub struct ConsentRepo<'a> {
    store: &'a dyn ItemStore,
}

impl<'a> ConsentRepo<'a> {
    pub fn new(store: &'a dyn ItemStore) -> Self {
        ConsentRepo { store }
    }

    /// Stores `next` and its audit record if the entry is still at `current.version`;
    /// `ConditionFailed` (nothing written) when it changed meanwhile.
    pub async fn record(
        &self,
        current: &RosterEntry,
        next: &RosterEntry,
        audit: &ConsentAudit,
    ) -> Result<(), StoreError> {
        self.store
            .transact(vec![
                TxOp::Put {
                    table: Table::Employees,
                    item: next.to_item(),
                    condition: Condition::equals("version", current.version),
                },
                audit.put(),
            ])
            .await
    }

    /// The person's consent changes, oldest first.
    pub async fn trail(
        &self,
        company_id: &str,
        username: &str,
    ) -> Result<Vec<ConsentAudit>, StoreError> {
        let mut trail = Vec::new();
        let mut cursor = None;
        loop {
            let page = self
                .store
                .query(
                    Table::Attendance,
                    &Query::partition(person_key(company_id, username))
                        .sort(SortCondition::BeginsWith(AUDIT_PREFIX.into()))
                        .limit(100)
                        .after(cursor),
                )
                .await?;
            for item in page.items {
                trail.push(
                    serde_json::from_value(Value::Object(item))
                        .map_err(|e| StoreError::Invalid(format!("stored consent audit: {e}")))?,
                );
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(trail),
            }
        }
    }
}
