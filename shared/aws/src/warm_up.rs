//! Opening the connection to DynamoDB during init instead of during the first invoke.
//!
//! The SDK builds its HTTP connector, loads the TLS root store and opens the connection lazily,
//! on the first call. Lambda runs init at full CPU (an invoke at 128 MB gets a fraction of a
//! core), so paying for that set-up before the first `next` shortens the first request a user
//! waits on. `make bench-cold` measures both ways against a TLS endpoint (`WARM_UP_AT_INIT`).

use std::time::{Duration, Instant};

use super::DynamoStore;
use domain::config::{ConfigError, TableNames, VarSource, parsed_or};
use domain::ports::{ItemStore, Key};

/// `false` leaves the first connection to the first invoke; on by default.
pub const WARM_UP_VAR: &str = "WARM_UP_AT_INIT";

/// A warm-up that outlasts this is abandoned: init must never wait on an unreachable service,
/// and the first invoke then reports the real error to its caller.
const WARM_UP_LIMIT: Duration = Duration::from_secs(2);

/// A partition key no item can have: ids never contain `/` (`edge::http::checked_id`).
const NEVER_A_KEY: &str = "warm-up/never-an-item";

impl DynamoStore {
    /// The store a function builds at init: a client on the shared SDK configuration, its
    /// connection already open (see [`DynamoStore::warm_up`]).
    pub async fn at_init(
        config: &aws_config::SdkConfig,
        names: TableNames,
        env: &dyn VarSource,
    ) -> Result<Self, ConfigError> {
        let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(config), names);
        store.warm_up(env).await?;
        Ok(store)
    }

    /// Unless `WARM_UP_AT_INIT=false`, reads a key that never exists in the function's first
    /// table, which sets up the SDK's connector and the pooled TLS connection the handlers then
    /// reuse. A failure is logged, never fatal: it is the first request's to report.
    pub async fn warm_up(&self, env: &dyn VarSource) -> Result<(), ConfigError> {
        if !parsed_or(env, WARM_UP_VAR, true)? {
            return Ok(());
        }
        let Some(table) = self.tables().next() else {
            return Ok(());
        };
        let key = Key {
            partition: NEVER_A_KEY.into(),
            sort: table.spec().sort_key.map(|_| NEVER_A_KEY.into()),
        };
        let started = Instant::now();
        let outcome = tokio::time::timeout(WARM_UP_LIMIT, self.get(table, &key)).await;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        match outcome {
            Ok(Ok(_)) => tracing::info!(elapsed_ms, table = table.name(), "connection warmed up"),
            Ok(Err(e)) => tracing::warn!(elapsed_ms, error = %e, "warm-up read failed"),
            Err(_) => tracing::warn!(elapsed_ms, "warm-up read abandoned"),
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "warm_up_tests.rs"]
mod tests;
