//! Lambda entry point of the Slack endpoints: the Slack app's secrets read, the DynamoDB client
//! and the Slack Web API client built once at init, then serve.

use std::sync::Arc;

use aws_adapters::slack_web::{SLACK_API, SlackWebChat};
use aws_adapters::{DynamoStore, sdk_config, slack_secrets};
use domain::clock::SystemClock;
use domain::config::{ProcessEnv, TableNames};
use lambda_http::Error;
use slack::{Slack, TABLES};

#[tokio::main]
async fn main() -> Result<(), Error> {
    edge::telemetry::init_json_logs();
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
    edge::function::serve(app).await
}
