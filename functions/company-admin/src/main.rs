//! Lambda entry point: build the AWS clients once at init, then serve.

use std::sync::Arc;

use aws_adapters::{CognitoDirectory, DynamoStore, RekognitionFaces, sdk_config};
use company_admin::{CompanyAdmin, TABLES};
use domain::clock::SystemClock;
use domain::config::{ProcessEnv, TableNames, required};
use domain::ids::UuidIds;
use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    edge::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &TABLES)?;
    let user_pool_id = required(&ProcessEnv, "USER_POOL_ID")?;
    let collections = required(&ProcessEnv, "FACE_COLLECTION_PREFIX")?;
    let config = sdk_config().await;
    let app = CompanyAdmin {
        store: Arc::new(DynamoStore::at_init(&config, tables, &ProcessEnv).await?),
        directory: Arc::new(CognitoDirectory::new(
            aws_sdk_cognitoidentityprovider::Client::new(&config),
            user_pool_id,
        )),
        clock: Arc::new(SystemClock),
        ids: Arc::new(UuidIds),
        faces: Arc::new(RekognitionFaces::new(
            aws_sdk_rekognition::Client::new(&config),
            collections,
        )),
    };
    edge::function::serve(app).await
}
