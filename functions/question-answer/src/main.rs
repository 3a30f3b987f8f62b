//! Lambda entry point: build the DynamoDB client once at init, then serve.

use std::sync::Arc;

use lambda_http::Error;
use question_answer::{QuestionAnswer, TABLES};
use shared::adapters::aws::{DynamoStore, sdk_config};
use shared::clock::SystemClock;
use shared::config::{ProcessEnv, TableNames};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &TABLES)?;
    let config = sdk_config().await;
    let app = QuestionAnswer {
        store: Arc::new(DynamoStore::at_init(&config, tables, &ProcessEnv).await?),
        clock: Arc::new(SystemClock),
    };
    shared::function::serve(app).await
}
