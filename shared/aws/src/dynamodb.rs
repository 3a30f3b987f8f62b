//! The item-store port on DynamoDB: JSON items as attribute maps, conditions as condition
//! expressions, queries as key-condition expressions, cursors as the encoded LastEvaluatedKey.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, Delete, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, Projection, ProjectionType, Put, ScalarAttributeType,
    TimeToLiveSpecification, TransactWriteItem,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Number, Value};

use super::{THROTTLING, describe};
use domain::config::TableNames;
use domain::ports::tables::key_of;
use domain::ports::{
    Condition, Cursor, Item, ItemStore, Key, Page, Query, SortCondition, StoreError, Table, TxOp,
};

type Attributes = HashMap<String, AttributeValue>;

/// DynamoDB tables named by configuration.
pub struct DynamoStore {
    client: Client,
    names: TableNames,
}

impl DynamoStore {
    /// A store over `client` using the physical `names` of the tables.
    pub fn new(client: Client, names: TableNames) -> Self {
        DynamoStore { client, names }
    }

    /// The tables this store is configured for, in `Table` order.
    pub(crate) fn tables(&self) -> impl Iterator<Item = Table> + '_ {
        self.names.tables()
    }

    fn name(&self, table: Table) -> Result<&str, StoreError> {
        self.names
            .get(table)
            .ok_or_else(|| StoreError::Invalid(format!("table {} is not configured", table.name())))
    }
}

/// JSON → DynamoDB attribute value.
pub(crate) fn to_attr(value: &Value) -> AttributeValue {
    match value {
        Value::Null => AttributeValue::Null(true),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Array(items) => AttributeValue::L(items.iter().map(to_attr).collect()),
        Value::Object(map) => {
            AttributeValue::M(map.iter().map(|(k, v)| (k.clone(), to_attr(v))).collect())
        }
    }
}

/// DynamoDB attribute value → JSON (sets become arrays, binary becomes base64).
pub(crate) fn from_attr(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::N(n) => number(n),
        AttributeValue::S(s) => Value::String(s.clone()),
        AttributeValue::L(items) => Value::Array(items.iter().map(from_attr).collect()),
        AttributeValue::M(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), from_attr(v))).collect())
        }
        AttributeValue::Ss(items) => {
            Value::Array(items.iter().cloned().map(Value::String).collect())
        }
        AttributeValue::Ns(items) => Value::Array(items.iter().map(|n| number(n)).collect()),
        AttributeValue::B(b) => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(b.as_ref()))
        }
        _ => Value::Null,
    }
}

fn number(n: &str) -> Value {
    if let Ok(i) = n.parse::<i64>() {
        Value::Number(i.into())
    } else if let Ok(u) = n.parse::<u64>() {
        Value::Number(u.into())
    } else {
        n.parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

fn to_attrs(item: &Item) -> Attributes {
    item.iter().map(|(k, v)| (k.clone(), to_attr(v))).collect()
}

fn from_attrs(attrs: &Attributes) -> Item {
    attrs
        .iter()
        .map(|(k, v)| (k.clone(), from_attr(v)))
        .collect()
}

fn key_attrs(table: Table, key: &Key) -> Result<Attributes, StoreError> {
    let spec = table.spec();
    let mut attrs = Attributes::from([(
        spec.partition_key.to_string(),
        AttributeValue::S(key.partition.clone()),
    )]);
    match (spec.sort_key, &key.sort) {
        (Some(name), Some(value)) => {
            attrs.insert(name.to_string(), AttributeValue::S(value.clone()));
        }
        (None, None) => {}
        _ => {
            return Err(StoreError::Invalid(format!(
                "key does not match the schema of {}",
                table.name()
            )));
        }
    }
    Ok(attrs)
}

/// A condition expression with its placeholders.
#[derive(Default)]
struct Expression {
    text: Option<String>,
    names: HashMap<String, String>,
    values: Attributes,
}

fn condition_expression(table: Table, condition: &Condition) -> Expression {
    let pk = table.spec().partition_key;
    let mut e = Expression::default();
    match condition {
        Condition::Always => {}
        Condition::Absent => {
            e.names.insert("#pk".into(), pk.into());
            e.text = Some("attribute_not_exists(#pk)".into());
        }
        Condition::Present => {
            e.names.insert("#pk".into(), pk.into());
            e.text = Some("attribute_exists(#pk)".into());
        }
        Condition::Equals(pairs) => {
            e.names.insert("#pk".into(), pk.into());
            let mut clauses = vec!["attribute_exists(#pk)".to_string()];
            for (i, (name, value)) in pairs.iter().enumerate() {
                e.names.insert(format!("#c{i}"), name.clone());
                e.values.insert(format!(":c{i}"), to_attr(value));
                clauses.push(format!("#c{i} = :c{i}"));
            }
            e.text = Some(clauses.join(" AND "));
        }
    }
    e
}

fn some_if_any<K, V>(map: HashMap<K, V>) -> Option<HashMap<K, V>> {
    if map.is_empty() { None } else { Some(map) }
}

/// Maps an SDK failure to the store error a caller acts on.
fn sdk_error<E, R>(e: aws_smithy_runtime_api::client::result::SdkError<E, R>) -> StoreError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let (code, message) = describe(&e);
    store_error(&code, message)
}

fn store_error(code: &str, message: String) -> StoreError {
    match code {
        "ConditionalCheckFailedException" => StoreError::ConditionFailed,
        c if THROTTLING.contains(&c) => StoreError::Throttled,
        "ValidationException" => StoreError::Invalid(message),
        _ => StoreError::Unavailable(message),
    }
}

fn encode_cursor(key: &Attributes) -> Cursor {
    let json: Item = from_attrs(key);
    Cursor(URL_SAFE_NO_PAD.encode(serde_json::to_vec(&json).unwrap_or_default()))
}

fn decode_cursor(cursor: &Cursor) -> Result<Attributes, StoreError> {
    URL_SAFE_NO_PAD
        .decode(&cursor.0)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Item>(&bytes).ok())
        .filter(|item| !item.is_empty() && item.values().all(Value::is_string))
        .map(|item| to_attrs(&item))
        .ok_or_else(|| StoreError::Invalid("malformed cursor".into()))
}

