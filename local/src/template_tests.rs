//! template.yaml is code: these tests hold it to the workspace. Every Lambda binary of
//! `functions/` has exactly one function resource (and no resource points elsewhere), each
//! function is given exactly the tables its binary reads, only Slack's routes skip the Cognito
//! authorizer, no policy grants a wildcard action or a managed full-access policy, and each
//! function may read the table its init warm-up reads.
//! (routes.rs proves every route reaches the same function in the router and the template.)

use std::collections::{BTreeMap, BTreeSet};

use domain::ports::Table;
use serde_norway::Value;

use aws_mode::template::template;

/// (logical id, binary, resource) of every `AWS::Serverless::Function`.
fn functions() -> Vec<(String, String, Value)> {
    aws_mode::template::functions()
        .into_iter()
        .map(|(id, r)| {
            let binary = r["Metadata"]["BuildProperties"]["Binary"].as_str();
            (
                id.to_string(),
                binary.unwrap_or_default().to_string(),
                r.clone(),
            )
        })
        .collect()
}

/// Every binary target of the crates under `functions/`, from `cargo metadata`.
fn lambda_binaries() -> BTreeSet<String> {
    let output = crate::sam_build_tests::cargo(
        crate::sam_build_tests::workspace(),
        &[
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ],
    );
    let metadata: serde_json::Value = serde_json::from_str(&output).unwrap();
    let mut binaries = BTreeSet::new();
    for package in metadata["packages"].as_array().unwrap() {
        let manifest = package["manifest_path"].as_str().unwrap();
        if !manifest.contains("/functions/") {
            continue;
        }
        for target in package["targets"].as_array().unwrap() {
            if target["kind"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k == "bin")
            {
                binaries.insert(target["name"].as_str().unwrap().to_string());
            }
        }
    }
    binaries
}

#[test]
fn every_lambda_binary_has_exactly_one_function_resource() {
    let template = template();
    let mut deployed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, binary, r) in functions() {
        assert_eq!(r["Metadata"]["BuildMethod"], "rust-cargolambda", "{id}");
        assert_eq!(r["Properties"]["CodeUri"], ".", "{id}: the workspace root");
        deployed.entry(binary).or_default().push(id);
    }
    let binaries = lambda_binaries();
    for (binary, ids) in &deployed {
        assert!(
            binaries.contains(binary),
            "{ids:?} build `{binary}`, which no crate has"
        );
        assert_eq!(ids.len(), 1, "`{binary}` is deployed by {ids:?}");
    }
    for binary in &binaries {
        assert!(
            deployed.contains_key(binary),
            "`{binary}` has no function resource"
        );
    }
    let globals = &template["Globals"]["Function"];
    assert_eq!(globals["Runtime"], "provided.al2023");
    assert_eq!(globals["Architectures"][0], "arm64");
    assert_eq!(globals["Tracing"], "Active");
    assert_eq!(globals["LoggingConfig"]["LogFormat"], "JSON");
    // Every function's responses name the portal's origin (edge::cors).
    assert!(
        !globals["Environment"]["Variables"][edge::cors::ORIGIN_VAR].is_null(),
        "the functions are told the portal's origin"
    );
    let api = &template["Resources"]["Api"]["Properties"];
    assert!(
        !api["Cors"]["AllowOrigin"].is_null(),
        "API Gateway answers the preflight"
    );
    // The embedded stack answers preflights with the same allowances (edge::cors).
    for (key, value) in [
        ("AllowMethods", edge::cors::ALLOW_METHODS),
        ("AllowHeaders", edge::cors::ALLOW_HEADERS),
        ("MaxAge", edge::cors::MAX_AGE_SECONDS),
    ] {
        assert_eq!(
            api["Cors"][key],
            format!("'{value}'").as_str(),
            "Cors.{key}"
        );
    }
    assert_eq!(api["Auth"]["AddDefaultAuthorizerToCorsPreflight"], false);
}

/// The tables each binary's `main` reads its names for.
fn tables_of(binary: &str) -> &'static [Table] {
    match binary {
        "company-admin" => &company_admin::TABLES,
        "question-collection" => &question_collection::TABLES,
        "question-answer" => &question_answer::TABLES,
        "exam-sweep" => &question_answer::SWEEP_TABLES,
        "personal-details" => &personal_details::TABLES,
        "attendance" => &attendance::TABLES,
        "ses-notify" => &ses_notify::TABLES,
        "cognito-pre-signup" => &cognito_pre_signup::TABLES,
        "leave-requests" => &leave_requests::TABLES,
        "leave-notify" => &leave_requests::NOTIFY_TABLES,
        "slack" => &slack::TABLES,
        "checkout-reminder" => &slack::REMINDER_TABLES,
        other => panic!("`{other}` is not known to this test: add its tables"),
    }
}

