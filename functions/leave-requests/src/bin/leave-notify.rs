//! Lambda entry point of leave-notify: DynamoDB, SES and Slack clients built once at init; the
//! LeaveRequests stream event in, the per-record failures out.

use std::sync::Arc;

use aws_adapters::slack_web::{SLACK_API, SlackWebChat};
use aws_adapters::{DynamoStore, SesMailer, sdk_config, slack_secrets};
use aws_lambda_events::event::dynamodb::Event;
use domain::clock::SystemClock;
use domain::config::{ProcessEnv, TableNames};
use lambda_runtime::{Error, LambdaEvent, service_fn};
use leave_requests::{LeaveNotify, NOTIFY_TABLES, NotifyConfig};

#[tokio::main]
async fn main() -> Result<(), Error> {
    edge::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &NOTIFY_TABLES)?;
    let config = NotifyConfig::from_env(&ProcessEnv)?;
    let sdk = sdk_config().await;
    // From Secrets Manager at init: never in the environment, the template or the repository.
    let token = slack_secrets(&sdk, &ProcessEnv).await?.bot_token;
    let app = LeaveNotify {
        store: Arc::new(DynamoStore::at_init(&sdk, tables, &ProcessEnv).await?),
        mailer: Arc::new(SesMailer::new(aws_sdk_sesv2::Client::new(&sdk))),
        chat: Arc::new(SlackWebChat::new(token, SLACK_API)?),
        clock: Arc::new(SystemClock),
        config,
    };
    lambda_runtime::run(service_fn(|event: LambdaEvent<Event>| {
        let app = app.clone();
        async move { Ok::<_, Error>(app.handle(event.payload).await) }
    }))
    .await
}
