//! The item-store port on SQLite: one table per logical table, keyed by (pk, sk), the item as
//! JSON, and an expression index per global secondary index, so queries stay key lookups.

use std::path::Path;
use std::sync::Mutex;

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rusqlite::{Connection, OptionalExtension, params_from_iter, types::Value as Sql};
use serde_json::Value;

use super::checkpoint::{self, Checkpointer};
use super::stream;
use domain::ports::item_size::MAX_TRANSACTION_BYTES;
use domain::ports::tables::key_of;
use domain::ports::{
    Condition, Cursor, Item, ItemStore, Key, Page, Query, SortCondition, StoreError, Table, TxOp,
    check_item_size, item_size,
};

/// A SQLite file holding every table.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// Folds the write-ahead log into the file, so no request's commit has to.
    _checkpoints: Checkpointer,
}

pub(super) fn fault(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy => {
            StoreError::Throttled
        }
        other => StoreError::Unavailable(other.to_string()),
    }
}

/// `json_extract` of a top-level attribute; attribute names are the schema's own constants.
fn attr(name: &str) -> String {
    format!("json_extract(body, '$.\"{name}\"')")
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` with every table and index.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        }
        let conn = Connection::open(path).map_err(fault)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(fault)?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
            .map_err(fault)?;
        for table in Table::ALL {
            let spec = table.spec();
            let name = table.name();
            conn.execute_batch(&format!(
                "CREATE TABLE IF NOT EXISTS \"{name}\" (pk TEXT NOT NULL, sk TEXT NOT NULL, body TEXT NOT NULL, \
                 PRIMARY KEY (pk, sk)) WITHOUT ROWID;"
            ))
            .map_err(fault)?;
            for index in spec.indexes {
                let sort = index
                    .sort_key
                    .map(|s| format!("{}, ", attr(s)))
                    .unwrap_or_default();
                conn.execute_batch(&format!(
                    "CREATE INDEX IF NOT EXISTS \"{name}_{}\" ON \"{name}\" ({}, {sort}pk, sk);",
                    index.name,
                    attr(index.partition_key)
                ))
                .map_err(fault)?;
            }
        }
        stream::create(&conn)?;
        let checkpoints = Checkpointer::start(&conn, path, checkpoint::EVERY)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            _checkpoints: checkpoints,
        })
    }

    pub(super) fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut conn)
    }
}

fn sort_of(key: &Key) -> &str {
    key.sort.as_deref().unwrap_or("")
}

fn check_key_shape(table: Table, key: &Key) -> Result<(), StoreError> {
    if key.partition.is_empty() || table.spec().sort_key.is_some() != key.sort.is_some() {
        return Err(StoreError::Invalid(format!(
            "key does not match the schema of {}",
            table.name()
        )));
    }
    Ok(())
}

fn read(conn: &Connection, table: Table, key: &Key) -> Result<Option<Item>, StoreError> {
    let body: Option<String> = conn
        .query_row(
            &format!(
                "SELECT body FROM \"{}\" WHERE pk = ?1 AND sk = ?2",
                table.name()
            ),
            [&key.partition, sort_of(key)],
            |r| r.get(0),
        )
        .optional()
        .map_err(fault)?;
    body.map(|b| serde_json::from_str(&b).map_err(|e| StoreError::Unavailable(e.to_string())))
        .transpose()
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) if a.is_number() && b.is_number() => x == y,
        _ => a == b,
    }
}

fn holds(condition: &Condition, current: Option<&Item>) -> bool {
    match condition {
        Condition::Always => true,
        Condition::Absent => current.is_none(),
        Condition::Present => current.is_some(),
        Condition::Equals(pairs) => current.is_some_and(|item| {
            pairs
                .iter()
                .all(|(k, v)| item.get(k).is_some_and(|have| same(have, v)))
        }),
    }
}

fn check(
    conn: &Connection,
    table: Table,
    key: &Key,
    condition: &Condition,
) -> Result<(), StoreError> {
    if *condition == Condition::Always {
        return Ok(());
    }
    if holds(condition, read(conn, table, key)?.as_ref()) {
        Ok(())
    } else {
        Err(StoreError::ConditionFailed)
    }
}

fn write(conn: &Connection, table: Table, key: &Key, item: &Item) -> Result<(), StoreError> {
    let old = if table.spec().stream {
        read(conn, table, key)?
    } else {
        None
    };
    let body = serde_json::to_string(item).map_err(|e| StoreError::Invalid(e.to_string()))?;
    conn.execute(
        &format!(
            "INSERT OR REPLACE INTO \"{}\" (pk, sk, body) VALUES (?1, ?2, ?3)",
            table.name()
        ),
        [&key.partition, sort_of(key), &body],
    )
    .map_err(fault)?;
    if table.spec().stream {
        stream::record(conn, table, key, old, Some(item.clone()))?;
    }
    Ok(())
}

fn remove(conn: &Connection, table: Table, key: &Key) -> Result<(), StoreError> {
    let old = if table.spec().stream {
        read(conn, table, key)?
    } else {
        None
    };
    conn.execute(
        &format!("DELETE FROM \"{}\" WHERE pk = ?1 AND sk = ?2", table.name()),
        [&key.partition, sort_of(key)],
    )
    .map_err(fault)?;
    if old.is_some() {
        stream::record(conn, table, key, old, None)?;
    }
    Ok(())
}

/// Position after the last item of a page: table key plus index key when querying an index.
#[derive(serde::Serialize, serde::Deserialize)]
struct Position {
    pk: String,
    sk: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    isk: Option<String>,
}

fn encode_cursor(p: &Position) -> Cursor {
    Cursor(URL_SAFE_NO_PAD.encode(serde_json::to_vec(p).unwrap_or_default()))
}

fn decode_cursor(c: &Cursor) -> Result<Position, StoreError> {
    URL_SAFE_NO_PAD
        .decode(&c.0)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| StoreError::Invalid("malformed cursor".into()))
}

fn run_query(conn: &Connection, table: Table, q: &Query) -> Result<Page, StoreError> {
    let spec = table.spec();
    let (part_expr, sort_expr) = match q.index {
        None => ("pk".to_string(), spec.sort_key.map(|_| "sk".to_string())),
        Some(name) => {
            let index = spec.index(name).ok_or_else(|| {
                StoreError::Invalid(format!("{} has no index `{name}`", table.name()))
            })?;
            (attr(index.partition_key), index.sort_key.map(attr))
        }
    };
    let mut sql = format!(
        "SELECT pk, sk, body{} FROM \"{}\" WHERE {part_expr} = ?",
        sort_expr
            .as_ref()
            .map(|s| format!(", {s}"))
            .unwrap_or_else(|| ", NULL".into()),
        table.name()
    );
    let mut args: Vec<Sql> = vec![Sql::Text(q.partition.clone())];
    if let Some(cond) = &q.sort {
        let s = sort_expr.as_deref().ok_or_else(|| {
            StoreError::Invalid("sort condition on a key without sort key".into())
        })?;
        match cond {
            SortCondition::Equals(v) => {
                sql += &format!(" AND {s} = ?");
                args.push(Sql::Text(v.clone()));
            }
            SortCondition::BeginsWith(p) => {
                sql += &format!(" AND {s} >= ? AND substr({s}, 1, length(?)) = ?");
                args.extend([
                    Sql::Text(p.clone()),
                    Sql::Text(p.clone()),
                    Sql::Text(p.clone()),
                ]);
            }
            SortCondition::Between(a, b) => {
                sql += &format!(" AND {s} BETWEEN ? AND ?");
                args.extend([Sql::Text(a.clone()), Sql::Text(b.clone())]);
            }
        }
    }
    // A global secondary index holds only items that carry its sort key.
    if let (Some(_), Some(s)) = (q.index, &sort_expr) {
        sql += &format!(" AND {s} IS NOT NULL");
    }
    // Order: the queried sort key, then the table key, which makes every position unique.
    let order_cols: Vec<String> = match (q.index, &sort_expr) {
        (Some(_), Some(s)) => vec![s.clone(), "pk".into(), "sk".into()],
        (Some(_), None) => vec!["pk".into(), "sk".into()],
        (None, _) => vec!["sk".into()],
    };
    if let Some(c) = &q.cursor {
        let pos = decode_cursor(c)?;
        let mut values = Vec::new();
        if q.index.is_some() {
            if sort_expr.is_some() {
                values.push(Sql::Text(
                    pos.isk
                        .clone()
                        .ok_or_else(|| StoreError::Invalid("malformed cursor".into()))?,
                ));
            }
            values.extend([Sql::Text(pos.pk), Sql::Text(pos.sk)]);
        } else {
            values.push(Sql::Text(pos.sk));
        }
        let op = if q.ascending { ">" } else { "<" };
        let marks = vec!["?"; values.len()].join(", ");
        sql += &format!(" AND ({}) {op} ({marks})", order_cols.join(", "));
        args.extend(values);
    }
    let dir = if q.ascending { "ASC" } else { "DESC" };
    sql += &format!(
        " ORDER BY {}",
        order_cols
            .iter()
            .map(|c| format!("{c} {dir}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(limit) = q.limit {
        // One extra row tells whether another page exists.
        sql += &format!(" LIMIT {}", limit + 1);
    }
    let mut stmt = conn.prepare(&sql).map_err(fault)?;
    let rows = stmt
        .query_map(params_from_iter(args), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })
        .map_err(fault)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(fault)?;
    let mut page = Page::default();
    let more = q.limit.is_some_and(|l| rows.len() > l);
    let take = q.limit.unwrap_or(rows.len()).min(rows.len());
    for (pk, sk, body, isk) in rows.into_iter().take(take) {
        let item: Item =
            serde_json::from_str(&body).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        page.items.push(item);
        if more {
            page.next = Some(encode_cursor(&Position { pk, sk, isk }));
        }
    }
    Ok(page)
}

#[async_trait]
impl ItemStore for SqliteStore {
    async fn get(&self, table: Table, key: &Key) -> Result<Option<Item>, StoreError> {
        check_key_shape(table, key)?;
        self.with(|c| read(c, table, key))
    }

    async fn put(&self, table: Table, item: Item, condition: Condition) -> Result<(), StoreError> {
        let key = key_of(&table.spec(), &item)?;
        check_item_size(&item)?;
        self.with(|c| {
            let tx = c
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(fault)?;
            check(&tx, table, &key, &condition)?;
            write(&tx, table, &key, &item)?;
            tx.commit().map_err(fault)
        })
    }

    async fn delete(
        &self,
        table: Table,
        key: &Key,
        condition: Condition,
    ) -> Result<(), StoreError> {
        check_key_shape(table, key)?;
        self.with(|c| {
            let tx = c
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(fault)?;
            check(&tx, table, key, &condition)?;
            remove(&tx, table, key)?;
            tx.commit().map_err(fault)
        })
    }

    async fn query(&self, table: Table, query: &Query) -> Result<Page, StoreError> {
        self.with(|c| run_query(c, table, query))
    }

    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
        if ops.is_empty() || ops.len() > 100 {
            return Err(StoreError::Invalid(
                "a transaction holds 1 to 100 operations".into(),
            ));
        }
        let mut targets = Vec::with_capacity(ops.len());
        let mut written = 0;
        for op in &ops {
            let target = match op {
                TxOp::Put { table, item, .. } => {
                    check_item_size(item)?;
                    written += item_size(item);
                    (*table, key_of(&table.spec(), item)?)
                }
                TxOp::Delete { table, key, .. } | TxOp::Check { table, key, .. } => {
                    check_key_shape(*table, key)?;
                    (*table, key.clone())
                }
            };
            if targets.contains(&target) {
                return Err(StoreError::Invalid(
                    "a transaction may touch each item once".into(),
                ));
            }
            targets.push(target);
        }
        if written > MAX_TRANSACTION_BYTES {
            return Err(StoreError::Invalid(format!(
                "Transaction request cannot be larger than 4 MB ({written} bytes)"
            )));
        }
        self.with(|c| {
            let tx = c
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(fault)?;
            for (op, (table, key)) in ops.iter().zip(&targets) {
                let condition = match op {
                    TxOp::Put { condition, .. }
                    | TxOp::Delete { condition, .. }
                    | TxOp::Check { condition, .. } => condition,
                };
                check(&tx, *table, key, condition)?;
            }
            for (op, (table, key)) in ops.iter().zip(&targets) {
                match op {
                    TxOp::Put { item, .. } => write(&tx, *table, key, item)?,
                    TxOp::Delete { .. } => remove(&tx, *table, key)?,
                    TxOp::Check { .. } => {}
                }
            }
            tx.commit().map_err(fault)
        })
    }
}
