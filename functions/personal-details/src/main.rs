//! Lambda entry point: build the DynamoDB and S3 clients once at init, then serve.

use std::sync::Arc;

use lambda_http::Error;
use personal_details::{PersonalDetails, TABLES};
use shared::adapters::aws::{DynamoStore, S3BlobStore, sdk_config};
use shared::clock::SystemClock;
use shared::config::{ProcessEnv, TableNames, required};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &TABLES)?;
    let bucket = required(&ProcessEnv, "CV_BUCKET")?;
    let config = sdk_config().await;
    let app = PersonalDetails {
        store: Arc::new(DynamoStore::at_init(&config, tables, &ProcessEnv).await?),
        blobs: Arc::new(S3BlobStore::new(aws_sdk_s3::Client::new(&config), bucket)),
        clock: Arc::new(SystemClock),
    };
    shared::function::serve(app).await
}
