//! What a journey in AWS mode holds: the gateway's URL, the front (where the portals' Cognito
//! calls go, unsigned, as an app client sends them), and moto's SES outbox.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use serde_norway::Value as Yaml;

use crate::aws::AwsBackend;

/// How long a journey waits for what happens asynchronously (a stream's mail).
pub const WAIT: Duration = Duration::from_secs(30);

/// One mail in moto's SES outbox.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    /// Subject and body, or the raw MIME message.
    pub text: String,
}

pub struct Walk {
    pub backend: Arc<AwsBackend>,
    pub url: String,
    pub http: reqwest::Client,
}

impl Walk {
    /// A fresh deployment of `template` with the gateway in front, on a free loopback port.
    pub async fn start(template: &Yaml, name: &str) -> Walk {
        let logs = std::env::temp_dir().join(format!("genese-{name}-{}", std::process::id()));
        let backend = Arc::new(
            AwsBackend::start_with(template, &logs)
                .await
                .expect("AWS mode starts"),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let router = crate::aws_router(backend.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Walk {
            backend,
            url,
            http: reqwest::Client::new(),
        }
    }

    /// An API call with `token`; the status and the JSON (or text) answer.
    pub async fn api(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        genese_tests::api_call::api_call(
            &self.http,
            token,
            method,
            format!("{}{path}", self.url),
            body,
        )
        .await
    }

    /// The app client named `name` (`careers-portal`, `attendance-portal`).
    pub fn client(&self, name: &str) -> String {
        self.backend.deployment.world.pool.clients[name].clone()
    }

    /// A Cognito call as an app client makes it: unsigned JSON 1.1, to the front.
    pub async fn cognito(&self, operation: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(self.backend.deployment.front.endpoint())
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                format!("AWSCognitoIdentityProviderService.{operation}"),
            )
            .body(body.to_string())
            .send()
            .await
            .expect("the front answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Self sign-up through `client`, confirmed with the code the pool mails: the username
    /// the pool made.
    pub async fn sign_up(&self, client: &str, email: &str, password: &str) -> String {
        let client = self.client(client);
        let (status, made) = self
            .cognito(
                "SignUp",
                json!({ "ClientId": client, "Username": email, "Password": password,
                        "UserAttributes": [{ "Name": "email", "Value": email }] }),
            )
            .await;
        assert_eq!(status, 200, "SignUp: {made}");
        let mail = self.wait_for_mail(email, "verification code").await;
        let code: String = mail
            .text
            .split("verification code is ")
            .nth(1)
            .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
            .expect("a code in the mail");
        let (status, wrong) = self
            .cognito(
                "ConfirmSignUp",
                json!({ "ClientId": client, "Username": email, "ConfirmationCode": "000000x" }),
            )
            .await;
        assert_eq!(
            (status, wrong["__type"].as_str()),
            (400, Some("CodeMismatchException"))
        );
        let (status, confirmed) = self
            .cognito(
                "ConfirmSignUp",
                json!({ "ClientId": client, "Username": email, "ConfirmationCode": code }),
            )
            .await;
        assert_eq!(status, 200, "ConfirmSignUp: {confirmed}");
        made["UserSub"].as_str().unwrap().to_string()
    }

    /// Signs in through `client` with the password; the id token.
    pub async fn sign_in(&self, client: &str, email: &str, password: &str) -> String {
        let (status, signed_in) = self.initiate(client, email, password).await;
        assert_eq!(status, 200, "InitiateAuth: {signed_in}");
        signed_in["AuthenticationResult"]["IdToken"]
            .as_str()
            .unwrap_or_else(|| panic!("no tokens: {signed_in}"))
            .to_string()
    }

    async fn initiate(&self, client: &str, email: &str, password: &str) -> (u16, Value) {
        // moto accepts this flow on any client (the portals' enable SRP only): AWS mode does
        // not yet refuse it, and moto checks no SRP proof, so this is the flow that proves
        // the password.
        self.cognito(
            "InitiateAuth",
            json!({ "ClientId": self.client(client), "AuthFlow": "USER_PASSWORD_AUTH",
                    "AuthParameters": { "USERNAME": email, "PASSWORD": password } }),
        )
        .await
    }

    /// An invited user's first sign-in: the mailed temporary password, then their own; the
    /// id token.
    pub async fn accept_invitation(&self, email: &str, new_password: &str) -> String {
        let mail = self.wait_for_mail(email, "temporary password").await;
        let temporary = mail
            .text
            .split("temporary password is ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .map(|p| p.trim_end_matches('.').to_string())
            .expect("a temporary password in the invitation");
        let client = "attendance-portal";
        let (status, challenge) = self.initiate(client, email, &temporary).await;
        assert_eq!(status, 200, "{challenge}");
        assert_eq!(challenge["ChallengeName"], "NEW_PASSWORD_REQUIRED");
        let (status, answered) = self
            .cognito(
                "RespondToAuthChallenge",
                json!({ "ClientId": self.client(client), "ChallengeName": "NEW_PASSWORD_REQUIRED",
                        "Session": challenge["Session"],
                        "ChallengeResponses": { "USERNAME": email, "NEW_PASSWORD": new_password } }),
            )
            .await;
        assert_eq!(status, 200, "RespondToAuthChallenge: {answered}");
        answered["AuthenticationResult"]["IdToken"]
            .as_str()
            .unwrap_or_else(|| panic!("no tokens: {answered}"))
            .to_string()
    }

    /// An operator (IT, in the console) creates a user in `group`; the pool mails them a
    /// temporary password.
    pub async fn operator_invites(&self, email: &str, group: &str) {
        use aws_sdk_cognitoidentityprovider::types::AttributeType;
        let deployment = &self.backend.deployment;
        // Through the front, so the pool's service side sees it as Cognito would.
        let config = deployment
            .operator
            .to_builder()
            .endpoint_url(deployment.front.endpoint())
            .build();
        let cognito = aws_sdk_cognitoidentityprovider::Client::new(&config);
        let pool = &deployment.world.pool.id;
        let made = cognito
            .admin_create_user()
            .user_pool_id(pool)
            .username(email)
            .user_attributes(
                AttributeType::builder()
                    .name("email")
                    .value(email)
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .expect("AdminCreateUser");
        cognito
            .admin_add_user_to_group()
            .user_pool_id(pool)
            .username(made.user().unwrap().username().unwrap())
            .group_name(group)
            .send()
            .await
            .expect("AdminAddUserToGroup");
    }

    /// Posts a Slack form to the Slack route `path`, signed with the deployment's signing
    /// secret as Slack signs it now; the status and the JSON reply.
    pub async fn slack(&self, path: &str, form: String) -> (u16, Value) {
        let secret = &self.backend.deployment.world.slack.signing_secret;
        let ts = chrono::Utc::now().timestamp();
        let response = self
            .http
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", ts.to_string())
            .header(
                "x-slack-signature",
                edge::slack::sign(secret, ts, form.as_bytes()),
            )
            .body(form)
            .send()
            .await
            .expect("the gateway answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Every mail moto's SES has accepted so far.
    pub async fn mails(&self) -> Vec<Mail> {
        let data: Value = self
            .http
            .get(format!(
                "{}/moto-api/data.json",
                self.backend.deployment.moto.endpoint
            ))
            .send()
            .await
            .expect("moto answers")
            .json()
            .await
            .expect("moto's state as JSON");
        let mut mails = Vec::new();
        for kind in ["Message", "RawMessage"] {
            let stored = data["ses"][kind].as_array().cloned().unwrap_or_default();
            for message in stored {
                let destinations = &message["destinations"];
                let to = ["ToAddresses", "CcAddresses", "BccAddresses"]
                    .iter()
                    .flat_map(|k| destinations[*k].as_array().cloned().unwrap_or_default())
                    .chain(destinations.as_array().cloned().unwrap_or_default())
                    .filter_map(|a| a.as_str().map(str::to_string))
                    .collect();
                let text = ["subject", "body", "raw_data"]
                    .iter()
                    .filter_map(|k| message[*k].as_str())
                    .collect::<Vec<_>>()
                    .join("\n");
                mails.push(Mail { to, text });
            }
        }
        mails
    }

    /// The mails to `address` that contain `text`.
    pub async fn mails_to(&self, address: &str, text: &str) -> Vec<Mail> {
        self.mails()
            .await
            .into_iter()
            .filter(|m| m.to.iter().any(|a| a.contains(address)) && m.text.contains(text))
            .collect()
    }

    /// The first mail to `address` containing `text`, waiting up to [`WAIT`] for it.
    pub async fn wait_for_mail(&self, address: &str, text: &str) -> Mail {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(mail) = self.mails_to(address, text).await.into_iter().next() {
                return mail;
            }
            if Instant::now() > deadline {
                let all = self.mails().await;
                panic!("no mail to {address} with `{text}` within {WAIT:?}; moto holds {all:#?}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Every call the front judged so far, that the template refused.
    pub fn refused_calls(&self) -> Vec<aws_mode::front::Call> {
        self.backend
            .deployment
            .front
            .calls()
            .into_iter()
            .filter(|c| c.denied.is_some())
            .collect()
    }
}

/// Prints a journey's name once it passed, as `make aws-e2e` reports progress.
pub fn passed(journey: &str, started: Instant) {
    println!(
        "aws-e2e: {journey} passed ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
}
