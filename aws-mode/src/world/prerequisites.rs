//! What a new account holds before the first deploy (the README's deploy section), made from
//! what the template names: an SES identity for every sender (each function's `MAIL_FROM` and
//! the pool's `EmailConfiguration.From`) and the Slack app's secret (`SlackSecretName`), here
//! with freshly generated values.

use std::collections::BTreeSet;

use aws_config::SdkConfig;
use rand::Rng;
use rand::distributions::Alphanumeric;

use crate::names::Names;
use crate::template::{functions, resources};

/// The Slack app's secret as the world made it: what a test signs Slack's requests with.
#[derive(Clone, Debug)]
pub struct SlackSecret {
    /// The secret's name (`SlackSecretName`), which the functions' `SLACK_SECRET_ID` gives.
    pub name: String,
    /// Its ARN, which Secrets Manager makes by appending six random characters to the name.
    pub arn: String,
    pub signing_secret: String,
    pub bot_token: String,
}

fn random(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// Every address the deployment sends mail from.
fn senders(names: &Names) -> Result<BTreeSet<String>, String> {
    let mut senders = BTreeSet::new();
    for (_, function) in functions() {
        let from = &function["Properties"]["Environment"]["Variables"]["MAIL_FROM"];
        if !from.is_null() {
            senders.insert(names.resolve_one(from)?);
        }
    }
    for (_, pool) in resources("AWS::Cognito::UserPool") {
        let from = &pool["Properties"]["EmailConfiguration"]["From"];
        if !from.is_null() {
            senders.insert(names.resolve_one(from)?);
        }
    }
    Ok(senders)
}

pub(super) async fn make(config: &SdkConfig, names: &Names) -> Result<SlackSecret, String> {
    let ses = aws_sdk_sesv2::Client::new(config);
    for sender in senders(names)? {
        ses.create_email_identity()
            .email_identity(&sender)
            .send()
            .await
            .map_err(|e| format!("SES identity {sender}: {e:?}"))?;
    }
    let name = names.reference("SlackSecretName")?;
    let (signing_secret, bot_token) = (random(32), format!("xoxb-{}", random(24)));
    let value = serde_json::json!({ "signingSecret": signing_secret, "botToken": bot_token });
    let made = aws_sdk_secretsmanager::Client::new(config)
        .create_secret()
        .name(&name)
        .secret_string(value.to_string())
        .send()
        .await
        .map_err(|e| format!("secret {name}: {e:?}"))?;
    Ok(SlackSecret {
        arn: made.arn().ok_or("CreateSecret: no ARN")?.to_string(),
        name,
        signing_secret,
        bot_token,
    })
}
