//! What a first deploy of template.yaml into a new account needs, held as tests: each is a way a
//! real `sam deploy` failed or misbehaved although every other test passed.

use serde_norway::Value;

use aws_mode::template::{functions, reference, template};

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Sequence(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn the_api_stage_logs_only_after_the_accounts_logging_role_is_set() {
    let api = &template()["Resources"]["Api"];
    assert!(!api["Properties"]["AccessLogSetting"].is_null());
    // Without it the stage races ApiGatewayAccount on the first deploy of an account.
    let depends = strings(&api["DependsOn"]);
    assert!(
        depends.iter().any(|d| d == "ApiGatewayAccount"),
        "Api depends on {depends:?}"
    );
}

#[test]
fn alarms_publish_to_a_topic_whose_key_cloudwatch_may_use() {
    let topic = &template()["Resources"]["AlarmTopic"]["Properties"];
    let key_id = reference(&topic["KmsMasterKeyId"]).unwrap_or_else(|| {
        panic!(
            "the alarm topic's key is {:?}: alias/aws/sns cannot grant CloudWatch",
            topic["KmsMasterKeyId"]
        )
    });
    let key = &template()["Resources"][key_id];
    assert_eq!(key["Type"], "AWS::KMS::Key");
    assert_eq!(key["Properties"]["EnableKeyRotation"], true);
    let statements = key["Properties"]["KeyPolicy"]["Statement"]
        .as_sequence()
        .unwrap();
    let cloudwatch = statements
        .iter()
        .find(|s| s["Principal"]["Service"] == "cloudwatch.amazonaws.com")
        .expect("a statement for CloudWatch");
    let actions = strings(&cloudwatch["Action"]);
    for needed in ["kms:Decrypt", "kms:GenerateDataKey*"] {
        assert!(actions.iter().any(|a| a == needed), "{actions:?}");
    }
}

#[test]
fn no_function_reserves_concurrency() {
    // A new account's concurrency quota may be 10, all of it unreserved by rule: reserving even
    // one fails the deploy. The scheduled runs that reserved one each are idempotent instead
    // (tests: overlapping reminder runs post once; overlapping sweeps finalise once).
    for (id, function) in functions() {
        assert!(
            function["Properties"]["ReservedConcurrentExecutions"].is_null(),
            "{id} reserves concurrency"
        );
    }
}

/// The longest a stream record may take: a mail or a Slack call per addressee, with the SDK's
/// retries.
const SECONDS_PER_RECORD: u64 = 2;

#[test]
fn a_stream_batch_fits_its_functions_timeout() {
    let default_timeout = template()["Globals"]["Function"]["Timeout"]
        .as_u64()
        .unwrap();
    for (id, function) in functions() {
        let timeout = function["Properties"]["Timeout"]
            .as_u64()
            .unwrap_or(default_timeout);
        for (name, event) in function["Properties"]["Events"]
            .as_mapping()
            .into_iter()
            .flatten()
        {
            if event["Type"] != "DynamoDB" {
                continue;
            }
            // DynamoDB's default batch is 100.
            let batch = event["Properties"]["BatchSize"].as_u64().unwrap_or(100);
            assert!(
                batch * SECONDS_PER_RECORD <= timeout,
                "{id}.{name:?}: {batch} records of up to {SECONDS_PER_RECORD} s in a {timeout} s timeout"
            );
        }
    }
}

#[test]
fn the_user_pool_mails_through_ses_not_cognitos_capped_sender() {
    let email = &template()["Resources"]["UserPool"]["Properties"]["EmailConfiguration"];
    assert_eq!(
        email["EmailSendingAccount"], "DEVELOPER",
        "Cognito's default sender allows about 50 mails a day"
    );
    assert!(!email["SourceArn"].is_null() && !email["From"].is_null());
}

#[test]
fn cvs_reach_the_portal_only_and_replaced_ones_expire() {
    let bucket = &template()["Resources"]["CvBucket"]["Properties"];
    for rule in bucket["CorsConfiguration"]["CorsRules"]
        .as_sequence()
        .unwrap()
    {
        let origins = rule["AllowedOrigins"].as_sequence().unwrap();
        assert!(
            origins.iter().all(|o| reference(o) == Some("PortalOrigin")),
            "CV CORS allows {origins:?}"
        );
    }
    assert_eq!(bucket["VersioningConfiguration"]["Status"], "Enabled");
    let rules = bucket["LifecycleConfiguration"]["Rules"]
        .as_sequence()
        .expect("a lifecycle: every replaced CV would be kept forever");
    assert!(
        rules
            .iter()
            .any(|r| !r["NoncurrentVersionExpiration"].is_null()),
        "{rules:?}"
    );
}

/// Every string a value holds, `!Sub` bodies included.
fn texts(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Tagged(t) => texts(&t.value),
        Value::Sequence(items) => items.iter().flat_map(texts).collect(),
        Value::Mapping(map) => map.values().flat_map(texts).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn no_secret_sits_in_a_functions_environment() {
    // A dynamic reference resolves at deploy time into the function's configuration, in plain
    // text for anyone who may read it; functions read their secrets at init instead.
    let mut globals = vec![("Globals", &template()["Globals"]["Function"])];
    globals.extend(
        functions()
            .into_iter()
            .map(|(id, f)| (id, &f["Properties"])),
    );
    for (id, properties) in globals {
        for text in texts(&properties["Environment"]) {
            assert!(
                !text.contains("{{resolve:secretsmanager"),
                "{id} puts a secret in its environment: {text}"
            );
        }
    }
    for (id, function) in functions() {
        let env = &function["Properties"]["Environment"]["Variables"];
        if env.get("SLACK_SECRET_ID").is_none() {
            continue;
        }
        let grants = texts(&function["Properties"]["Policies"]).join(" ");
        assert!(
            grants.contains("secretsmanager:GetSecretValue"),
            "{id} reads its secret but may not"
        );
    }
}
