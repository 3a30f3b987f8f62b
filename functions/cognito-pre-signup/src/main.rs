//! Lambda entry point: build the Cognito client once at init, then serve trigger events.

use std::sync::Arc;

use aws_adapters::{CognitoDirectory, DynamoStore, sdk_config};
use cognito_pre_signup::{PoolDirectories, SignUpPolicy, TABLES, Triggers};
use domain::clock::SystemClock;
use domain::config::{ProcessEnv, TableNames};
use domain::ports::UserDirectory;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::Value;

/// Cognito directories sharing one SDK client.
struct CognitoPools(aws_sdk_cognitoidentityprovider::Client);

impl PoolDirectories for CognitoPools {
    fn for_pool(&self, user_pool_id: &str) -> Arc<dyn UserDirectory> {
        Arc::new(CognitoDirectory::new(
            self.0.clone(),
            user_pool_id.to_string(),
        ))
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    edge::telemetry::init_json_logs();
    let policy = SignUpPolicy::from_env(&ProcessEnv)?;
    let tables = TableNames::from_env(&ProcessEnv, &TABLES)?;
    let config = sdk_config().await;
    let triggers = Triggers {
        policy,
        store: Arc::new(DynamoStore::at_init(&config, tables, &ProcessEnv).await?),
        clock: Arc::new(SystemClock),
        directories: Arc::new(CognitoPools(aws_sdk_cognitoidentityprovider::Client::new(
            &config,
        ))),
    };
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| {
        let triggers = triggers.clone();
        async move { triggers.handle(event.payload).await.map_err(Error::from) }
    }))
    .await
}
