//! WAL checkpoints off the request path. Left to SQLite, the commit that fills the write-ahead
//! log past a thousand pages copies it into the database file and syncs it, inside that
//! request: `make bench` saw POST /leave-requests at p50 0.19 ms but p99 4.7 ms, and 0.48 ms
//! with that checkpoint turned off. So the store's own connection never checkpoints, and a
//! thread with its own connection does it every `EVERY`, passively (it never blocks a writer).

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use super::sqlite::fault;
use domain::ports::StoreError;

/// How often the log is folded into the database file.
pub const EVERY: Duration = Duration::from_millis(250);

/// The background checkpointer of one database file; stops when dropped.
pub struct Checkpointer {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Turns off checkpoints in `conn`'s commits and starts checkpointing `path` every `every`.
    pub fn start(conn: &Connection, path: &Path, every: Duration) -> Result<Self, StoreError> {
        conn.pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(fault)?;
        let own = Connection::open(path).map_err(fault)?;
        own.busy_timeout(Duration::from_secs(5)).map_err(fault)?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                    fold(&own);
                }
                // One last fold, so a clean stop leaves the log empty.
                fold(&own);
            })
            .map_err(|e| StoreError::Unavailable(format!("checkpoint thread: {e}")))?;
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

fn fold(conn: &Connection) {
    // PASSIVE copies what no reader still needs and never waits on a writer; a busy result
    // only means the rest waits for the next turn.
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
        tracing::debug!(error = %e, "WAL checkpoint deferred");
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// A WAL database with the checkpointer on, and a reader of its main file's length.
    fn database(label: &str, every: Duration) -> (Connection, Checkpointer, impl Fn() -> u64) {
        let path = testkit::temp_dir(label).join("store.sqlite3");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t (v BLOB);")
            .unwrap();
        let checkpoints = Checkpointer::start(&conn, &path, every).unwrap();
        (conn, checkpoints, move || {
            std::fs::metadata(&path).unwrap().len()
        })
    }

    /// About 2,000 pages of commits: SQLite alone folds the log at 1,000.
    fn write_8_mb(conn: &Connection) {
        for _ in 0..500 {
            conn.execute("INSERT INTO t VALUES (zeroblob(16000))", [])
                .unwrap();
        }
    }

    #[test]
    fn commits_never_fold_the_log_and_a_stop_does() {
        let (conn, checkpoints, db_len) = database("checkpoint-stop", Duration::from_secs(3600));
        write_8_mb(&conn);
        assert!(
            db_len() < 100_000,
            "a commit folded the log into the database file"
        );
        drop(checkpoints);
        assert!(db_len() > 8_000_000, "stopping folds what is left");
    }

    #[test]
    fn the_item_store_leaves_its_log_to_a_checkpointer() {
        let path = testkit::temp_dir("checkpoint-store").join("tables.sqlite3");
        let store = super::super::SqliteStore::open(&path).unwrap();
        let pages: i64 = store
            .with(|conn| {
                conn.pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))
                    .map_err(fault)
            })
            .unwrap();
        assert_eq!(pages, 0, "the store's own commits would checkpoint");
    }

    #[test]
    fn the_background_folds_the_log_while_the_store_runs() {
        let (conn, _checkpoints, db_len) = database("checkpoint-run", Duration::from_millis(10));
        write_8_mb(&conn);
        let deadline = Instant::now() + Duration::from_secs(10);
        while db_len() < 8_000_000 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(db_len() > 8_000_000, "no fold within 10 s");
    }
}
