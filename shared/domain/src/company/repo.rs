//! Companies in the item store: registration (company, its first admin and a once-only claim in
//! one transaction), reading, and versioned updates.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::CompanyProfile;
use crate::idempotency;
use crate::ports::{Condition, Item, ItemStore, Key, StoreError, Table, TxOp};
use crate::roster::{EmploymentStatus, RosterEntry, StaffRole};

/// A registered company, as stored and as returned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Company {
    pub id: String,
    #[serde(flatten)]
    pub profile: CompanyProfile,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped by every update; a stale one is refused.
    pub version: u64,
}

/// A new company and the user registering it.
#[derive(Clone, Debug)]
pub struct Registration {
    pub company_id: String,
    pub owner_sub: String,
    pub owner_username: String,
    pub owner_email: Option<String>,
    pub profile: CompanyProfile,
    pub at: DateTime<Utc>,
}

/// Company storage on the item-store port.
pub struct CompanyRepo<'a> {
    store: &'a dyn ItemStore,
}

const REGISTRATION: &str = "company-registration";

impl<'a> CompanyRepo<'a> {
    pub fn new(store: &'a dyn ItemStore) -> Self {
        CompanyRepo { store }
    }

    /// Registers the company once per owner: on a repeat (a retry, a race) it changes nothing and
    /// returns the company that owner registered first, with `false`.
    pub async fn register(&self, r: &Registration) -> Result<(Company, bool), StoreError> {
        let company = Company {
            id: r.company_id.clone(),
            profile: r.profile.clone(),
            created_at: r.at,
            updated_at: r.at,
            version: 1,
        };
        let admin = RosterEntry {
            company_id: r.company_id.clone(),
            username: r.owner_username.clone(),
            sub: r.owner_sub.clone(),
            email: r.owner_email.clone().unwrap_or_default(),
            role: StaffRole::Admin,
            manager: None,
            status: EmploymentStatus::Active,
            created_at: r.at,
            name: None,
            face_id: None,
            face_enrolled_at: None,
            biometric_consent: None,
            version: 1,
            offboarded_at: None,
            slack_user_id: None,
        };
        let claim_key = idempotency::once_key(REGISTRATION, &r.owner_sub);
        let ops = vec![
            idempotency::claim(&claim_key, json!({ "companyId": r.company_id }), None),
            TxOp::Put {
                table: Table::Companies,
                item: to_item(&company),
                condition: Condition::Absent,
            },
            admin.create(),
        ];
        match self.store.transact(ops).await {
            Ok(()) => Ok((company, true)),
            Err(StoreError::ConditionFailed) => {
                let record = self
                    .store
                    .get(Table::Idempotency, &idempotency::record_key(&claim_key))
                    .await?
                    .ok_or(StoreError::ConditionFailed)?;
                let first = record["outcome"]["companyId"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let existing = self.get(&first).await?.ok_or(StoreError::ConditionFailed)?;
                Ok((existing, false))
            }
            Err(e) => Err(e),
        }
    }

    /// The company, if it exists.
    pub async fn get(&self, company_id: &str) -> Result<Option<Company>, StoreError> {
        match self
            .store
            .get(Table::Companies, &Key::of(company_id))
            .await?
        {
            Some(item) => from_item(item).map(Some),
            None => Ok(None),
        }
    }

    /// Replaces the profile if the stored version is `expected_version`; returns the new state.
    pub async fn update(
        &self,
        current: &Company,
        profile: CompanyProfile,
        at: DateTime<Utc>,
    ) -> Result<Company, StoreError> {
        let next = Company {
            profile,
            updated_at: at,
            version: current.version + 1,
            ..current.clone()
        };
        self.store
            .put(
                Table::Companies,
                to_item(&next),
                Condition::equals("version", current.version),
            )
            .await?;
        Ok(next)
    }
}

fn to_item(company: &Company) -> Item {
    let mut item = Item::new();
    item.insert("company_id".into(), company.id.clone().into());
    item.insert("name".into(), company.profile.name.clone().into());
    item.insert("time_zone".into(), company.profile.time_zone.clone().into());
    item.insert(
        "work_hours".into(),
        serde_json::to_value(&company.profile.work_hours).unwrap_or(Value::Null),
    );
    item.insert("created_at".into(), company.created_at.to_rfc3339().into());
    item.insert("updated_at".into(), company.updated_at.to_rfc3339().into());
    item.insert("version".into(), company.version.into());
    item
}

fn from_item(item: Item) -> Result<Company, StoreError> {
    let bad = |what: &str| StoreError::Invalid(format!("stored company lacks {what}"));
    let text = |k: &str| {
        item.get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| bad(k))
    };
    let instant = |k: &str| {
        text(k).and_then(|s| {
            DateTime::parse_from_rfc3339(&s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| bad(k))
        })
    };
    Ok(Company {
        id: text("company_id")?,
        profile: CompanyProfile {
            name: text("name")?,
            time_zone: text("time_zone")?,
            work_hours: serde_json::from_value(
                item.get("work_hours").cloned().unwrap_or(Value::Null),
            )
            .map_err(|_| bad("work_hours"))?,
        },
        created_at: instant("created_at")?,
        updated_at: instant("updated_at")?,
        version: item
            .get("version")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad("version"))?,
    })
}