#[async_trait]
impl ItemStore for DynamoStore {
    async fn get(&self, table: Table, key: &Key) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.name(table)?)
            .set_key(Some(key_attrs(table, key)?))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(out.item().map(from_attrs))
    }

    async fn put(&self, table: Table, item: Item, condition: Condition) -> Result<(), StoreError> {
        key_of(&table.spec(), &item)?;
        let e = condition_expression(table, &condition);
        self.client
            .put_item()
            .table_name(self.name(table)?)
            .set_item(Some(to_attrs(&item)))
            .set_condition_expression(e.text)
            .set_expression_attribute_names(some_if_any(e.names))
            .set_expression_attribute_values(some_if_any(e.values))
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    async fn delete(
        &self,
        table: Table,
        key: &Key,
        condition: Condition,
    ) -> Result<(), StoreError> {
        let e = condition_expression(table, &condition);
        self.client
            .delete_item()
            .table_name(self.name(table)?)
            .set_key(Some(key_attrs(table, key)?))
            .set_condition_expression(e.text)
            .set_expression_attribute_names(some_if_any(e.names))
            .set_expression_attribute_values(some_if_any(e.values))
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    async fn query(&self, table: Table, q: &Query) -> Result<Page, StoreError> {
        let spec = table.spec();
        let (pk, sk) = match q.index {
            None => (spec.partition_key, spec.sort_key),
            Some(name) => {
                let index = spec.index(name).ok_or_else(|| {
                    StoreError::Invalid(format!("{} has no index `{name}`", table.name()))
                })?;
                (index.partition_key, index.sort_key)
            }
        };
        let mut names = HashMap::from([("#pk".to_string(), pk.to_string())]);
        let mut values =
            Attributes::from([(":pk".to_string(), AttributeValue::S(q.partition.clone()))]);
        let mut expression = "#pk = :pk".to_string();
        if let Some(condition) = &q.sort {
            let sk = sk.ok_or_else(|| {
                StoreError::Invalid("sort condition on a key without sort key".into())
            })?;
            names.insert("#sk".into(), sk.into());
            match condition {
                SortCondition::Equals(v) => {
                    expression += " AND #sk = :sk";
                    values.insert(":sk".into(), AttributeValue::S(v.clone()));
                }
                SortCondition::BeginsWith(p) => {
                    expression += " AND begins_with(#sk, :sk)";
                    values.insert(":sk".into(), AttributeValue::S(p.clone()));
                }
                SortCondition::Between(a, b) => {
                    expression += " AND #sk BETWEEN :lo AND :hi";
                    values.insert(":lo".into(), AttributeValue::S(a.clone()));
                    values.insert(":hi".into(), AttributeValue::S(b.clone()));
                }
            }
        }
        let limit = q.limit.map(|l| i32::try_from(l).unwrap_or(i32::MAX));
        let start = q.cursor.as_ref().map(decode_cursor).transpose()?;
        let out = self
            .client
            .query()
            .table_name(self.name(table)?)
            .set_index_name(q.index.map(str::to_string))
            .key_condition_expression(expression)
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .scan_index_forward(q.ascending)
            .set_limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Page {
            items: out.items().iter().map(from_attrs).collect(),
            next: out
                .last_evaluated_key()
                .filter(|k| !k.is_empty())
                .map(encode_cursor),
        })
    }

    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
        let invalid = |e: aws_sdk_dynamodb::error::BuildError| StoreError::Invalid(e.to_string());
        let mut items = Vec::with_capacity(ops.len());
        for op in &ops {
            let item = match op {
                TxOp::Put {
                    table,
                    item,
                    condition,
                } => {
                    key_of(&table.spec(), item)?;
                    let e = condition_expression(*table, condition);
                    let put = Put::builder()
                        .table_name(self.name(*table)?)
                        .set_item(Some(to_attrs(item)))
                        .set_condition_expression(e.text)
                        .set_expression_attribute_names(some_if_any(e.names))
                        .set_expression_attribute_values(some_if_any(e.values))
                        .build()
                        .map_err(invalid)?;
                    TransactWriteItem::builder().put(put).build()
                }
                TxOp::Delete {
                    table,
                    key,
                    condition,
                } => {
                    let e = condition_expression(*table, condition);
                    let delete = Delete::builder()
                        .table_name(self.name(*table)?)
                        .set_key(Some(key_attrs(*table, key)?))
                        .set_condition_expression(e.text)
                        .set_expression_attribute_names(some_if_any(e.names))
                        .set_expression_attribute_values(some_if_any(e.values))
                        .build()
                        .map_err(invalid)?;
                    TransactWriteItem::builder().delete(delete).build()
                }
                TxOp::Check {
                    table,
                    key,
                    condition,
                } => {
                    let e = condition_expression(*table, condition);
                    let check = ConditionCheck::builder()
                        .table_name(self.name(*table)?)
                        .set_key(Some(key_attrs(*table, key)?))
                        .condition_expression(e.text.unwrap_or_else(|| {
                            "attribute_exists(#pk) OR attribute_not_exists(#pk)".into()
                        }))
                        .set_expression_attribute_names(Some(if e.names.is_empty() {
                            HashMap::from([(
                                "#pk".to_string(),
                                table.spec().partition_key.to_string(),
                            )])
                        } else {
                            e.names
                        }))
                        .set_expression_attribute_values(some_if_any(e.values))
                        .build()
                        .map_err(invalid)?;
                    TransactWriteItem::builder().condition_check(check).build()
                }
            };
            items.push(item);
        }
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => {
                let (code, message) = describe(&e);
                let failed_condition = e
                    .as_service_error()
                    .and_then(|s| match s {
                        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(t) => {
                            Some(t.cancellation_reasons().iter().any(|r| r.code() == Some("ConditionalCheckFailed")))
                        }
                        _ => None,
                    })
                    .unwrap_or(false);
                if failed_condition {
                    Err(StoreError::ConditionFailed)
                } else if code == "TransactionCanceledException" {
                    // Cancelled for a conflict with another transaction or for throughput: retryable.
                    Err(StoreError::Throttled)
                } else {
                    Err(store_error(&code, message))
                }
            }
        }
    }
}

