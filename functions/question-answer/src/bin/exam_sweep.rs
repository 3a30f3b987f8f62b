//! Lambda entry point of the scheduled sweep: the EventBridge event carries nothing we need.

use aws_adapters::{DynamoStore, sdk_config};
use domain::clock::SystemClock;
use domain::config::{ProcessEnv, TableNames};
use lambda_runtime::{Error, LambdaEvent, service_fn};
use question_answer::{SWEEP_TABLES, sweep};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Error> {
    edge::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &SWEEP_TABLES)?;
    let config = sdk_config().await;
    let store = DynamoStore::at_init(&config, tables, &ProcessEnv).await?;
    lambda_runtime::run(service_fn(|_: LambdaEvent<Value>| async {
        let finalised = sweep(&store, &SystemClock).await?;
        Ok::<_, Error>(json!({ "finalised": finalised }))
    }))
    .await
}
