//! Fast seeding through the repositories: a [`Recorder`] store captures the items a repo would
//! write (so the stored shape is exactly the product's), then [`flush`] writes them in
//! transactions of 100, several in flight, instead of one round trip per item.

use std::sync::Mutex;

use async_trait::async_trait;
use domain::ports::{Condition, Item, ItemStore, Key, Page, Query, StoreError, Table, TxOp};
use futures_util::{StreamExt, TryStreamExt, stream};

/// Most writes in one transaction (DynamoDB's TransactWriteItems cap).
const BATCH: usize = 100;

/// An item store that keeps every put and reads as empty. Conditions are ignored: a repo's
/// check-out after its check-in records only the final item when given the opened day.
#[derive(Default)]
pub struct Recorder {
    writes: Mutex<Vec<(Table, Item)>>,
}

impl Recorder {
    /// The recorded writes, leaving the recorder empty.
    pub fn drain(&self) -> Vec<(Table, Item)> {
        std::mem::take(&mut *self.writes.lock().expect("recorder lock"))
    }

    fn record(&self, table: Table, item: Item) {
        self.writes
            .lock()
            .expect("recorder lock")
            .push((table, item));
    }
}

#[async_trait]
impl ItemStore for Recorder {
    async fn get(&self, _: Table, _: &Key) -> Result<Option<Item>, StoreError> {
        Ok(None)
    }

    async fn put(&self, table: Table, item: Item, _: Condition) -> Result<(), StoreError> {
        self.record(table, item);
        Ok(())
    }

    async fn delete(&self, _: Table, _: &Key, _: Condition) -> Result<(), StoreError> {
        Err(StoreError::Invalid("the recorder only seeds".into()))
    }

    async fn query(&self, _: Table, _: &Query) -> Result<Page, StoreError> {
        Ok(Page::default())
    }

    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
        for op in ops {
            if let TxOp::Put { table, item, .. } = op {
                self.record(table, item);
            }
        }
        Ok(())
    }
}

/// Writes `items` to `store` as create-once puts, in transactions of 100 with `in_flight` of
/// them at a time; returns how many items were written.
pub async fn flush(
    store: &dyn ItemStore,
    items: Vec<(Table, Item)>,
    in_flight: usize,
) -> Result<usize, StoreError> {
    let total = items.len();
    let batches: Vec<Vec<TxOp>> = items
        .chunks(BATCH)
        .map(|chunk| {
            chunk
                .iter()
                .map(|(table, item)| TxOp::Put {
                    table: *table,
                    item: item.clone(),
                    condition: Condition::Absent,
                })
                .collect()
        })
        .collect();
    stream::iter(batches)
        .map(|ops| store.transact(ops))
        .buffer_unordered(in_flight.max(1))
        .try_collect::<Vec<()>>()
        .await?;
    Ok(total)
}
