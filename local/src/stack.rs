//! The embedded stack's state: every stand-in adapter, opened under the state folder, and every
//! function wired to them exactly as its Lambda `main.rs` wires it to AWS.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cognito_pre_signup::{SignUpPolicy, SinglePool, Triggers};
use company_admin::CompanyAdmin;
use question_collection::QuestionCollection;
use shared::adapters::embedded::{FileBlobStore, LocalDirectory, SqliteStore};
use shared::clock::{Clock, SystemClock};
use shared::ids::UuidIds;

use crate::secrets;
use crate::tokens::{CAREERS_CLIENT, TokenIssuer};

/// Start-up errors: any of them ends the process with its message.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Everything one running stack holds.
pub struct Stack {
    pub state_dir: PathBuf,
    pub store: Arc<SqliteStore>,
    pub directory: Arc<LocalDirectory>,
    pub blobs: Arc<FileBlobStore>,
    pub tokens: TokenIssuer,
    pub clock: Arc<dyn Clock>,
    pub company_admin: CompanyAdmin,
    pub question_collection: QuestionCollection,
    pub triggers: Triggers,
}

impl Stack {
    /// Opens (creating on first run) every store under `state_dir`.
    pub fn open(state_dir: &Path, base_url: &str) -> Result<Stack> {
        std::fs::create_dir_all(state_dir.join("keys"))?;
        let store = Arc::new(SqliteStore::open(&state_dir.join("tables.sqlite3"))?);
        let directory = Arc::new(LocalDirectory::open(&state_dir.join("directory.sqlite3"))?);
        let blobs = Arc::new(FileBlobStore::new(
            state_dir.join("blobs"),
            base_url.to_string(),
            secrets::key(&state_dir.join("keys").join("blob-url.key"))?,
        ));
        let tokens =
            TokenIssuer::load_or_create(&state_dir.join("keys"), format!("{base_url}/local"))?;
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let company_admin = CompanyAdmin {
            store: store.clone(),
            directory: directory.clone(),
            clock: clock.clone(),
            ids: Arc::new(UuidIds),
        };
        let question_collection = QuestionCollection {
            store: store.clone(),
            clock: clock.clone(),
            ids: Arc::new(UuidIds),
        };
        let triggers = Triggers {
            policy: SignUpPolicy::from_env(&BTreeMap::from([
                (
                    "APPLICANT_CLIENT_NAME".to_string(),
                    CAREERS_CLIENT.to_string(),
                ),
                (
                    "BLOCKED_EMAIL_DOMAINS".to_string(),
                    std::env::var("BLOCKED_EMAIL_DOMAINS")
                        .unwrap_or_else(|_| "mailinator.com".into()),
                ),
            ]))?,
            directories: Arc::new(SinglePool(directory.clone())),
        };
        Ok(Stack {
            state_dir: state_dir.to_path_buf(),
            store,
            directory,
            blobs,
            tokens,
            clock,
            company_admin,
            question_collection,
            triggers,
        })
    }
}
