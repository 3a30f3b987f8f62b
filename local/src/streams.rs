//! Lambda's DynamoDB event source mappings, played locally: each consumer reads its table's stream
//! (ExamAttempts → ses-notify, LeaveRequests → leave-notify) from the SQLite change log in order,
//! hands batches to the very handler the Lambda runs, honours `ReportBatchItemFailures` (resume
//! from the first failed record), and after the retries moves a poison record to its dead-letter
//! file, as the mapping's on-failure destination would. Each keeps its own checkpoint. Batch
//! size, retries and filter criteria are the template's (`aws_mode::mapping`): a record no filter
//! matches never reaches the function, as in Lambda.

use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use aws_mode::mapping::{Retries, StreamMapping};
use domain::ports::Table;
use embedded_adapters::StreamChange;
use tokio::io::AsyncWriteExt;

use crate::stack::Stack;

/// One event source mapping: a stream and the function it feeds.
#[derive(Clone, Copy, Debug)]
pub enum Consumer {
    SesNotify,
    LeaveNotify,
}

impl Consumer {
    /// Its name in the checkpoint table and its dead-letter file.
    fn name(self) -> &'static str {
        match self {
            Consumer::SesNotify => "ses-notify",
            Consumer::LeaveNotify => "leave-notify",
        }
    }

    /// The function's logical id in template.yaml.
    fn function(self) -> &'static str {
        match self {
            Consumer::SesNotify => "SesNotifyFunction",
            Consumer::LeaveNotify => "LeaveNotifyFunction",
        }
    }

    fn table(self) -> Table {
        match self {
            Consumer::SesNotify => Table::ExamAttempts,
            Consumer::LeaveNotify => Table::LeaveRequests,
        }
    }

    async fn deliver(self, stack: &Stack, event: Event) -> DynamoDbEventResponse {
        match self {
            Consumer::SesNotify => stack.ses_notify.handle(event).await,
            Consumer::LeaveNotify => stack.leave_notify.handle(event).await,
        }
    }
}

/// How often an idle stream is polled.
const POLL: Duration = Duration::from_millis(250);

/// Delivers `consumer`'s stream records until the process ends.
pub async fn run(stack: Arc<Stack>, consumer: Consumer) {
    let mapping = StreamMapping::of(consumer.function());
    let mut retries = Retries::default();
    loop {
        match deliver_once(&stack, consumer, &mapping, &mut retries).await {
            Ok(true) => continue,
            Ok(false) => tokio::time::sleep(POLL).await,
            Err(e) => {
                tracing::warn!(error = %e, "stream delivery failed; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// One poll: `Ok(true)` if it delivered a whole batch (so more may be waiting).
async fn deliver_once(
    stack: &Stack,
    consumer: Consumer,
    mapping: &StreamMapping,
    retries: &mut Retries<i64>,
) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    let after = stack.store.checkpoint(consumer.name())?;
    let changes = stack
        .store
        .stream_after(consumer.table(), after, mapping.batch_size)?;
    if changes.is_empty() {
        return Ok(false);
    }
    let mut records = Vec::with_capacity(changes.len());
    for change in &changes {
        let record = serde_json::to_value(change.to_event_record()?)?;
        if mapping.accepts(&record) {
            records.push(record);
        }
    }
    let full = changes.len() == mapping.batch_size;
    if records.is_empty() {
        let last = changes.last().map(|c| c.sequence).unwrap_or(after);
        stack.store.set_checkpoint(consumer.name(), last)?;
        return Ok(full);
    }
    // Through JSON, so the handler gets exactly what the Lambda runtime would deserialize.
    let wire = serde_json::json!({ "Records": records }).to_string();
    let event: Event = serde_json::from_str(&wire)?;
    let response = consumer.deliver(stack, event).await;
    let failed = response
        .batch_item_failures
        .iter()
        .filter_map(|f| f.item_identifier.as_deref())
        .filter_map(|id| id.parse::<i64>().ok())
        .min();
    let Some(failed) = failed else {
        let last = changes.last().map(|c| c.sequence).unwrap_or(after);
        stack.store.set_checkpoint(consumer.name(), last)?;
        return Ok(full);
    };
    // Everything before the failed record is done.
    stack.store.set_checkpoint(consumer.name(), failed - 1)?;
    if retries.failed(failed, mapping.maximum_retry_attempts) {
        if let Some(poison) = changes.iter().find(|c| c.sequence == failed) {
            dead_letter(stack, consumer, poison).await?;
        }
        stack.store.set_checkpoint(consumer.name(), failed)?;
        return Ok(true);
    }
    // The mapping backs off before retrying the batch from the failed record.
    tokio::time::sleep(retries.backoff()).await;
    Ok(false)
}

/// Appends the record to `dlq/<consumer>.jsonl` under the state folder.
async fn dead_letter(
    stack: &Stack,
    consumer: Consumer,
    change: &StreamChange,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let dir = stack.state_dir.join("dlq");
    tokio::fs::create_dir_all(&dir).await?;
    let mut line = serde_json::to_string(&change.to_event_record()?)?;
    line.push('\n');
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(format!("{}.jsonl", consumer.name())))
        .await?;
    file.write_all(line.as_bytes()).await?;
    tracing::error!(
        consumer = consumer.name(),
        sequence = change.sequence,
        "poison stream record moved to the dead-letter file"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_consumer_reads_the_stream_its_template_mapping_names() {
        for consumer in [Consumer::SesNotify, Consumer::LeaveNotify] {
            let mapping = StreamMapping::of(consumer.function());
            // The table the functions name by this consumer's variable (TABLE_<NAME>).
            let polled: Vec<String> = aws_mode::template::functions()
                .iter()
                .filter_map(|(_, f)| {
                    let value = &f["Properties"]["Environment"]["Variables"]
                        [consumer.table().env_var().as_str()];
                    aws_mode::template::reference(value).map(str::to_string)
                })
                .collect();
            assert!(!polled.is_empty(), "{}", consumer.name());
            assert!(
                polled.iter().all(|t| *t == mapping.table),
                "{}: the stack polls {polled:?}, the template maps {}",
                consumer.name(),
                mapping.table
            );
        }
    }
}