/// Creates every table of [`Table::ALL`] under `names` as the SAM template declares them
/// (on-demand, string keys, GSIs projecting all attributes, TTL); for the emulator and benches.
pub async fn create_tables(client: &Client, names: &TableNames) -> Result<(), StoreError> {
    let fail = |e: String| StoreError::Unavailable(e);
    for table in Table::ALL {
        let Some(name) = names.get(table) else {
            continue;
        };
        let spec = table.spec();
        let mut attributes = vec![spec.partition_key];
        attributes.extend(spec.sort_key);
        for index in spec.indexes {
            attributes.push(index.partition_key);
            attributes.extend(index.sort_key);
        }
        attributes.sort();
        attributes.dedup();
        let schema = |pk: &str, sk: Option<&str>| -> Result<Vec<KeySchemaElement>, StoreError> {
            let mut keys = vec![
                KeySchemaElement::builder()
                    .attribute_name(pk)
                    .key_type(KeyType::Hash)
                    .build()
                    .map_err(|e| fail(e.to_string()))?,
            ];
            if let Some(sk) = sk {
                keys.push(
                    KeySchemaElement::builder()
                        .attribute_name(sk)
                        .key_type(KeyType::Range)
                        .build()
                        .map_err(|e| fail(e.to_string()))?,
                );
            }
            Ok(keys)
        };
        let mut request = client
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest)
            .set_key_schema(Some(schema(spec.partition_key, spec.sort_key)?));
        for attribute in attributes {
            request = request.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(attribute)
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .map_err(|e| fail(e.to_string()))?,
            );
        }
        for index in spec.indexes {
            request = request.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(index.name)
                    .set_key_schema(Some(schema(index.partition_key, index.sort_key)?))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
                    .map_err(|e| fail(e.to_string()))?,
            );
        }
        request.send().await.map_err(|e| fail(describe(&e).1))?;
        if let Some(ttl) = spec.ttl_attribute {
            client
                .update_time_to_live()
                .table_name(name)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .attribute_name(ttl)
                        .enabled(true)
                        .build()
                        .map_err(|e| fail(e.to_string()))?,
                )
                .send()
                .await
                .map_err(|e| fail(describe(&e).1))?;
        }
    }
    Ok(())
}
