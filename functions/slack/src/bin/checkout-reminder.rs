//! Lambda entry point of the scheduled check-out reminder (an EventBridge rule every 15
//! minutes). A run with failed posts returns an error so the invocation is retried; reminders
//! already posted are not repeated.

use std::sync::Arc;

use aws_adapters::slack_web::{SLACK_API, SlackWebChat};
use aws_adapters::{DynamoStore, sdk_config, slack_secrets};
use domain::clock::SystemClock;
use domain::config::{ProcessEnv, TableNames};
use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};
use slack::{CheckoutReminder, REMINDER_TABLES};

#[tokio::main]
async fn main() -> Result<(), Error> {
    edge::telemetry::init_json_logs();
    let tables = TableNames::from_env(&ProcessEnv, &REMINDER_TABLES)?;
    let config = sdk_config().await;
    let token = slack_secrets(&config, &ProcessEnv).await?.bot_token;
    let reminder = CheckoutReminder {
        store: Arc::new(DynamoStore::at_init(&config, tables, &ProcessEnv).await?),
        chat: Arc::new(SlackWebChat::new(token, SLACK_API)?),
        clock: Arc::new(SystemClock),
    };
    lambda_runtime::run(service_fn(|_: LambdaEvent<Value>| {
        let reminder = reminder.clone();
        async move {
            let done = reminder.run().await?;
            if done.failed > 0 {
                return Err(Error::from(format!("{} reminders failed", done.failed)));
            }
            Ok::<_, Error>(json!({ "reminded": done.reminded, "notYet": done.not_yet, "unreachable": done.unreachable }))
        }
    }))
    .await
}
