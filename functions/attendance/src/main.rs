//! Lambda entry point: DynamoDB, S3 and Rekognition clients built once at init, then serve.

use std::sync::Arc;

use attendance::{Attendance, PunchPolicy, TABLES};
use aws_adapters::{DynamoStore, RekognitionFaces, S3BlobStore, sdk_config};
use domain::clock::SystemClock;
use domain::config::{ProcessEnv, TableNames, required};
use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    edge::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &TABLES)?;
    let bucket = required(&ProcessEnv, "PHOTO_BUCKET")?;
    let policy = PunchPolicy::from_env(&ProcessEnv)?;
    let collections = required(&ProcessEnv, "FACE_COLLECTION_PREFIX")?;
    let config = sdk_config().await;
    let app = Attendance {
        store: Arc::new(DynamoStore::at_init(&config, tables, &ProcessEnv).await?),
        blobs: Arc::new(S3BlobStore::new(aws_sdk_s3::Client::new(&config), bucket)),
        faces: Arc::new(RekognitionFaces::new(
            aws_sdk_rekognition::Client::new(&config),
            collections,
        )),
        clock: Arc::new(SystemClock),
        policy,
    };
    edge::function::serve(app).await
}
