//! Lambda entry point of the REST function: the DynamoDB client built once at init, then serve.

use std::sync::Arc;

use aws_adapters::{DynamoStore, sdk_config};
use domain::clock::SystemClock;
use domain::config::{ProcessEnv, TableNames};
use domain::ids::UuidIds;
use domain::leave::LeavePolicy;
use lambda_http::Error;
use leave_requests::{LeaveRequests, TABLES};

#[tokio::main]
async fn main() -> Result<(), Error> {
    edge::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &TABLES)?;
    let policy = LeavePolicy::from_env(&ProcessEnv)?;
    let config = sdk_config().await;
    let app = LeaveRequests {
        store: Arc::new(DynamoStore::at_init(&config, tables, &ProcessEnv).await?),
        clock: Arc::new(SystemClock),
        ids: Arc::new(UuidIds),
        policy,
    };
    edge::function::serve(app).await
}
