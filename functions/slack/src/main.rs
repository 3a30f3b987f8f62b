//! Lambda entry point of the Slack endpoints: the Slack app's secrets read, the DynamoDB client
//! and the Slack Web API client built once at init, then serve.

use std::sync::Arc;

use lambda_http::Error;
use shared::adapters::aws::{DynamoStore, sdk_config, slack_secrets};
use shared::adapters::slack_web::{SLACK_API, SlackWebChat};
use shared::clock::SystemClock;
use shared::config::{ProcessEnv, TableNames};
use slack::{Slack, TABLES};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &TABLES)?;
    let config = sdk_config().await;
    // From Secrets Manager at init: never in the environment, the template or the repository.
    let secrets = slack_secrets(&config, &ProcessEnv).await?;
    let app = Slack {
        store: Arc::new(DynamoStore::at_init(&config, tables, &ProcessEnv).await?),
        chat: Arc::new(SlackWebChat::new(secrets.bot_token, SLACK_API)?),
        clock: Arc::new(SystemClock),
        signing_secret: secrets.signing_secret,
    };
    shared::function::serve(app).await
}
