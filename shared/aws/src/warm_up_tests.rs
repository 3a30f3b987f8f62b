//! What the init warm-up sends, that it can be turned off, and that it never fails init.

use std::collections::BTreeMap;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::{Credentials, SharedCredentialsProvider};
use aws_smithy_http_client::test_util::capture_request;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use serde_json::Value;

use super::WARM_UP_VAR;
use crate::DynamoStore;
use domain::config::TableNames;
use domain::ports::Table;

/// A configuration whose requests go to `http` (a capturing client).
fn config(http: SharedHttpClient) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDTEST", "secret", None, None, "test",
        )))
        .http_client(http)
        .build()
}

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn names() -> TableNames {
    TableNames::from_env(
        &env(&[
            ("TABLE_EMPLOYEES", "genese-dev-Employees"),
            ("TABLE_COMPANIES", "genese-dev-Companies"),
        ]),
        &[Table::Employees, Table::Companies],
    )
    .unwrap()
}

#[tokio::test]
async fn init_reads_a_key_that_never_exists_in_the_first_table() {
    let (http, request) = capture_request(None);
    DynamoStore::at_init(&config(SharedHttpClient::new(http)), names(), &env(&[]))
        .await
        .unwrap();
    let sent = request.expect_request();
    assert_eq!(
        sent.headers().get("x-amz-target"),
        Some("DynamoDB_20120810.GetItem")
    );
    let body: Value = serde_json::from_slice(sent.body().bytes().unwrap()).unwrap();
    let first = Table::Companies.min(Table::Employees);
    assert_eq!(body["TableName"], format!("genese-dev-{}", first.name()));
    let key = body["Key"].as_object().unwrap();
    assert_eq!(key.len(), 1 + usize::from(first.spec().sort_key.is_some()));
    assert!(
        key.values().all(|v| v["S"] == "warm-up/never-an-item"),
        "{body}"
    );
}

#[tokio::test]
async fn warm_up_false_sends_nothing_at_init() {
    let (http, request) = capture_request(None);
    let config = config(SharedHttpClient::new(http));
    DynamoStore::at_init(&config, names(), &env(&[(WARM_UP_VAR, "false")]))
        .await
        .unwrap();
    request.expect_no_request();
}

#[tokio::test]
async fn a_malformed_switch_is_a_configuration_error_naming_it() {
    let (http, _request) = capture_request(None);
    let config = config(SharedHttpClient::new(http));
    let error = DynamoStore::at_init(&config, names(), &env(&[(WARM_UP_VAR, "sometimes")]))
        .await
        .err()
        .expect("refused");
    assert!(error.to_string().contains(WARM_UP_VAR), "{error}");
}

#[tokio::test]
async fn an_unreachable_store_does_not_fail_init() {
    // A port nothing listens on: connections are refused, the warm-up gives up, init goes on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap();
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .endpoint_url(format!("http://{closed}"))
        .load()
        .await;
    assert!(
        DynamoStore::at_init(&config, names(), &env(&[]))
            .await
            .is_ok()
    );
}
