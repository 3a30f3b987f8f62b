//! The roster in the item store: listing a company, inviting (roster row and invitation in one
//! transaction), activating on first sign-in, versioned edits and offboarding. People are keyed
//! by their pool username (a UUID), the one the sign-in trigger's event carries.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{EmploymentStatus, Invitation, RosterEntry};
use crate::ports::{Condition, Cursor, Item, ItemStore, Key, Query, StoreError, Table, TxOp};

/// Roster storage on the item-store port.
pub struct RosterRepo<'a> {
    store: &'a dyn ItemStore,
}

/// What an activation found.
#[derive(Debug, PartialEq)]
pub enum Activation {
    /// The invited person is now active on this roster entry.
    Activated(RosterEntry),
    /// They were already active (a repeated trigger).
    AlreadyActive(RosterEntry),
    /// No live invitation holds this username (a self sign-up, or it expired).
    NotInvited,
}

fn entry_from(item: Item) -> Result<RosterEntry, StoreError> {
    serde_json::from_value(Value::Object(item))
        .map_err(|e| StoreError::Invalid(format!("stored roster entry: {e}")))
}

fn invitation_item(i: &Invitation) -> Item {
    match serde_json::to_value(i) {
        Ok(Value::Object(map)) => map,
        _ => Item::new(),
    }
}

fn unchanged_since(entry: &RosterEntry) -> Condition {
    Condition::equals("version", entry.version)
}

impl<'a> RosterRepo<'a> {
    pub fn new(store: &'a dyn ItemStore) -> Self {
        RosterRepo { store }
    }

    pub async fn get(
        &self,
        company_id: &str,
        username: &str,
    ) -> Result<Option<RosterEntry>, StoreError> {
        self.store
            .get(Table::Employees, &Key::with_sort(company_id, username))
            .await?
            .map(entry_from)
            .transpose()
    }

    /// One page of the company's roster, by username.
    pub async fn list(
        &self,
        company_id: &str,
        limit: usize,
        cursor: Option<Cursor>,
    ) -> Result<(Vec<RosterEntry>, Option<Cursor>), StoreError> {
        let page = self
            .store
            .query(
                Table::Employees,
                &Query::partition(company_id).limit(limit).after(cursor),
            )
            .await?;
        let entries = page
            .items
            .into_iter()
            .map(entry_from)
            .collect::<Result<_, _>>()?;
        Ok((entries, page.next))
    }

    /// Everyone on the company's roster (every page), for views that name people.
    pub async fn everyone(&self, company_id: &str) -> Result<Vec<RosterEntry>, StoreError> {
        let mut all = Vec::new();
        let mut cursor = None;
        loop {
            let (page, next) = self.list(company_id, 200, cursor).await?;
            all.extend(page);
            match next {
                Some(next) => cursor = Some(next),
                None => return Ok(all),
            }
        }
    }

    /// Puts the invited entry and its invitation, both create-once: `ConditionFailed` if the
    /// username is already on this roster or invited anywhere.
    pub async fn invite(
        &self,
        entry: &RosterEntry,
        invitation: &Invitation,
    ) -> Result<(), StoreError> {
        self.store
            .transact(vec![
                entry.create(),
                TxOp::Put {
                    table: Table::Invitations,
                    item: invitation_item(invitation),
                    condition: Condition::Absent,
                },
            ])
            .await
    }

    /// The invitation holding `username`, if any and not expired.
    pub async fn invitation(
        &self,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Invitation>, StoreError> {
        let Some(item) = self
            .store
            .get(Table::Invitations, &Key::of(username))
            .await?
        else {
            return Ok(None);
        };
        let invitation: Invitation = serde_json::from_value(Value::Object(item))
            .map_err(|e| StoreError::Invalid(format!("stored invitation: {e}")))?;
        Ok((!invitation.is_expired(now)).then_some(invitation))
    }

    /// Moves an invited person onto the active roster (their first sign-in with a password of
    /// their own): the entry turns active with their `sub`, the invitation goes, atomically.
    /// Repeated or racing calls activate once.
    pub async fn activate(
        &self,
        username: &str,
        sub: &str,
        now: DateTime<Utc>,
    ) -> Result<Activation, StoreError> {
        let Some(invitation) = self.invitation(username, now).await? else {
            return Ok(Activation::NotInvited);
        };
        for _ in 0..3 {
            let Some(entry) = self.get(&invitation.company_id, username).await? else {
                return Ok(Activation::NotInvited);
            };
            if entry.status != EmploymentStatus::Invited {
                return Ok(Activation::AlreadyActive(entry));
            }
            let active = RosterEntry {
                sub: sub.to_string(),
                status: EmploymentStatus::Active,
                version: entry.version + 1,
                ..entry.clone()
            };
            let outcome = self
                .store
                .transact(vec![
                    TxOp::Put {
                        table: Table::Employees,
                        item: active.to_item(),
                        condition: Condition::Equals(vec![
                            ("version".into(), entry.version.into()),
                            ("status".into(), "invited".into()),
                        ]),
                    },
                    TxOp::Delete {
                        table: Table::Invitations,
                        key: Key::of(username),
                        condition: Condition::Present,
                    },
                ])
                .await;
            match outcome {
                Ok(()) => return Ok(Activation::Activated(active)),
                Err(StoreError::ConditionFailed) => continue,
                Err(e) => return Err(e),
            }
        }
        // Lost every race: whoever won activated them.
        match self.get(&invitation.company_id, username).await? {
            Some(entry) if entry.is_active() => Ok(Activation::AlreadyActive(entry)),
            _ => Err(StoreError::Throttled),
        }
    }

    /// Everyone linked to the Slack user `slack_user_id` (normally one person; an admin may link
    /// the same Slack user in two companies).
    pub async fn by_slack_user(&self, slack_user_id: &str) -> Result<Vec<RosterEntry>, StoreError> {
        let page = self
            .store
            .query(
                Table::Employees,
                &Query::index("slack", slack_user_id).limit(10),
            )
            .await?;
        page.items.into_iter().map(entry_from).collect()
    }

    /// Stores `next` if the entry is still at `current.version`.
    pub async fn replace(
        &self,
        current: &RosterEntry,
        next: &RosterEntry,
    ) -> Result<(), StoreError> {
        self.store
            .put(Table::Employees, next.to_item(), unchanged_since(current))
            .await
    }
}
