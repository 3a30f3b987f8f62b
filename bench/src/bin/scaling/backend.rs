//! The two item stores the scaling cases run on: a SQLite file (the embedded adapter) and the
//! DynamoDB adapter against moto. Each case gets fresh, empty tables.

use std::path::PathBuf;
use std::sync::Arc;

use aws_adapters::{DynamoStore, create_tables};
use bench::batch_seed::flush;
use domain::config::TableNames;
use domain::ports::{Item, ItemStore, Table};
use embedded_adapters::SqliteStore;

use crate::dynamo_batch::batch_put;

pub enum Backend {
    Sqlite,
    /// A client aimed at the emulator.
    Moto(aws_sdk_dynamodb::Client),
}

/// A fresh store, and the folder to remove afterwards (SQLite only).
pub struct Fresh {
    pub store: Arc<dyn ItemStore>,
    dir: Option<PathBuf>,
    /// On moto, seeding bypasses the port's transactions (see `dynamo_batch`).
    moto: Option<(aws_sdk_dynamodb::Client, TableNames)>,
}

impl Fresh {
    /// Writes the items the repositories recorded; returns how many.
    pub async fn seed(&self, items: Vec<(Table, Item)>) -> Result<usize, String> {
        match &self.moto {
            Some((client, names)) => batch_put(client, names, items).await,
            None => flush(self.store.as_ref(), items, 1)
                .await
                .map_err(|e| e.to_string()),
        }
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "embedded (SQLite)",
            Backend::Moto(_) => "DynamoDB adapter on moto",
        }
    }

    /// Empty tables named for `label`.
    pub async fn fresh(&self, label: &str) -> Result<Fresh, String> {
        match self {
            Backend::Sqlite => {
                let dir = testkit::temp_dir(&format!("bench-scaling-{label}"));
                let store = SqliteStore::open(&dir.join("tables.sqlite3"))
                    .map_err(|e| format!("sqlite: {e}"))?;
                Ok(Fresh {
                    store: Arc::new(store),
                    dir: Some(dir),
                    moto: None,
                })
            }
            Backend::Moto(client) => {
                let names = TableNames::prefixed(&format!("{label}-"));
                create_tables(client, &names)
                    .await
                    .map_err(|e| format!("creating tables on moto: {e}"))?;
                Ok(Fresh {
                    store: Arc::new(DynamoStore::new(client.clone(), names.clone())),
                    dir: None,
                    moto: Some((client.clone(), names)),
                })
            }
        }
    }
}
