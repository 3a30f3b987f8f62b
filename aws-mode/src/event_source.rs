//! A DynamoDB stream's event source mapping as Lambda runs it, on moto's DynamoDB Streams: the
//! poller reads the table's stream with the function's own role (as Lambda's mapping does, which
//! is why SAM grants it the stream actions), drops what the template's filters do not match,
//! hands batches of `BatchSize` to the function's instance, resumes from the first record a
//! `ReportBatchItemFailures` answer names, and after `MaximumRetryAttempts` retries of a record
//! reports it to the `OnFailure` queue and moves on. The embedded stack plays the same mapping
//! on its SQLite change log (`local/src/streams.rs`); both are configured by [`StreamMapping`].

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodbstreams::types::{AttributeValue, Record, ShardIteratorType};
use serde_json::{Map, Value, json};

use crate::deployment::Deployment;
use crate::instance::Instance;
use crate::mapping::{Retries, StreamMapping};

/// How often an idle shard is polled (Lambda polls each shard about four times a second).
const POLL: Duration = Duration::from_millis(250);
/// How long a batch may run: the function's own timeout bounds it in Lambda.
const BATCH_LIMIT: Duration = Duration::from_secs(300);

/// A running poller; stops when dropped.
pub struct EventSource {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for EventSource {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A DynamoDB JSON attribute value, as a stream record carries it to Lambda.
fn attribute_json(value: &AttributeValue) -> Value {
    let list = |items: &[String]| json!(items);
    match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(_) => json!({ "NULL": true }),
        AttributeValue::Ss(items) => json!({ "SS": list(items) }),
        AttributeValue::Ns(items) => json!({ "NS": list(items) }),
        AttributeValue::B(b) => {
            use base64::Engine;
            json!({ "B": base64::engine::general_purpose::STANDARD.encode(b.as_ref()) })
        }
        AttributeValue::L(items) => {
            json!({ "L": items.iter().map(attribute_json).collect::<Vec<_>>() })
        }
        AttributeValue::M(map) => json!({ "M": image_json(map) }),
        _ => json!({ "NULL": true }),
    }
}

fn image_json(map: &std::collections::HashMap<String, AttributeValue>) -> Map<String, Value> {
    map.iter()
        .map(|(k, v)| (k.clone(), attribute_json(v)))
        .collect()
}

/// A stream record as the Lambda event record Lambda builds from it.
fn event_record(record: &Record, stream_arn: &str) -> Value {
    let mut dynamodb = Map::new();
    if let Some(stream) = record.dynamodb() {
        if let Some(at) = stream.approximate_creation_date_time() {
            dynamodb.insert("ApproximateCreationDateTime".into(), json!(at.secs()));
        }
        for (name, image) in [
            ("Keys", stream.keys()),
            ("NewImage", stream.new_image()),
            ("OldImage", stream.old_image()),
        ] {
            if let Some(image) = image {
                dynamodb.insert(name.into(), Value::Object(image_json(image)));
            }
        }
        dynamodb.insert("SequenceNumber".into(), json!(stream.sequence_number()));
        dynamodb.insert("SizeBytes".into(), json!(stream.size_bytes()));
        if let Some(view) = stream.stream_view_type() {
            dynamodb.insert("StreamViewType".into(), json!(view.as_str()));
        }
    }
    json!({
        "eventID": record.event_id(),
        "eventName": record.event_name().map(|n| n.as_str()),
        "eventVersion": record.event_version(),
        "eventSource": record.event_source(),
        "awsRegion": record.aws_region(),
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    })
}

fn sequence(record: &Value) -> &str {
    record["dynamodb"]["SequenceNumber"].as_str().unwrap_or("")
}

/// Where the poller stands.
struct Poller {
    mapping: StreamMapping,
    instance: Arc<Instance>,
    streams: aws_sdk_dynamodbstreams::Client,
    sqs: aws_sdk_sqs::Client,
    stream_arn: String,
    function_arn: String,
    /// The on-failure queue's URL.
    on_failure: Option<String>,
    /// Records read and not yet done with, oldest first.
    pending: VecDeque<Value>,
    retries: Retries<String>,
}

impl EventSource {
    /// Starts `mapping`'s poller in `deployment`, invoking `instance`.
    pub async fn start(
        mapping: StreamMapping,
        deployment: &Deployment,
        instance: Arc<Instance>,
    ) -> Result<EventSource, String> {
        let names = &deployment.world.names;
        let config = deployment.as_function(&mapping.function);
        let stream_arn = names.attribute(&mapping.table, "StreamArn")?;
        let on_failure = match &mapping.on_failure {
            Some(queue) => Some(names.reference(queue)?),
            None => None,
        };
        let poller = Poller {
            function_arn: names.arn(&mapping.function)?,
            streams: aws_sdk_dynamodbstreams::Client::new(&config),
            sqs: aws_sdk_sqs::Client::new(&config),
            retries: Retries::default(),
            pending: VecDeque::new(),
            stream_arn,
            on_failure,
            mapping,
            instance,
        };
        let iterators = poller.iterators().await?;
        let task = tokio::spawn(poller.run(iterators));
        Ok(EventSource { task })
    }
}

impl Poller {
    /// One iterator per shard, at the template's starting position.
    async fn iterators(&self) -> Result<Vec<String>, String> {
        let described = self
            .streams
            .describe_stream()
            .stream_arn(&self.stream_arn)
            .send()
            .await
            .map_err(|e| format!("{}: DescribeStream: {e:?}", self.mapping.function))?;
        let shards = described
            .stream_description()
            .map(|d| d.shards().to_vec())
            .unwrap_or_default();
        let position = ShardIteratorType::from(self.mapping.starting_position.as_str());
        let mut iterators = Vec::new();
        for shard in shards {
            let out = self
                .streams
                .get_shard_iterator()
                .stream_arn(&self.stream_arn)
                .shard_id(shard.shard_id().unwrap_or_default())
                .shard_iterator_type(position.clone())
                .send()
                .await
                .map_err(|e| format!("{}: GetShardIterator: {e:?}", self.mapping.function))?;
            iterators.extend(out.shard_iterator().map(str::to_string));
        }
        Ok(iterators)
    }

