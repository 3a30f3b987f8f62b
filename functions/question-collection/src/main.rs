//! Lambda entry point: build the DynamoDB client once at init, then serve.

use std::sync::Arc;

use aws_adapters::{DynamoStore, sdk_config};
use domain::clock::SystemClock;
use domain::config::{ProcessEnv, TableNames};
use domain::exam::ExamPolicy;
use domain::ids::UuidIds;
use lambda_http::Error;
use question_collection::{QuestionCollection, TABLES};

#[tokio::main]
async fn main() -> Result<(), Error> {
    edge::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &TABLES)?;
    let policy = ExamPolicy::from_env(&ProcessEnv)?;
    let config = sdk_config().await;
    let app = QuestionCollection {
        store: Arc::new(DynamoStore::at_init(&config, tables, &ProcessEnv).await?),
        clock: Arc::new(SystemClock),
        ids: Arc::new(UuidIds),
        policy,
    };
    edge::function::serve(app).await
}
