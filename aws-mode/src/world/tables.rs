//! The template's DynamoDB tables: keys, global secondary indexes, streams, TTL, encryption and
//! point-in-time recovery, as declared.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    PointInTimeRecoverySpecification, Projection, ProjectionType, ScalarAttributeType,
    SseSpecification, StreamSpecification, StreamViewType, TimeToLiveSpecification,
};
use serde_norway::Value;

use super::only_known;
use crate::names::Names;
use crate::template::{resources, strings};

/// Properties made here. `DeletionProtectionEnabled` is a stage condition (`!If IsProd`) that
/// guards a production table from a stack delete; a world dies with its emulator.
const KNOWN: [&str; 9] = [
    "BillingMode",
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "StreamSpecification",
    "TimeToLiveSpecification",
    "SSESpecification",
    "PointInTimeRecoverySpecification",
    "DeletionProtectionEnabled",
];

fn key_schema(value: &Value) -> Result<Vec<KeySchemaElement>, String> {
    value
        .as_sequence()
        .into_iter()
        .flatten()
        .map(|k| {
            KeySchemaElement::builder()
                .set_attribute_name(k["AttributeName"].as_str().map(str::to_string))
                .set_key_type(k["KeyType"].as_str().map(KeyType::from))
                .build()
                .map_err(|e| format!("key schema: {e}"))
        })
        .collect()
}

fn index(value: &Value) -> Result<GlobalSecondaryIndex, String> {
    let projection = &value["Projection"];
    GlobalSecondaryIndex::builder()
        .set_index_name(value["IndexName"].as_str().map(str::to_string))
        .set_key_schema(Some(key_schema(&value["KeySchema"])?))
        .projection(
            Projection::builder()
                .set_projection_type(
                    projection["ProjectionType"]
                        .as_str()
                        .map(ProjectionType::from),
                )
                .set_non_key_attributes(
                    Some(strings(&projection["NonKeyAttributes"])).filter(|a| !a.is_empty()),
                )
                .build(),
        )
        .build()
        .map_err(|e| format!("index: {e}"))
}

/// Makes every table and records its name and stream ARN in `names`.
pub(super) async fn make(dynamodb: &Client, names: &mut Names) -> Result<(), String> {
    for (id, resource) in resources("AWS::DynamoDB::Table") {
        only_known(id, resource, &KNOWN)?;
        let p = &resource["Properties"];
        let name = names.reference(id)?;
        let mut request = dynamodb
            .create_table()
            .table_name(&name)
            .set_billing_mode(p["BillingMode"].as_str().map(BillingMode::from))
            .set_key_schema(Some(key_schema(&p["KeySchema"])?));
        for attribute in p["AttributeDefinitions"]
            .as_sequence()
            .into_iter()
            .flatten()
        {
            request = request.attribute_definitions(
                AttributeDefinition::builder()
                    .set_attribute_name(attribute["AttributeName"].as_str().map(str::to_string))
                    .set_attribute_type(
                        attribute["AttributeType"]
                            .as_str()
                            .map(ScalarAttributeType::from),
                    )
                    .build()
                    .map_err(|e| format!("{id}: {e}"))?,
            );
        }
        for gsi in p["GlobalSecondaryIndexes"]
            .as_sequence()
            .into_iter()
            .flatten()
        {
            request =
                request.global_secondary_indexes(index(gsi).map_err(|e| format!("{id}: {e}"))?);
        }
        if let Some(view) = p["StreamSpecification"]["StreamViewType"].as_str() {
            request = request.stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::from(view))
                    .build()
                    .map_err(|e| format!("{id}: {e}"))?,
            );
        }
        if let Some(enabled) = p["SSESpecification"]["SSEEnabled"].as_bool() {
            request =
                request.sse_specification(SseSpecification::builder().enabled(enabled).build());
        }
        let made = request
            .send()
            .await
            .map_err(|e| format!("{id}: CreateTable: {e:?}"))?;
        let description = made
            .table_description()
            .ok_or("CreateTable: no description")?;
        let arn = description.table_arn().ok_or("CreateTable: no ARN")?;
        let mut physical = crate::names::Physical::new(&name, arn);
        if let Some(stream) = description.latest_stream_arn() {
            physical = physical.with("StreamArn", stream);
        }
        names.insert(id, physical);

        let ttl = &p["TimeToLiveSpecification"];
        if let Some(attribute) = ttl["AttributeName"].as_str() {
            dynamodb
                .update_time_to_live()
                .table_name(&name)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .attribute_name(attribute)
                        .enabled(ttl["Enabled"].as_bool().unwrap_or(false))
                        .build()
                        .map_err(|e| format!("{id}: {e}"))?,
                )
                .send()
                .await
                .map_err(|e| format!("{id}: UpdateTimeToLive: {e:?}"))?;
        }
        if let Some(enabled) =
            p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"].as_bool()
        {
            dynamodb
                .update_continuous_backups()
                .table_name(&name)
                .point_in_time_recovery_specification(
                    PointInTimeRecoverySpecification::builder()
                        .point_in_time_recovery_enabled(enabled)
                        .build()
                        .map_err(|e| format!("{id}: {e}"))?,
                )
                .send()
                .await
                .map_err(|e| format!("{id}: UpdateContinuousBackups: {e:?}"))?;
        }
    }
    Ok(())
}
