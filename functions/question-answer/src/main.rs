//! Lambda entry point: build the DynamoDB client once at init, then serve.

use std::sync::Arc;

use aws_adapters::{DynamoStore, sdk_config};
use domain::clock::SystemClock;
use domain::config::{ProcessEnv, TableNames};
use lambda_http::Error;
use question_answer::{QuestionAnswer, TABLES};

#[tokio::main]
async fn main() -> Result<(), Error> {
    edge::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &TABLES)?;
    let config = sdk_config().await;
    let app = QuestionAnswer {
        store: Arc::new(DynamoStore::at_init(&config, tables, &ProcessEnv).await?),
        clock: Arc::new(SystemClock),
    };
    edge::function::serve(app).await
}
