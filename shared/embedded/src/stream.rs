//! DynamoDB Streams on SQLite: every change to a table whose spec has a stream is appended, in
//! the same transaction as the change, to a durable ordered log (new and old images), which the
//! local stack reads like Lambda's event source mapping, keeping a checkpoint per consumer.

use aws_lambda_events::event::dynamodb::{EventRecord, StreamRecord, StreamViewType};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use super::sqlite::{SqliteStore, fault};
use domain::ports::{Item, Key, StoreError, Table};

/// One change, as a `NEW_AND_OLD_IMAGES` stream record holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamChange {
    /// Increasing across the whole store; the record's sequence number.
    pub sequence: i64,
    pub table: Table,
    /// `INSERT`, `MODIFY` or `REMOVE`.
    pub event_name: String,
    pub keys: Key,
    pub old_image: Option<Item>,
    pub new_image: Option<Item>,
    pub at: DateTime<Utc>,
}

pub(super) fn create(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS _stream (seq INTEGER PRIMARY KEY AUTOINCREMENT, \
         tbl TEXT NOT NULL, event_name TEXT NOT NULL, pk TEXT NOT NULL, sk TEXT, \
         old_image TEXT, new_image TEXT, at TEXT NOT NULL); \
         CREATE TABLE IF NOT EXISTS _stream_checkpoint (consumer TEXT PRIMARY KEY, seq INTEGER NOT NULL);",
    )
    .map_err(fault)
}

fn text(item: &Option<Item>) -> Result<Option<String>, StoreError> {
    item.as_ref()
        .map(|i| serde_json::to_string(i).map_err(|e| StoreError::Invalid(e.to_string())))
        .transpose()
}

/// Appends the change of `key` from `old` to `new`; like DynamoDB, a write that changes nothing
/// leaves no record.
pub(super) fn record(
    conn: &Connection,
    table: Table,
    key: &Key,
    old: Option<Item>,
    new: Option<Item>,
) -> Result<(), StoreError> {
    let event_name = match (&old, &new) {
        (None, Some(_)) => "INSERT",
        (Some(o), Some(n)) if o == n => return Ok(()),
        (Some(_), Some(_)) => "MODIFY",
        (Some(_), None) => "REMOVE",
        (None, None) => return Ok(()),
    };
    conn.execute(
        "INSERT INTO _stream (tbl, event_name, pk, sk, old_image, new_image, at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![
            table.name(),
            event_name,
            key.partition,
            key.sort,
            text(&old)?,
            text(&new)?,
            Utc::now().to_rfc3339(),
        ],
    )
    .map_err(fault)?;
    Ok(())
}

fn image(text: Option<String>) -> Result<Option<Item>, StoreError> {
    text.map(|t| serde_json::from_str(&t).map_err(|e| StoreError::Unavailable(e.to_string())))
        .transpose()
}

impl StreamChange {
    /// The record DynamoDB Streams would deliver to Lambda for this change.
    pub fn to_event_record(&self) -> Result<EventRecord, StoreError> {
        let spec = self.table.spec();
        let mut keys = serde_json::Map::new();
        keys.insert(
            spec.partition_key.into(),
            self.keys.partition.clone().into(),
        );
        if let (Some(name), Some(sort)) = (spec.sort_key, &self.keys.sort) {
            keys.insert(name.into(), sort.clone().into());
        }
        let attributes = |item: Option<&Item>| -> Result<serde_dynamo::Item, StoreError> {
            match item {
                Some(i) => serde_dynamo::to_item(i)
                    .map_err(|e| StoreError::Invalid(format!("stream image: {e}"))),
                None => Ok(serde_dynamo::Item::default()),
            }
        };
        let mut change = StreamRecord::default();
        change.approximate_creation_date_time = self.at;
        change.keys = attributes(Some(&keys))?;
        change.new_image = attributes(self.new_image.as_ref())?;
        change.old_image = attributes(self.old_image.as_ref())?;
        change.sequence_number = Some(format!("{:021}", self.sequence));
        change.size_bytes = serde_json::to_string(&self.new_image)
            .map(|s| s.len() as i64)
            .unwrap_or_default();
        change.stream_view_type = Some(StreamViewType::NewAndOldImages);
        let mut record = EventRecord::default();
        record.aws_region = "local".into();
        record.event_id = format!("{}", self.sequence);
        record.event_name = self.event_name.clone();
        record.event_source = Some("aws:dynamodb".into());
        record.event_version = Some("1.1".into());
        record.event_source_arn = Some(format!(
            "arn:aws:dynamodb:local:000000000000:table/{}/stream/local",
            self.table.name()
        ));
        record.change = change;
        Ok(record)
    }
}

