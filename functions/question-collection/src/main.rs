//! Lambda entry point: build the DynamoDB client once at init, then serve.

use std::sync::Arc;

use lambda_http::Error;
use question_collection::{QuestionCollection, TABLES};
use shared::adapters::aws::{DynamoStore, sdk_config};
use shared::clock::SystemClock;
use shared::config::{ProcessEnv, TableNames};
use shared::exam::ExamPolicy;
use shared::ids::UuidIds;

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &TABLES)?;
    let policy = ExamPolicy::from_env(&ProcessEnv)?;
    let config = sdk_config().await;
    let app = QuestionCollection {
        store: Arc::new(DynamoStore::at_init(&config, tables, &ProcessEnv).await?),
        clock: Arc::new(SystemClock),
        ids: Arc::new(UuidIds),
        policy,
    };
    shared::function::serve(app).await
}
