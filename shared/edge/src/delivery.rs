//! Side effects driven by a DynamoDB stream (mail, chat): a batch is worked through in order and
//! stops at the first failing record, which is reported (`ReportBatchItemFailures`) so Lambda
//! retries from there and, after the mapping's retries, parks it in the dead-letter queue; each
//! effect is leased on the Idempotency table so redelivered records never repeat it.

use std::fmt::Display;
use std::future::Future;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use domain::idempotency::lease::{self, Begin};
use domain::ports::{
    ChatError, ChatMessage, ChatPoster, Email, ItemStore, MailError, Mailer, StoreError,
};

/// Runs `process` on each record in order; the response names the first one that failed.
pub async fn each_record<'a, F, Fut, E>(event: &'a Event, process: F) -> DynamoDbEventResponse
where
    F: Fn(&'a EventRecord) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: Display,
{
    let mut response = DynamoDbEventResponse::default();
    for record in &event.records {
        if let Err(failure) = process(record).await {
            let id = record.change.sequence_number.clone();
            tracing::warn!(sequence = ?id, error = %failure, "stream record failed; reported for retry");
            let mut item = DynamoDbBatchItemFailure::default();
            item.item_identifier = id;
            response.batch_item_failures.push(item);
            // Later records are retried with it, which keeps each item's changes in order.
            break;
        }
    }
    response
}

/// Why an effect did not happen this time; every case is worth a retry.
#[derive(Debug, thiserror::Error)]
pub enum OnceError<E: Display> {
    #[error("another delivery holds the lease on this effect")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Effect(E),
}

/// Performs `effect` unless the effect named `key` already happened; its outcome (e.g. the message
/// id) is kept. A failed effect gives the lease back so the retry need not wait for it.
pub async fn once<F, Fut, E>(
    store: &dyn ItemStore,
    key: &str,
    now: DateTime<Utc>,
    lease_for: Duration,
    effect: F,
) -> Result<(), OnceError<E>>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Value, E>>,
    E: Display,
{
    let held = match lease::begin(store, key, now, lease_for).await? {
        Begin::Done => return Ok(()),
        Begin::Busy => return Err(OnceError::Busy),
        Begin::Go(held) => held,
    };
    match effect().await {
        Ok(outcome) => {
            tracing::info!(key, %outcome, "effect performed");
            lease::finish(store, &held, outcome, now).await?;
            Ok(())
        }
        Err(e) => {
            // Best effort: if this fails too, the lease simply runs out.
            let _ = lease::release(store, &held).await;
            Err(OnceError::Effect(e))
        }
    }
}

/// Sends `email` unless the send named `key` already happened; the provider's message id is the
/// recorded outcome.
pub async fn mail_once(
    store: &dyn ItemStore,
    mailer: &dyn Mailer,
    key: &str,
    now: DateTime<Utc>,
    lease_for: Duration,
    email: &Email,
) -> Result<(), OnceError<MailError>> {
    once(store, key, now, lease_for, || async {
        let message_id = mailer.send(email).await?;
        Ok::<_, MailError>(json!({ "messageId": message_id }))
    })
    .await
}

/// Posts `message` unless the post named `key` already happened; where it landed (channel and
/// `ts`) is the recorded outcome, so the message can be updated later.
pub async fn post_once(
    store: &dyn ItemStore,
    chat: &dyn ChatPoster,
    key: &str,
    now: DateTime<Utc>,
    lease_for: Duration,
    message: &ChatMessage,
) -> Result<(), OnceError<ChatError>> {
    once(store, key, now, lease_for, || async {
        let posted = chat.post(message).await?;
        Ok::<_, ChatError>(json!({ "channel": posted.channel, "ts": posted.ts }))
    })
    .await
}
