//! Lambda entry point: build the DynamoDB, S3 and Cognito clients once at init, then serve.

use std::sync::Arc;

use aws_adapters::{CognitoDirectory, DynamoStore, S3BlobStore, sdk_config};
use domain::clock::SystemClock;
use domain::config::{ProcessEnv, TableNames, required};
use lambda_http::Error;
use personal_details::{PersonalDetails, TABLES};

#[tokio::main]
async fn main() -> Result<(), Error> {
    edge::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &TABLES)?;
    let bucket = required(&ProcessEnv, "CV_BUCKET")?;
    let user_pool_id = required(&ProcessEnv, "USER_POOL_ID")?;
    let config = sdk_config().await;
    let app = PersonalDetails {
        store: Arc::new(DynamoStore::at_init(&config, tables, &ProcessEnv).await?),
        blobs: Arc::new(S3BlobStore::new(aws_sdk_s3::Client::new(&config), bucket)),
        directory: Arc::new(CognitoDirectory::new(
            aws_sdk_cognitoidentityprovider::Client::new(&config),
            user_pool_id,
        )),
        clock: Arc::new(SystemClock),
    };
    edge::function::serve(app).await
}
