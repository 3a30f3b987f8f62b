//! A decorator around the item-store port that counts what a handler asks of the store: how
//! many key reads and queries it made and how many items came back. The scaling harness uses
//! the counts to show that work grows with the rows a query addresses, never with the table.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use domain::ports::{Condition, Item, ItemStore, Key, Page, Query, StoreError, Table, TxOp};
use serde::Serialize;

/// What the store was asked since the last [`CountingStore::take`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub gets: u64,
    pub queries: u64,
    /// Items returned by gets and query pages: what DynamoDB would bill as read.
    pub items_read: u64,
    /// Items put or deleted, alone or inside transactions.
    pub items_written: u64,
}

/// Counts calls and items through to the store it wraps.
pub struct CountingStore {
    inner: Arc<dyn ItemStore>,
    gets: AtomicU64,
    queries: AtomicU64,
    items_read: AtomicU64,
    items_written: AtomicU64,
}

impl CountingStore {
    pub fn new(inner: Arc<dyn ItemStore>) -> Self {
        CountingStore {
            inner,
            gets: AtomicU64::new(0),
            queries: AtomicU64::new(0),
            items_read: AtomicU64::new(0),
            items_written: AtomicU64::new(0),
        }
    }

    /// The counts so far, resetting them to zero.
    pub fn take(&self) -> Counts {
        Counts {
            gets: self.gets.swap(0, Ordering::Relaxed),
            queries: self.queries.swap(0, Ordering::Relaxed),
            items_read: self.items_read.swap(0, Ordering::Relaxed),
            items_written: self.items_written.swap(0, Ordering::Relaxed),
        }
    }

    fn add(counter: &AtomicU64, n: usize) {
        counter.fetch_add(n as u64, Ordering::Relaxed);
    }
}

#[async_trait]
impl ItemStore for CountingStore {
    async fn get(&self, table: Table, key: &Key) -> Result<Option<Item>, StoreError> {
        Self::add(&self.gets, 1);
        let item = self.inner.get(table, key).await?;
        Self::add(&self.items_read, usize::from(item.is_some()));
        Ok(item)
    }

    async fn put(&self, table: Table, item: Item, condition: Condition) -> Result<(), StoreError> {
        Self::add(&self.items_written, 1);
        self.inner.put(table, item, condition).await
    }

    async fn delete(
        &self,
        table: Table,
        key: &Key,
        condition: Condition,
    ) -> Result<(), StoreError> {
        Self::add(&self.items_written, 1);
        self.inner.delete(table, key, condition).await
    }

    async fn query(&self, table: Table, query: &Query) -> Result<Page, StoreError> {
        Self::add(&self.queries, 1);
        let page = self.inner.query(table, query).await?;
        Self::add(&self.items_read, page.items.len());
        Ok(page)
    }

    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
        let writes = ops
            .iter()
            .filter(|op| !matches!(op, TxOp::Check { .. }))
            .count();
        Self::add(&self.items_written, writes);
        self.inner.transact(ops).await
    }
}
