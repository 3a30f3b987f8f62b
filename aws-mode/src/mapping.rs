//! A function's DynamoDB event source mapping as template.yaml declares it: its stream, batch
//! size, retries, and the filter criteria Lambda applies before a record reaches the function
//! (a record no filter matches is dropped, and the mapping moves on). The embedded stack's
//! stream consumers and AWS mode's are both configured from here.

use serde_json::Value;

use crate::template::{attribute, functions, reference};

/// One `Type: DynamoDB` event of a function.
#[derive(Clone, Debug)]
pub struct StreamMapping {
    /// The function's logical id.
    pub function: String,
    /// The table whose stream it reads (logical id).
    pub table: String,
    pub batch_size: usize,
    pub maximum_retry_attempts: u32,
    pub report_batch_item_failures: bool,
    /// Where a new mapping starts reading (`TRIM_HORIZON` or `LATEST`).
    pub starting_position: String,
    /// Where a record that failed every retry is reported (the logical id of an SQS queue).
    pub on_failure: Option<String>,
    /// The filter patterns (any may match); none means every record.
    filters: Vec<Value>,
}

impl StreamMapping {
    /// Every DynamoDB stream mapping of the template, in template order.
    pub fn all() -> Vec<StreamMapping> {
        let mut mappings = Vec::new();
        for (function, resource) in functions() {
            for (_, event) in resource["Properties"]["Events"]
                .as_mapping()
                .into_iter()
                .flatten()
            {
                if event["Type"].as_str() != Some("DynamoDB") {
                    continue;
                }
                let p = &event["Properties"];
                let stream = &p["Stream"];
                let table = match attribute(stream) {
                    Some((table, "StreamArn")) => Some(table.to_string()),
                    _ => reference(stream).map(str::to_string),
                }
                .unwrap_or_else(|| {
                    panic!("{function}: a stream that is not !GetAtt <Table>.StreamArn")
                });
                let filters = p["FilterCriteria"]["Filters"]
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .map(|f| {
                        let text = f["Pattern"].as_str().expect("a filter Pattern string");
                        let pattern: Value =
                            serde_json::from_str(text).expect("a filter pattern is JSON");
                        check(&pattern).unwrap_or_else(|e| panic!("{function}: {e}"));
                        pattern
                    })
                    .collect();
                mappings.push(StreamMapping {
                    function: function.to_string(),
                    table,
                    // Lambda's defaults for a DynamoDB stream: 100 records, retried until expiry.
                    batch_size: p["BatchSize"].as_u64().unwrap_or(100) as usize,
                    maximum_retry_attempts: p["MaximumRetryAttempts"]
                        .as_u64()
                        .map_or(u32::MAX, |n| n as u32),
                    report_batch_item_failures: crate::template::strings(
                        &p["FunctionResponseTypes"],
                    )
                    .iter()
                    .any(|t| t == "ReportBatchItemFailures"),
                    starting_position: p["StartingPosition"]
                        .as_str()
                        .unwrap_or("LATEST")
                        .to_string(),
                    on_failure: attribute(&p["DestinationConfig"]["OnFailure"]["Destination"])
                        .map(|(queue, _)| queue.to_string()),
                    filters,
                });
            }
        }
        mappings
    }

    /// The mapping that feeds `function`.
    pub fn of(function: &str) -> StreamMapping {
        StreamMapping::all()
            .into_iter()
            .find(|m| m.function == function)
            .unwrap_or_else(|| panic!("{function} has no DynamoDB stream mapping"))
    }

    /// Whether Lambda hands `record` (a stream record as the function receives it, JSON) on.
    pub fn accepts(&self, record: &Value) -> bool {
        self.filters.is_empty() || self.filters.iter().any(|f| matches(f, record))
    }
}

/// How often the record a mapping is stuck on has failed. Lambda retries a batch from its first
/// failed record, backing off, until the record has had `MaximumRetryAttempts` retries; then it
/// gives up on that record and goes on. `K` names a record (its sequence number).
#[derive(Debug)]
pub struct Retries<K> {
    record: Option<K>,
    attempts: u32,
}

impl<K> Default for Retries<K> {
    fn default() -> Self {
        Retries {
            record: None,
            attempts: 0,
        }
    }
}

impl<K: PartialEq> Retries<K> {
    /// Counts a failure of `record`: true when that was its last allowed attempt (the first
    /// invocation and `maximum` retries), so the mapping gives up on it.
    pub fn failed(&mut self, record: K, maximum: u32) -> bool {
        if self.record.as_ref() == Some(&record) {
            self.attempts += 1;
        } else {
            self.record = Some(record);
            self.attempts = 1;
        }
        let exhausted = self.attempts > maximum;
        if exhausted {
            *self = Retries::default();
        }
        exhausted
    }

    /// How long to wait before the next retry: longer after each failure.
    pub fn backoff(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.attempts.min(8)))
    }
}

