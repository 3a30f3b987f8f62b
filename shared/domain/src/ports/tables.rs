//! The item-table port: DynamoDB's model reduced to what the product uses.
//!
//! Items are JSON objects whose key attributes are strings. Writes may carry a [`Condition`];
//! queries address one partition of the table or of a global secondary index, optionally with a
//! sort-key condition, and page with an opaque [`Cursor`]. Multi-item writes go through
//! [`ItemStore::transact`], all or nothing.

use async_trait::async_trait;
use serde_json::{Map, Value};

/// One stored item: a JSON object holding its key attributes and its data.
pub type Item = Map<String, Value>;

/// The logical tables of DESIGN.md. Physical names come from configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Questions,
    Applicants,
    ExamAttempts,
    Companies,
    Employees,
    Invitations,
    Attendance,
    Events,
    LeaveRequests,
    Idempotency,
}

/// A global secondary index: its name and key attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexSpec {
    pub name: &'static str,
    pub partition_key: &'static str,
    pub sort_key: Option<&'static str>,
}

/// Key schema of a table, shared by both adapters, the emulator set-up and the SAM template test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableSpec {
    pub table: Table,
    pub partition_key: &'static str,
    pub sort_key: Option<&'static str>,
    pub indexes: &'static [IndexSpec],
    /// Attribute holding an expiry instant in epoch seconds, if the table has TTL enabled.
    pub ttl_attribute: Option<&'static str>,
    /// Changes are published as a stream (new and old images) to a consumer function.
    pub stream: bool,
}

impl Table {
    /// Every table, in a stable order.
    pub const ALL: [Table; 10] = [
        Table::Questions,
        Table::Applicants,
        Table::ExamAttempts,
        Table::Companies,
        Table::Employees,
        Table::Invitations,
        Table::Attendance,
        Table::Events,
        Table::LeaveRequests,
        Table::Idempotency,
    ];

    /// The name used in configuration (`TABLE_<NAME>`) and in the embedded database.
    pub fn name(self) -> &'static str {
        match self {
            Table::Questions => "Questions",
            Table::Applicants => "Applicants",
            Table::ExamAttempts => "ExamAttempts",
            Table::Companies => "Companies",
            Table::Employees => "Employees",
            Table::Invitations => "Invitations",
            Table::Attendance => "Attendance",
            Table::Events => "Events",
            Table::LeaveRequests => "LeaveRequests",
            Table::Idempotency => "Idempotency",
        }
    }

    /// Environment variable naming the physical table in a deployment.
    pub fn env_var(self) -> String {
        format!("TABLE_{}", self.name().to_ascii_uppercase())
    }

    /// Key schema, indexes and TTL attribute of this table.
    pub fn spec(self) -> TableSpec {
        const NO_INDEX: &[IndexSpec] = &[];
        let (pk, sk, indexes, ttl): (_, _, &'static [IndexSpec], _) = match self {
            Table::Questions => (
                "id",
                None,
                &[
                    IndexSpec {
                        name: "category",
                        partition_key: "category",
                        sort_key: Some("id"),
                    },
                    // The whole bank in one small partition, so listing it is a query, not a scan.
                    IndexSpec {
                        name: "bank",
                        partition_key: "bank",
                        sort_key: Some("bank_sort"),
                    },
                ],
                None,
            ),
            Table::Applicants => (
                "uid",
                None,
                // Every applicant in one partition by sign-up time: recruiters list, never scan.
                &[IndexSpec {
                    name: "roster",
                    partition_key: "roster",
                    sort_key: Some("joined"),
                }],
                None,
            ),
            Table::ExamAttempts => (
                "uid",
                Some("attempt_id"),
                // In progress by closing time (the sweep), submitted by score (the ranking).
                &[IndexSpec {
                    name: "status",
                    partition_key: "status",
                    sort_key: Some("status_sort"),
                }],
                None,
            ),
            Table::Companies => ("company_id", None, NO_INDEX, None),
            Table::Employees => (
                "company_id",
                Some("username"),
                // Sparse: only people an admin linked to a Slack user.
                &[IndexSpec {
                    name: "slack",
                    partition_key: "slack_user_id",
                    sort_key: None,
                }],
                None,
            ),
            Table::Invitations => ("username", None, NO_INDEX, Some("expires_at")),
            Table::Attendance => (
                "person",
                Some("work_date"),
                &[
                    IndexSpec {
                        name: "company_month",
                        partition_key: "company_month",
                        sort_key: Some("person_date"),
                    },
                    // Sparse: only days checked in and not yet out (the check-out reminder).
                    IndexSpec {
                        name: "open",
                        partition_key: "open_on",
                        sort_key: Some("person"),
                    },
                ],
                None,
            ),
            Table::Events => ("company_id", Some("date_id"), NO_INDEX, None),
            Table::LeaveRequests => (
                "leave_id",
                None,
                &[
                    IndexSpec {
                        name: "employee",
                        partition_key: "employee_key",
                        sort_key: Some("start_date"),
                    },
                    IndexSpec {
                        name: "manager",
                        partition_key: "manager_key",
                        sort_key: Some("created_at"),
                    },
                ],
                None,
            ),
            Table::Idempotency => ("key", None, NO_INDEX, Some("expires_at")),
        };
        TableSpec {
            table: self,
            partition_key: pk,
            sort_key: sk,
            indexes,
            ttl_attribute: ttl,
            stream: matches!(self, Table::ExamAttempts | Table::LeaveRequests),
        }
    }
}

