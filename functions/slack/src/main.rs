//! Lambda entry point of the Slack endpoints: the DynamoDB client and the Slack Web API client
//! built once at init, then serve.

use std::sync::Arc;

use lambda_http::Error;
use shared::adapters::aws::{DynamoStore, sdk_config};
use shared::adapters::slack_web::{SLACK_API, SlackWebChat};
use shared::clock::SystemClock;
use shared::config::{ProcessEnv, TableNames, required};
use slack::{Slack, TABLES};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &TABLES)?;
    // Both resolved by CloudFormation from Secrets Manager; never in the repository.
    let signing_secret = required(&ProcessEnv, "SLACK_SIGNING_SECRET")?;
    let token = required(&ProcessEnv, "SLACK_BOT_TOKEN")?;
    let config = sdk_config().await;
    let app = Slack {
        store: Arc::new(DynamoStore::at_init(&config, tables, &ProcessEnv).await?),
        chat: Arc::new(SlackWebChat::new(token, SLACK_API)?),
        clock: Arc::new(SystemClock),
        signing_secret,
    };
    shared::function::serve(app).await
}
