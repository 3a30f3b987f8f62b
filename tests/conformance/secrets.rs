//! The Slack app's secrets, read from Secrets Manager at init, on the emulator: both keys of
//! the JSON secret, and a configuration error naming the variable when the secret is missing
//! or lacks a key (so a function fails at init, not on its first message).

use std::collections::BTreeMap;

use aws_adapters::{SLACK_SECRET_VAR, slack_secrets};
use aws_mode::moto::MotoServer;

#[tokio::test]
async fn the_slack_secrets_are_read_at_init_and_a_bad_secret_is_a_configuration_error() {
    let moto = MotoServer::start();
    let config = moto.sdk_config().await;
    let client = aws_sdk_secretsmanager::Client::new(&config);
    for (name, text) in [
        (
            "genese/slack",
            r#"{"signingSecret":"s3cr3t","botToken":"xoxb-1"}"#,
        ),
        ("genese/half", r#"{"signingSecret":"s3cr3t"}"#),
        ("genese/text", "not json"),
    ] {
        client
            .create_secret()
            .name(name)
            .secret_string(text)
            .send()
            .await
            .unwrap();
    }
    let env = |id: &str| BTreeMap::from([(SLACK_SECRET_VAR.to_string(), id.to_string())]);
    let secrets = slack_secrets(&config, &env("genese/slack")).await.unwrap();
    assert_eq!(
        (secrets.signing_secret.as_str(), secrets.bot_token.as_str()),
        ("s3cr3t", "xoxb-1")
    );
    assert!(!format!("{secrets:?}").contains("s3cr3t"), "never logged");
    for (id, says) in [
        ("genese/half", "botToken"),
        ("genese/text", "JSON"),
        ("genese/nothing", "could not be read"),
    ] {
        let refused = slack_secrets(&config, &env(id)).await.unwrap_err();
        assert_eq!(refused.variable, SLACK_SECRET_VAR);
        assert!(refused.problem.contains(says), "{id}: {}", refused.problem);
    }
    let unset = slack_secrets(&config, &BTreeMap::new()).await.unwrap_err();
    assert_eq!(unset.variable, SLACK_SECRET_VAR);
}