/// Refuses a pattern using a rule this reader does not implement.
fn check(pattern: &Value) -> Result<(), String> {
    match pattern {
        Value::Object(fields) => fields.values().try_for_each(check),
        Value::Array(rules) => rules.iter().try_for_each(|rule| match rule {
            Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null => Ok(()),
            Value::Object(o)
                if o.len() == 1 && (o.contains_key("exists") || o.contains_key("prefix")) =>
            {
                Ok(())
            }
            other => Err(format!("the filter rule {other} is not modelled")),
        }),
        other => Err(format!(
            "a filter pattern value must be an object or a list: {other}"
        )),
    }
}

/// Lambda's event filtering: each key of the pattern must match; a list lists what a leaf may
/// be (a value, `{"exists": bool}`, `{"prefix": text}`).
fn matches(pattern: &Value, event: &Value) -> bool {
    let Value::Object(fields) = pattern else {
        return false;
    };
    fields.iter().all(|(key, expected)| {
        let actual = event.get(key);
        match expected {
            Value::Object(_) => actual.is_some_and(|a| matches(expected, a)),
            Value::Array(rules) => rules.iter().any(|rule| match rule {
                Value::Object(o) if o.contains_key("exists") => {
                    let present = actual.is_some_and(|a| !a.is_object());
                    o["exists"].as_bool() == Some(present)
                }
                Value::Object(o) => match (
                    o.get("prefix").and_then(Value::as_str),
                    actual.and_then(Value::as_str),
                ) {
                    (Some(prefix), Some(text)) => text.starts_with(prefix),
                    _ => false,
                },
                literal => actual == Some(literal),
            }),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(event_name: &str, status: Option<&str>) -> Value {
        let mut dynamodb = json!({ "Keys": { "uid": { "S": "u" } } });
        if let Some(status) = status {
            dynamodb["NewImage"] = json!({ "status": { "S": status } });
        }
        json!({ "eventName": event_name, "dynamodb": dynamodb })
    }

    #[test]
    fn the_exam_mails_hear_of_submissions_only() {
        let mapping = StreamMapping::of("SesNotifyFunction");
        assert_eq!(mapping.table, "ExamAttemptsTable");
        assert_eq!(mapping.batch_size, 10);
        assert_eq!(mapping.maximum_retry_attempts, 3);
        assert!(mapping.report_batch_item_failures);
        assert_eq!(
            mapping.on_failure.as_deref(),
            Some("SesNotifyDeadLetterQueue")
        );
        assert!(mapping.accepts(&record("MODIFY", Some("submitted"))));
        assert!(!mapping.accepts(&record("INSERT", Some("in_progress"))));
        assert!(!mapping.accepts(&record("REMOVE", None)));
    }

    #[test]
    fn leave_mails_hear_of_every_request_with_a_status_and_no_removal() {
        let mapping = StreamMapping::of("LeaveNotifyFunction");
        assert_eq!(mapping.table, "LeaveRequestsTable");
        assert!(mapping.accepts(&record("INSERT", Some("pending"))));
        assert!(mapping.accepts(&record("MODIFY", Some("approved"))));
        assert!(
            !mapping.accepts(&record("REMOVE", None)),
            "a removal has no NewImage"
        );
    }

    #[test]
    fn a_record_gets_its_first_attempt_and_the_retries_then_is_given_up() {
        let mut retries = Retries::default();
        assert!(!retries.failed(7, 2), "the first invocation");
        assert!(!retries.failed(7, 2), "retry 1");
        assert!(retries.failed(7, 2), "retry 2 was the last");
        assert!(!retries.failed(7, 2), "counting starts over");
        assert!(
            Retries::default().failed(8, 0),
            "with no retries the first failure gives up"
        );
        let mut fresh = Retries::default();
        assert!(!fresh.failed(1, 3));
        assert!(!fresh.failed(2, 3), "a new record resets the count");
        assert_eq!(fresh.backoff(), std::time::Duration::from_secs(1));
    }

    #[test]
    fn patterns_match_as_lambda_matches_them() {
        let pattern =
            json!({ "a": { "b": ["x", { "prefix": "pre" }] }, "c": [{ "exists": false }] });
        assert!(matches(&pattern, &json!({ "a": { "b": "x" } })));
        assert!(matches(&pattern, &json!({ "a": { "b": "prefix" } })));
        assert!(!matches(&pattern, &json!({ "a": { "b": "y" } })));
        assert!(
            !matches(&pattern, &json!({ "a": { "b": "x" }, "c": 1 })),
            "c must be absent"
        );
        assert!(!matches(&pattern, &json!({ "b": "x" })), "a must be there");
        assert!(
            check(&json!({ "a": [{ "numeric": [">", 1] }] })).is_err(),
            "not modelled, refused"
        );
    }
}