impl SqliteStore {
    /// Up to `limit` changes of `table` after sequence `after`, oldest first.
    pub fn stream_after(
        &self,
        table: Table,
        after: i64,
        limit: usize,
    ) -> Result<Vec<StreamChange>, StoreError> {
        self.with(|c| {
            let mut statement = c
                .prepare(
                    "SELECT seq, event_name, pk, sk, old_image, new_image, at FROM _stream \
                     WHERE tbl = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
                )
                .map_err(fault)?;
            let rows = statement
                .query_map(rusqlite::params![table.name(), after, limit as i64], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                })
                .map_err(fault)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(fault)?;
            rows.into_iter()
                .map(|(sequence, event_name, pk, sk, old, new, at)| {
                    Ok(StreamChange {
                        sequence,
                        table,
                        event_name,
                        keys: Key {
                            partition: pk,
                            sort: sk,
                        },
                        old_image: image(old)?,
                        new_image: image(new)?,
                        at: DateTime::parse_from_rfc3339(&at)
                            .map(|t| t.with_timezone(&Utc))
                            .unwrap_or_default(),
                    })
                })
                .collect()
        })
    }

    /// The last sequence `consumer` has processed (0 before its first).
    pub fn checkpoint(&self, consumer: &str) -> Result<i64, StoreError> {
        self.with(|c| {
            c.query_row(
                "SELECT seq FROM _stream_checkpoint WHERE consumer = ?1",
                [consumer],
                |r| r.get(0),
            )
            .optional()
            .map(Option::unwrap_or_default)
            .map_err(fault)
        })
    }

    /// Records that `consumer` is done with everything up to `sequence`.
    pub fn set_checkpoint(&self, consumer: &str, sequence: i64) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO _stream_checkpoint (consumer, seq) VALUES (?1, ?2) \
                 ON CONFLICT(consumer) DO UPDATE SET seq = excluded.seq",
                rusqlite::params![consumer, sequence],
            )
            .map(|_| ())
            .map_err(fault)
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use domain::ports::{Condition, ItemStore};

    fn item(value: serde_json::Value) -> Item {
        value.as_object().cloned().unwrap()
    }

    #[tokio::test]
    async fn changes_to_streamed_tables_are_logged_in_order_with_both_images() {
        let store = SqliteStore::open(&testkit::temp_dir("stream").join("t.sqlite3")).unwrap();
        let first = item(json!({"uid": "u", "attempt_id": "a", "status": "in_progress"}));
        let second = item(json!({"uid": "u", "attempt_id": "a", "status": "submitted"}));
        store
            .put(Table::ExamAttempts, first.clone(), Condition::Absent)
            .await
            .unwrap();
        store
            .put(Table::ExamAttempts, first.clone(), Condition::Always)
            .await
            .unwrap();
        store
            .put(Table::ExamAttempts, second.clone(), Condition::Always)
            .await
            .unwrap();
        store
            .delete(
                Table::ExamAttempts,
                &Key::with_sort("u", "a"),
                Condition::Always,
            )
            .await
            .unwrap();
        // A table without a stream leaves no record.
        store
            .put(
                Table::Companies,
                item(json!({"company_id": "c"})),
                Condition::Always,
            )
            .await
            .unwrap();
        let changes = store.stream_after(Table::ExamAttempts, 0, 10).unwrap();
        let names: Vec<&str> = changes.iter().map(|c| c.event_name.as_str()).collect();
        assert_eq!(
            names,
            ["INSERT", "MODIFY", "REMOVE"],
            "the no-op put is skipped"
        );
        assert_eq!(changes[1].old_image, Some(first));
        assert_eq!(changes[1].new_image, Some(second));
        assert!(changes.windows(2).all(|w| w[0].sequence < w[1].sequence));

        // As Lambda would receive it: typed attribute values, both images, the sequence number.
        let record = changes[1].to_event_record().unwrap();
        let wire = serde_json::to_value(&record).unwrap();
        assert_eq!(
            wire["dynamodb"]["NewImage"]["status"],
            json!({"S": "submitted"})
        );
        assert_eq!(wire["dynamodb"]["Keys"]["attempt_id"], json!({"S": "a"}));
        assert_eq!(wire["eventName"], "MODIFY");

        assert_eq!(store.checkpoint("mailer").unwrap(), 0);
        store.set_checkpoint("mailer", changes[1].sequence).unwrap();
        let rest = store
            .stream_after(Table::ExamAttempts, store.checkpoint("mailer").unwrap(), 10)
            .unwrap();
        assert_eq!(rest.len(), 1);
    }
}
