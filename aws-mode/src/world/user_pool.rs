//! The template's one user pool, made as it declares it: username attributes, password policy,
//! schema, email configuration, app clients by name with their auth flows and attributes, and
//! groups. The Lambda triggers are not attached: moto never invokes them, so AWS mode's front
//! invokes them at the moments Cognito would (`crate::front::user_pool`).

use std::collections::BTreeMap;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, EmailConfigurationType, EmailSendingAccountType, ExplicitAuthFlowsType,
    PasswordPolicyType, SchemaAttributeType, UserPoolPolicyType, UsernameAttributeType,
    VerifiedAttributeType,
};

use crate::names::{Names, Physical};
use crate::template::{attribute, reference, resources, strings};

/// A user pool made on the emulator from the template.
#[derive(Clone, Debug)]
pub struct Pool {
    pub id: String,
    /// App client ids by `ClientName`.
    pub clients: BTreeMap<String, String>,
    /// Whom the pool's own mails (codes, invitations) come from (`EmailConfiguration.From`).
    pub mail_from: Option<String>,
    /// The function (logical id) of each trigger in `LambdaConfig`, by trigger (`PreSignUp`).
    pub triggers: BTreeMap<String, String>,
}

/// Makes the template's one `AWS::Cognito::UserPool` with its app clients and groups, and
/// records the pool's id and ARN and each client's id in `names`.
pub async fn make(cognito: &Client, names: &mut Names) -> Result<Pool, String> {
    let pools = resources("AWS::Cognito::UserPool");
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
    let name = names.resolve_one(&p["UserPoolName"])?;
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
    let email = &p["EmailConfiguration"];
    let mut mail_from = None;
    if !email.is_null() {
        mail_from = Some(names.resolve_one(&email["From"])?);
        request = request.email_configuration(
            EmailConfigurationType::builder()
                .set_email_sending_account(
                    email["EmailSendingAccount"]
                        .as_str()
                        .map(EmailSendingAccountType::from),
                )
                .set_source_arn(Some(names.resolve_one(&email["SourceArn"])?))
                .set_from(mail_from.clone())
                .build(),
        );
    }
    let made = request
        .send()
        .await
        .map_err(|e| format!("user pool: {e:?}"))?;
    let made = made.user_pool().ok_or("CreateUserPool: no pool")?;
    let id = made.id().ok_or("a user pool without an id")?.to_string();
    let arn = made.arn().ok_or("a user pool without an ARN")?;
    names.insert(
        logical_id,
        Physical::new(&id, arn).with(
            "ProviderName",
            format!("cognito-idp.{}.amazonaws.com/{id}", names.region),
        ),
    );

    let mut clients = BTreeMap::new();
    for (client_id, client) in resources("AWS::Cognito::UserPoolClient") {
        let c = &client["Properties"];
        if reference(&c["UserPoolId"]) != Some(*logical_id) {
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
        names.insert(client_id, Physical::named(made));
        clients.insert(client_name.to_string(), made.to_string());
    }

    for (group_id, group) in resources("AWS::Cognito::UserPoolGroup") {
        let g = &group["Properties"];
        if reference(&g["UserPoolId"]) != Some(*logical_id) {
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
    let mut triggers = BTreeMap::new();
    for (trigger, target) in p["LambdaConfig"].as_mapping().into_iter().flatten() {
        let trigger = trigger.as_str().unwrap_or_default();
        match attribute(target) {
            Some((function, "Arn")) => {
                triggers.insert(trigger.to_string(), function.to_string());
            }
            _ => {
                return Err(format!(
                    "LambdaConfig.{trigger} is not !GetAtt <Function>.Arn"
                ));
            }
        }
    }
    Ok(Pool {
        id,
        clients,
        mail_from,
        triggers,
    })
}