impl TableSpec {
    /// The index of that name, if the table has one.
    pub fn index(&self, name: &str) -> Option<&'static IndexSpec> {
        self.indexes.iter().find(|i| i.name == name)
    }
}

/// Primary key of one item: partition value and, for tables with a sort key, the sort value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub partition: String,
    pub sort: Option<String>,
}

impl Key {
    /// Key of a table without a sort key.
    pub fn of(partition: impl Into<String>) -> Self {
        Key {
            partition: partition.into(),
            sort: None,
        }
    }
    /// Key of a table with a sort key.
    pub fn with_sort(partition: impl Into<String>, sort: impl Into<String>) -> Self {
        Key {
            partition: partition.into(),
            sort: Some(sort.into()),
        }
    }
}

/// A precondition on the item currently stored under a key, checked atomically with the write.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Condition {
    /// Write unconditionally.
    #[default]
    Always,
    /// No item exists under the key (create once).
    Absent,
    /// An item exists under the key.
    Present,
    /// An item exists and each named attribute equals the value (version and state checks).
    Equals(Vec<(String, Value)>),
}

impl Condition {
    /// Shorthand for a single-attribute [`Condition::Equals`].
    pub fn equals(attribute: impl Into<String>, value: impl Into<Value>) -> Self {
        Condition::Equals(vec![(attribute.into(), value.into())])
    }
}

/// A condition on the sort key (of the table or of the queried index).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortCondition {
    Equals(String),
    BeginsWith(String),
    /// Inclusive on both ends, as DynamoDB's `BETWEEN`.
    Between(String, String),
}

/// An opaque continuation token returned with a page and passed back for the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor(pub String);

/// A key query: one partition of the table or of one of its indexes.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub index: Option<&'static str>,
    pub partition: String,
    pub sort: Option<SortCondition>,
    /// Ascending by sort key when true.
    pub ascending: bool,
    /// Most items in one page; `None` for as many as the store returns in one page.
    pub limit: Option<usize>,
    pub cursor: Option<Cursor>,
}

impl Query {
    /// All items of one partition of the table, ascending.
    pub fn partition(partition: impl Into<String>) -> Self {
        Query {
            index: None,
            partition: partition.into(),
            sort: None,
            ascending: true,
            limit: None,
            cursor: None,
        }
    }
    /// All items of one partition of the named index, ascending.
    pub fn index(index: &'static str, partition: impl Into<String>) -> Self {
        Query {
            index: Some(index),
            ..Query::partition(partition)
        }
    }
    pub fn sort(mut self, condition: SortCondition) -> Self {
        self.sort = Some(condition);
        self
    }
    pub fn descending(mut self) -> Self {
        self.ascending = false;
        self
    }
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }
    pub fn after(mut self, cursor: Option<Cursor>) -> Self {
        self.cursor = cursor;
        self
    }
}

/// One page of query results.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Page {
    pub items: Vec<Item>,
    /// Present when more items may follow.
    pub next: Option<Cursor>,
}

/// One write inside a transaction.
#[derive(Clone, Debug, PartialEq)]
pub enum TxOp {
    Put {
        table: Table,
        item: Item,
        condition: Condition,
    },
    Delete {
        table: Table,
        key: Key,
        condition: Condition,
    },
    /// A condition on an item that the transaction does not write.
    Check {
        table: Table,
        key: Key,
        condition: Condition,
    },
}

/// Failures a caller acts on, plus everything else as `Unavailable`.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum StoreError {
    /// A write's condition did not hold (in a transaction: any one of them), nothing was written.
    #[error("condition failed")]
    ConditionFailed,
    /// The store refused the request for load; the caller may retry later.
    #[error("throttled")]
    Throttled,
    /// The request was malformed for the store (a missing key attribute, a bad cursor).
    #[error("invalid request: {0}")]
    Invalid(String),
    /// The store could not be reached or answered with a fault.
    #[error("store unavailable: {0}")]
    Unavailable(String),
}

/// Item storage with conditional writes, key and index queries, and transactions.
#[async_trait]
pub trait ItemStore: Send + Sync {
    /// The item under `key`, if any (strongly consistent).
    async fn get(&self, table: Table, key: &Key) -> Result<Option<Item>, StoreError>;
    /// Stores `item` (which carries its key attributes) if `condition` holds.
    async fn put(&self, table: Table, item: Item, condition: Condition) -> Result<(), StoreError>;
    /// Removes the item under `key` if `condition` holds; removing nothing is not an error.
    async fn delete(&self, table: Table, key: &Key, condition: Condition)
    -> Result<(), StoreError>;
    /// One page of a partition, ordered by sort key.
    async fn query(&self, table: Table, query: &Query) -> Result<Page, StoreError>;
    /// Applies every operation or none (at most 100 operations, distinct items).
    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError>;
}

/// Reads the key of `item` under `spec`, as the store would.
pub fn key_of(spec: &TableSpec, item: &Item) -> Result<Key, StoreError> {
    let text = |attr: &str| match item.get(attr) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(StoreError::Invalid(format!(
            "item lacks string key attribute `{attr}`"
        ))),
    };
    Ok(Key {
        partition: text(spec.partition_key)?,
        sort: spec.sort_key.map(text).transpose()?,
    })
}
