//! `template.yaml` as the tests' one source of what AWS is given: the user pool is made on moto
//! exactly as the template declares it (username attributes, password policy, schema, app
//! clients by name with their auth flows and attributes, groups), so a pool the template changes
//! changes here too. The Lambda triggers are left out: moto cannot invoke our functions, and the
//! trigger handlers are tested on their own events.

use std::collections::BTreeMap;
use std::path::PathBuf;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, ExplicitAuthFlowsType, PasswordPolicyType, SchemaAttributeType,
    UserPoolPolicyType, UsernameAttributeType, VerifiedAttributeType,
};
use serde_norway::Value;

/// The SAM template at the workspace root, parsed (CloudFormation's `!Ref` and friends stay
/// tagged values).
pub fn template() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
    let text = std::fs::read_to_string(&path).expect("template.yaml");
    serde_norway::from_str(&text).expect("template.yaml parses")
}

/// Every resource of `kind`, by logical id.
pub fn resources<'a>(template: &'a Value, kind: &str) -> Vec<(&'a str, &'a Value)> {
    template["Resources"]
        .as_mapping()
        .expect("Resources")
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some(kind))
        .map(|(id, r)| (id.as_str().expect("a logical id"), r))
        .collect()
}

/// `!Ref <id>` of a property, if it is one.
fn reference(value: &Value) -> Option<&str> {
    match value {
        Value::Tagged(tagged) if tagged.tag == "Ref" => tagged.value.as_str(),
        _ => None,
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_sequence()
        .map(|s| {
            s.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A user pool made on the emulator from the template.
pub struct Pool {
    pub id: String,
    /// App client ids by `ClientName`.
    pub clients: BTreeMap<String, String>,
}

/// Makes the template's one `AWS::Cognito::UserPool` (named `name` on the emulator) with its
/// app clients and groups.
pub async fn user_pool(cognito: &Client, name: &str) -> Result<Pool, String> {
    let template = template();
    let pools = resources(&template, "AWS::Cognito::UserPool");
    let [(logical_id, pool)] = pools.as_slice() else {
        return Err(format!("the template declares {} user pools", pools.len()));
    };
    let p = &pool["Properties"];
    let password = &p["Policies"]["PasswordPolicy"];
    let policy = PasswordPolicyType::builder()
        .set_minimum_length(password["MinimumLength"].as_i64().map(|n| n as i32))
        .set_require_lowercase(password["RequireLowercase"].as_bool())
        .set_require_uppercase(password["RequireUppercase"].as_bool())
        .set_require_numbers(password["RequireNumbers"].as_bool())
        .set_require_symbols(password["RequireSymbols"].as_bool())
        .build();
    let mut request = cognito.create_user_pool().pool_name(name).policies(
        UserPoolPolicyType::builder()
            .password_policy(policy)
            .build(),
    );
    for attribute in strings(&p["UsernameAttributes"]) {
        request = request.username_attributes(UsernameAttributeType::from(attribute.as_str()));
    }
    for attribute in strings(&p["AutoVerifiedAttributes"]) {
        request = request.auto_verified_attributes(VerifiedAttributeType::from(attribute.as_str()));
    }
    for attribute in p["Schema"].as_sequence().into_iter().flatten() {
        request = request.schema(
            SchemaAttributeType::builder()
                .set_name(attribute["Name"].as_str().map(str::to_string))
                .set_attribute_data_type(
                    attribute["AttributeDataType"]
                        .as_str()
                        .map(AttributeDataType::from),
                )
                .set_mutable(attribute["Mutable"].as_bool())
                .build(),
        );
    }
    let made = request
        .send()
        .await
        .map_err(|e| format!("user pool: {e:?}"))?;
    let id = made
        .user_pool()
        .and_then(|p| p.id())
        .ok_or("a user pool without an id")?
        .to_string();

    let mut clients = BTreeMap::new();
    for (client_id, client) in resources(&template, "AWS::Cognito::UserPoolClient") {
        let c = &client["Properties"];
        if reference(&c["UserPoolId"]) != Some(logical_id) {
            continue;
        }
        let client_name = c["ClientName"]
            .as_str()
            .ok_or_else(|| format!("{client_id} has no ClientName"))?;
        let flows: Vec<ExplicitAuthFlowsType> = strings(&c["ExplicitAuthFlows"])
            .iter()
            .map(|f| ExplicitAuthFlowsType::from(f.as_str()))
            .collect();
        let out = cognito
            .create_user_pool_client()
            .user_pool_id(&id)
            .client_name(client_name)
            .set_generate_secret(c["GenerateSecret"].as_bool())
            .set_explicit_auth_flows(Some(flows))
            .set_read_attributes(Some(strings(&c["ReadAttributes"])))
            .set_write_attributes(Some(strings(&c["WriteAttributes"])))
            .send()
            .await
            .map_err(|e| format!("app client {client_name}: {e:?}"))?;
        let made = out
            .user_pool_client()
            .and_then(|c| c.client_id())
            .ok_or("an app client without an id")?;
        clients.insert(client_name.to_string(), made.to_string());
    }

    for (group_id, group) in resources(&template, "AWS::Cognito::UserPoolGroup") {
        let g = &group["Properties"];
        if reference(&g["UserPoolId"]) != Some(logical_id) {
            continue;
        }
        let group_name = g["GroupName"]
            .as_str()
            .ok_or_else(|| format!("{group_id} has no GroupName"))?;
        cognito
            .create_group()
            .user_pool_id(&id)
            .group_name(group_name)
            .send()
            .await
            .map_err(|e| format!("group {group_name}: {e:?}"))?;
    }
    Ok(Pool { id, clients })
}