    async fn run(mut self, mut iterators: Vec<String>) {
        loop {
            match self.poll(&mut iterators).await {
                Ok(true) => {}
                Ok(false) => tokio::time::sleep(POLL).await,
                Err(e) => {
                    tracing::warn!(function = %self.mapping.function, error = %e, "stream poll failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// Reads what is new, then delivers one batch: `Ok(true)` if it delivered one.
    async fn poll(&mut self, iterators: &mut [String]) -> Result<bool, String> {
        for iterator in iterators.iter_mut() {
            if self.pending.len() >= self.mapping.batch_size {
                break;
            }
            let out = self
                .streams
                .get_records()
                .shard_iterator(iterator.as_str())
                .limit(self.mapping.batch_size as i32)
                .send()
                .await
                .map_err(|e| format!("GetRecords: {e:?}"))?;
            for record in out.records() {
                let record = event_record(record, &self.stream_arn);
                // Lambda filters before batching: an unmatched record is gone for good.
                if self.mapping.accepts(&record) {
                    self.pending.push_back(record);
                }
            }
            if let Some(next) = out.next_shard_iterator() {
                *iterator = next.to_string();
            }
        }
        if self.pending.is_empty() {
            return Ok(false);
        }
        let take = self.pending.len().min(self.mapping.batch_size);
        let batch: Vec<Value> = self.pending.iter().take(take).cloned().collect();
        let answer = self
            .instance
            .invoke(json!({ "Records": batch }), BATCH_LIMIT)
            .await;
        // A function error fails the whole batch; so does a partial answer without the
        // response type declared (Lambda then reads no failures from it).
        let first_failed = match &answer {
            Err(_) => Some(sequence(&batch[0]).to_string()),
            Ok(_) if !self.mapping.report_batch_item_failures => None,
            Ok(response) => response["batchItemFailures"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f["itemIdentifier"].as_str())
                .min_by(|a, b| by_sequence(a, b))
                .map(str::to_string),
        };
        let Some(failed) = first_failed else {
            self.pending.drain(..take);
            self.retries = Retries::default();
            return Ok(true);
        };
        // Everything before the failed record is done.
        while self
            .pending
            .front()
            .is_some_and(|r| by_sequence(sequence(r), &failed).is_lt())
        {
            self.pending.pop_front();
        }
        if self
            .retries
            .failed(failed.clone(), self.mapping.maximum_retry_attempts)
        {
            if let Some(poison) = self.pending.pop_front() {
                self.report(&poison).await?;
            }
            return Ok(true);
        }
        tokio::time::sleep(self.retries.backoff()).await;
        Ok(false)
    }

    /// Reports a record that failed every retry to the on-failure destination, with what
    /// Lambda's invocation record for a stream holds.
    async fn report(&self, record: &Value) -> Result<(), String> {
        let seq = sequence(record);
        tracing::error!(function = %self.mapping.function, sequence = seq, "a stream record failed every retry");
        let Some(queue) = &self.on_failure else {
            return Ok(());
        };
        let message = json!({
            "requestContext": {
                "requestId": uuid::Uuid::new_v4().to_string(),
                "functionArn": self.function_arn,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": self.mapping.maximum_retry_attempts + 1,
            },
            "version": "1.0",
            "timestamp": chrono::Utc::now().to_rfc3339(),
            "DDBStreamBatchInfo": {
                "shardId": record["eventID"],
                "startSequenceNumber": seq,
                "endSequenceNumber": seq,
                "batchSize": 1,
                "streamArn": self.stream_arn,
            }
        });
        self.sqs
            .send_message()
            .queue_url(queue)
            .message_body(message.to_string())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| format!("SendMessage to the on-failure queue: {e:?}"))
    }
}

/// Sequence numbers are decimal strings of any length: compared as numbers.
fn by_sequence(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_order_as_numbers() {
        assert!(by_sequence("9", "10").is_lt());
        assert!(by_sequence("100", "099").is_gt());
        assert!(by_sequence("42", "42").is_eq());
    }

    #[test]
    fn images_keep_dynamodb_json() {
        let map = std::collections::HashMap::from([
            ("status".to_string(), AttributeValue::S("submitted".into())),
            ("score".to_string(), AttributeValue::N("7".into())),
            (
                "tags".to_string(),
                AttributeValue::L(vec![AttributeValue::Bool(true)]),
            ),
        ]);
        assert_eq!(
            Value::Object(image_json(&map)),
            json!({ "status": { "S": "submitted" }, "score": { "N": "7" }, "tags": { "L": [{ "BOOL": true }] } })
        );
    }
}