#[test]
fn each_function_is_given_exactly_the_tables_it_uses() {
    for (id, binary, r) in functions() {
        let given: BTreeSet<String> = r["Properties"]["Environment"]["Variables"]
            .as_mapping()
            .map(|vars| {
                vars.keys()
                    .filter_map(|k| k.as_str())
                    .filter(|k| k.starts_with("TABLE_"))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let used: BTreeSet<String> = tables_of(&binary).iter().map(|t| t.env_var()).collect();
        assert_eq!(given, used, "{id} ({binary})");
    }
}

#[test]
fn only_slacks_routes_skip_the_cognito_authorizer() {
    let template = template();
    assert_eq!(
        template["Resources"]["Api"]["Properties"]["Auth"]["DefaultAuthorizer"],
        "CognitoAuthorizer"
    );
    for (id, _, r) in functions() {
        let Some(events) = r["Properties"]["Events"].as_mapping() else {
            continue;
        };
        for (name, event) in events {
            if event["Type"].as_str() != Some("Api") {
                continue;
            }
            let path = event["Properties"]["Path"].as_str().unwrap();
            let authorizer = event["Properties"]["Auth"]["Authorizer"].as_str();
            if path.starts_with("/slack/") {
                assert_eq!(
                    authorizer,
                    Some("NONE"),
                    "{id}.{name:?}: Slack signs instead"
                );
            } else {
                assert_eq!(
                    authorizer, None,
                    "{id}.{name:?} {path} must keep the default authorizer"
                );
            }
        }
    }
}

fn statements(policies: &Value) -> Vec<Value> {
    policies
        .as_sequence()
        .into_iter()
        .flatten()
        .flat_map(|p| p["Statement"].as_sequence().cloned().unwrap_or_default())
        .collect()
}

#[test]
fn no_policy_grants_a_wildcard_action_or_a_full_access_policy() {
    let mut checked = 0;
    for (id, _, r) in functions() {
        let policies = &r["Properties"]["Policies"];
        for policy in policies.as_sequence().into_iter().flatten() {
            let text = serde_norway::to_string(policy).unwrap();
            assert!(
                !text.contains("FullAccess"),
                "{id} uses a managed full-access policy"
            );
        }
        for statement in statements(policies) {
            let actions: Vec<String> = match &statement["Action"] {
                Value::String(a) => vec![a.clone()],
                Value::Sequence(list) => list
                    .iter()
                    .filter_map(|a| a.as_str().map(str::to_string))
                    .collect(),
                other => panic!("{id}: an Action of {other:?}"),
            };
            for action in actions {
                assert!(!action.contains('*'), "{id} grants `{action}`");
                checked += 1;
            }
        }
    }
    assert!(checked > 30, "the policies were read ({checked} actions)");
}

#[test]
fn every_function_logs_to_a_kept_group_and_has_error_and_throttle_alarms() {
    let template = template();
    let resources = &template["Resources"];
    // Dimensions hold `!Ref <function>`; the logical id names the function.
    let refers_to = |r: &Value, id: &str| serde_norway::to_string(r).unwrap().contains(id);
    for (id, _, r) in functions() {
        let group = r["Properties"]["LoggingConfig"]["LogGroup"].clone();
        let group_id = serde_norway::to_string(&group).unwrap();
        let group_id = group_id.trim().trim_start_matches("!Ref").trim();
        let log_group = &resources[group_id];
        assert_eq!(log_group["Type"], "AWS::Logs::LogGroup", "{id}: {group_id}");
        assert!(
            !log_group["Properties"]["RetentionInDays"].is_null(),
            "{id}"
        );
        for metric in ["Errors", "Throttles"] {
            let alarmed = resources.as_mapping().unwrap().values().any(|a| {
                a["Type"] == "AWS::CloudWatch::Alarm"
                    && a["Properties"]["MetricName"] == metric
                    && refers_to(&a["Properties"]["Dimensions"], &id)
            });
            assert!(alarmed, "{id} has no {metric} alarm");
        }
    }
}

/// Whether a statement allows `action` on the table whose logical id is `<name>Table` itself
/// (not one of its indexes).
fn allows_on_table(statement: &Value, action: &str, name: &str) -> bool {
    let actions = serde_norway::to_string(&statement["Action"]).unwrap();
    let resources: Vec<Value> = match &statement["Resource"] {
        Value::Sequence(list) => list.clone(),
        one => vec![one.clone()],
    };
    let table_arn = format!("{name}Table.Arn");
    actions.contains(action)
        && resources.iter().any(|r| {
            let text = serde_norway::to_string(r).unwrap();
            text.contains(&table_arn) && !text.contains("/index")
        })
}

#[test]
fn every_function_may_read_the_table_its_init_warm_up_reads() {
    // DynamoStore::at_init reads a never-existing key of the first configured table (in
    // `Table` order); without GetItem there, every cold start would log an access denial.
    for (id, binary, r) in functions() {
        let Some(first) = tables_of(&binary).iter().min() else {
            continue;
        };
        let statements = statements(&r["Properties"]["Policies"]);
        assert!(
            statements
                .iter()
                .any(|s| allows_on_table(s, "dynamodb:GetItem", first.name())),
            "{id} ({binary}) may not GetItem on {}",
            first.name()
        );
    }
}
