//! IAM as moto enforces it: each function gets a role made from its template statements (as
//! moto can evaluate them, [`crate::deviations::role_for_moto`]), trusted by Lambda, and a session
//! on it from moto's STS — its temporary credentials are what the instance signs with. The
//! operator (the world's set-up, a test reading back) is an IAM user allowed everything. Then
//! moto's enforcement is switched on: from that call on it checks every signature and policy.

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use aws_sdk_dynamodb::config::{Credentials, SharedCredentialsProvider};

use crate::grants::Grants;
use crate::names::Names;

/// Temporary credentials of one function's role session.
#[derive(Clone, Debug)]
pub struct Session {
    pub access_key: String,
    pub secret_key: String,
    pub session_token: String,
}

const LAMBDA_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// A role with `grants` and a session on it for every function (by logical id), named in
/// `names`'s deployment.
pub async fn assume(
    config: &SdkConfig,
    names: &Names,
    grants: &BTreeMap<String, Grants>,
) -> Result<BTreeMap<String, Session>, String> {
    let iam = aws_sdk_iam::Client::new(config);
    let sts = aws_sdk_sts::Client::new(config);
    let mut sessions = BTreeMap::new();
    for (function, grants) in grants {
        let role_name = format!("{}-role", names.reference(function)?);
        let role_name: String = role_name.chars().take(64).collect();
        let made = iam
            .create_role()
            .role_name(&role_name)
            .assume_role_policy_document(LAMBDA_TRUST)
            .send()
            .await
            .map_err(|e| format!("{function}: CreateRole: {e:?}"))?;
        let arn = made
            .role()
            .map(|r| r.arn().to_string())
            .ok_or("CreateRole: no role")?;
        let policy = crate::deviations::role_for_moto(&grants.document());
        iam.put_role_policy()
            .role_name(&role_name)
            .policy_name("template-statements")
            .policy_document(policy.to_string())
            .send()
            .await
            .map_err(|e| format!("{function}: PutRolePolicy: {e:?}"))?;
        let assumed = sts
            .assume_role()
            .role_arn(&arn)
            .role_session_name(function.as_str())
            .send()
            .await
            .map_err(|e| format!("{function}: AssumeRole: {e:?}"))?;
        let credentials = assumed.credentials().ok_or("AssumeRole: no credentials")?;
        sessions.insert(
            function.clone(),
            Session {
                access_key: credentials.access_key_id().to_string(),
                secret_key: credentials.secret_access_key().to_string(),
                session_token: credentials.session_token().to_string(),
            },
        );
    }
    Ok(sessions)
}

/// An IAM user allowed everything, and `config` signing as it.
pub async fn operator(config: &SdkConfig) -> Result<SdkConfig, String> {
    let iam = aws_sdk_iam::Client::new(config);
    iam.create_user()
        .user_name("operator")
        .send()
        .await
        .map_err(|e| format!("CreateUser: {e:?}"))?;
    iam.put_user_policy()
        .user_name("operator")
        .policy_name("everything")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
        .send()
        .await
        .map_err(|e| format!("PutUserPolicy: {e:?}"))?;
    let key = iam
        .create_access_key()
        .user_name("operator")
        .send()
        .await
        .map_err(|e| format!("CreateAccessKey: {e:?}"))?;
    let key = key.access_key().ok_or("CreateAccessKey: no key")?;
    let credentials = Credentials::new(
        key.access_key_id(),
        key.secret_access_key(),
        None,
        None,
        "aws-mode-operator",
    );
    Ok(config
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build())
}

/// Switches moto's IAM enforcement on: every request from now on is checked.
pub async fn enforce(endpoint: &str) -> Result<(), String> {
    let url = format!("{endpoint}/moto-api/reset-auth");
    let answer = reqwest::Client::new()
        .post(&url)
        .body("0")
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if !answer.status().is_success() {
        return Err(format!("{url}: {}", answer.status()));
    }
    Ok(())
}
