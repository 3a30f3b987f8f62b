//! The question bank in the item store: create, read, versioned update, soft delete (attempts
//! keep their questions), and filtered listing by key queries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Difficulty, QuestionDraft};
use crate::ports::{Condition, Cursor, Item, ItemStore, Key, Query, StoreError, Table};

/// A stored question, as recruiters see it (with the correct options).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Question {
    pub id: String,
    #[serde(flatten)]
    pub draft: QuestionDraft,
    pub version: u64,
    /// Deleted questions stay for the attempts that drew them, out of lists and draws.
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Partition of the `bank` index.
const BANK: &str = "questions";

/// What a listing keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuestionFilter {
    pub category: Option<String>,
    pub difficulty: Option<Difficulty>,
    pub active: Option<bool>,
}

/// Question storage on the item-store port.
pub struct QuestionRepo<'a> {
    store: &'a dyn ItemStore,
}

fn to_item(q: &Question) -> Item {
    let mut item = match serde_json::to_value(q) {
        Ok(Value::Object(map)) => map,
        _ => Item::new(),
    };
    if !q.deleted {
        item.insert("bank".into(), BANK.into());
        item.insert(
            "bank_sort".into(),
            format!("{}#{}", q.draft.category, q.id).into(),
        );
    }
    item
}

fn from_item(mut item: Item) -> Result<Question, StoreError> {
    item.remove("bank");
    item.remove("bank_sort");
    serde_json::from_value(Value::Object(item))
        .map_err(|e| StoreError::Invalid(format!("stored question: {e}")))
}

impl<'a> QuestionRepo<'a> {
    pub fn new(store: &'a dyn ItemStore) -> Self {
        QuestionRepo { store }
    }

    /// Stores a new question at version 1.
    pub async fn create(
        &self,
        id: String,
        draft: QuestionDraft,
        at: DateTime<Utc>,
    ) -> Result<Question, StoreError> {
        let question = Question {
            id,
            draft,
            version: 1,
            deleted: false,
            created_at: at,
            updated_at: at,
        };
        self.store
            .put(Table::Questions, to_item(&question), Condition::Absent)
            .await?;
        Ok(question)
    }

    /// The question, deleted or not.
    pub async fn get(&self, id: &str) -> Result<Option<Question>, StoreError> {
        self.store
            .get(Table::Questions, &Key::of(id))
            .await?
            .map(from_item)
            .transpose()
    }

    /// Replaces the content if the stored version is still `current.version`.
    pub async fn update(
        &self,
        current: &Question,
        draft: QuestionDraft,
        at: DateTime<Utc>,
    ) -> Result<Question, StoreError> {
        let next = Question {
            draft,
            version: current.version + 1,
            updated_at: at,
            ..current.clone()
        };
        self.store
            .put(
                Table::Questions,
                to_item(&next),
                Condition::Equals(vec![
                    ("version".into(), current.version.into()),
                    ("deleted".into(), false.into()),
                ]),
            )
            .await?;
        Ok(next)
    }

    /// Marks the question deleted (and out of the bank index) if it is still at `current.version`.
    pub async fn delete(&self, current: &Question, at: DateTime<Utc>) -> Result<(), StoreError> {
        let mut gone = Question {
            deleted: true,
            version: current.version + 1,
            updated_at: at,
            ..current.clone()
        };
        gone.draft.active = false;
        self.store
            .put(
                Table::Questions,
                to_item(&gone),
                Condition::equals("version", current.version),
            )
            .await
    }

    /// One page of live questions, by category then id; filters on difficulty and the active flag
    /// apply within the page, so a page may hold fewer than `limit`.
    pub async fn list(
        &self,
        filter: &QuestionFilter,
        limit: usize,
        cursor: Option<Cursor>,
    ) -> Result<(Vec<Question>, Option<Cursor>), StoreError> {
        let query = match &filter.category {
            Some(category) => Query::index("category", category.clone()),
            None => Query::index("bank", BANK),
        };
        let page = self
            .store
            .query(Table::Questions, &query.limit(limit).after(cursor))
            .await?;
        let mut questions = Vec::with_capacity(page.items.len());
        for item in page.items {
            let q = from_item(item)?;
            let keep = !q.deleted
                && filter.difficulty.is_none_or(|d| d == q.draft.difficulty)
                && filter.active.is_none_or(|a| a == q.draft.active);
            if keep {
                questions.push(q);
            }
        }
        Ok((questions, page.next))
    }

    /// Every live, active question of `category`, across all pages (the draw's candidates).
    pub async fn active_in(&self, category: &str) -> Result<Vec<Question>, StoreError> {
        let filter = QuestionFilter {
            category: Some(category.to_string()),
            difficulty: None,
            active: Some(true),
        };
        let mut all = Vec::new();
        let mut cursor = None;
        loop {
            let (page, next) = self.list(&filter, 100, cursor).await?;
            all.extend(page);
            match next {
                Some(c) => cursor = Some(c),
                None => return Ok(all),
            }
        }
    }
}
