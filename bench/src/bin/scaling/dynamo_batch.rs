//! Seeding moto with BatchWriteItem (25 items a call) instead of the port's transactions: moto
//! copies every table to be able to roll a transaction back, so each TransactWriteItems costs
//! O(table) there and seeding 46,000 items through the port would take hours. The items are
//! still the ones the repositories recorded.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use domain::config::TableNames;
use domain::ports::{Item, Table};
use serde_json::Value;

/// Retries of a batch's unprocessed items before giving up.
const RETRIES: usize = 10;

/// JSON → DynamoDB attribute value, as the DynamoDB adapter stores it.
fn attr(value: &Value) -> AttributeValue {
    match value {
        Value::Null => AttributeValue::Null(true),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Array(items) => AttributeValue::L(items.iter().map(attr).collect()),
        Value::Object(map) => {
            AttributeValue::M(map.iter().map(|(k, v)| (k.clone(), attr(v))).collect())
        }
    }
}

/// Puts `items` into the tables `names` gives them; returns how many were written.
pub async fn batch_put(
    client: &Client,
    names: &TableNames,
    items: Vec<(Table, Item)>,
) -> Result<usize, String> {
    let total = items.len();
    for chunk in items.chunks(25) {
        let mut requests: HashMap<String, Vec<WriteRequest>> = HashMap::new();
        for (table, item) in chunk {
            let name = names.get(*table).ok_or("unnamed table")?.to_string();
            let put = PutRequest::builder()
                .set_item(Some(
                    item.iter().map(|(k, v)| (k.clone(), attr(v))).collect(),
                ))
                .build()
                .map_err(|e| e.to_string())?;
            requests
                .entry(name)
                .or_default()
                .push(WriteRequest::builder().put_request(put).build());
        }
        for _ in 0..RETRIES {
            let answer = client
                .batch_write_item()
                .set_request_items(Some(requests))
                .send()
                .await
                .map_err(|e| format!("BatchWriteItem: {e:?}"))?;
            requests = answer.unprocessed_items.unwrap_or_default();
            if requests.values().all(Vec::is_empty) {
                break;
            }
        }
        if !requests.values().all(Vec::is_empty) {
            return Err(format!("moto left items unprocessed after {RETRIES} tries"));
        }
    }
    Ok(total)
}
