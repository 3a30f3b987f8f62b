//! Lambda entry point: DynamoDB and SES clients built once at init; the stream event in, the
//! per-record failures out.

use std::sync::Arc;

use aws_adapters::{DynamoStore, SesMailer, sdk_config};
use aws_lambda_events::event::dynamodb::Event;
use domain::clock::SystemClock;
use domain::config::{ProcessEnv, TableNames};
use lambda_runtime::{Error, LambdaEvent, service_fn};
use ses_notify::{NotifyConfig, SesNotify, TABLES};

#[tokio::main]
async fn main() -> Result<(), Error> {
    edge::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &TABLES)?;
    let config = NotifyConfig::from_env(&ProcessEnv)?;
    let sdk = sdk_config().await;
    let app = SesNotify {
        store: Arc::new(DynamoStore::at_init(&sdk, tables, &ProcessEnv).await?),
        mailer: Arc::new(SesMailer::new(aws_sdk_sesv2::Client::new(&sdk))),
        clock: Arc::new(SystemClock),
        config,
    };
    lambda_runtime::run(service_fn(|event: LambdaEvent<Event>| {
        let app = app.clone();
        async move { Ok::<_, Error>(app.handle(event.payload).await) }
    }))
    .await
}
