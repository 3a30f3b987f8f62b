//! The user pool's service side, which moto leaves out (see [`crate::deviations`]): the front
//! plays it around moto's Cognito API, as Cognito behaves.
//!
//! - **Triggers**, at Cognito's moments, with Cognito's events ([`crate::trigger_event`]):
//!   PreSignUp on `SignUp` and `AdminCreateUser`, PostConfirmation on `ConfirmSignUp`,
//!   PreTokenGeneration whenever tokens are issued. A trigger's error fails the call with
//!   `UserLambdaValidationException` and leaves nothing behind, as Cognito does.
//! - **Mails** from the pool's `EmailConfiguration.From` through SES: a sign-up's confirmation
//!   code (checked at `ConfirmSignUp`; moto accepts any) and an invitation's generated
//!   temporary password (moto makes none, so an invited user could never sign in).
//!
//! Each step runs after moto has answered (moto owns the users); undoing with an admin call
//! when a trigger refuses makes the outcome the one Cognito's before-the-fact check gives.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use axum::body::{Body, Bytes, to_bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine;
use rand::Rng;
use serde_json::{Map, Value, json};

use super::{Shared, forward};
use crate::instance::Instance;
use crate::trigger_event::{PoolOf, trigger_event};

/// Whom a pool without its own SES sender mails from (`COGNITO_DEFAULT` sending).
const COGNITO_DEFAULT_SENDER: &str = "no-reply@verificationemail.com";

/// How long Cognito waits for a trigger.
const TRIGGER_TIMEOUT: Duration = Duration::from_secs(5);

/// What the front needs to play the pool's service side.
pub struct UserPoolService {
    pub pool_id: String,
    pub region: String,
    /// The pool's sender; without one, Cognito's default sender.
    pub mail_from: Option<String>,
    /// The operator, straight to the emulator (Cognito's own calls are nobody's role's).
    pub operator: SdkConfig,
    /// The running trigger functions, by trigger (`PreSignUp`, as `LambdaConfig` names them).
    pub triggers: BTreeMap<String, Arc<Instance>>,
    /// Sign-up codes mailed and not yet confirmed, by username.
    codes: Mutex<HashMap<String, String>>,
}

/// Moto's answer, read whole.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        response
    }
}

async fn forwarded(shared: &Shared, parts: axum::http::request::Parts, body: Bytes) -> Answer {
    let response = forward(shared, parts, body).await;
    let (parts, body) = response.into_parts();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body: to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default(),
    }
}

/// An error as Cognito's JSON 1.1 protocol answers it.
fn refused(code: &str, message: &str) -> Response {
    let mut response = Response::new(Body::from(
        json!({ "__type": code, "message": message }).to_string(),
    ));
    *response.status_mut() = StatusCode::BAD_REQUEST;
    *response.headers_mut() = json_headers();
    let headers = response.headers_mut();
    if let Ok(code) = HeaderValue::from_str(code) {
        headers.insert("x-amzn-errortype", code);
    }
    response
}

fn json_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    headers
}

fn text<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field].as_str().unwrap_or("")
}

/// `[{Name, Value}]` as a map.
fn attribute_map(list: &Value) -> Map<String, Value> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|a| (text(a, "Name").to_string(), json!(text(a, "Value"))))
        .collect()
}

/// A temporary password meeting any policy of up to 12 characters with every class required.
fn temporary_password() -> String {
    const CLASSES: [&[u8]; 4] = [
        b"ABCDEFGHJKLMNPQRSTUVWXYZ",
        b"abcdefghijkmnopqrstuvwxyz",
        b"23456789",
        b"!#$%&*+-=?@^_",
    ];
    let mut rng = rand::thread_rng();
    (0..12)
        .map(|i| {
            let class = CLASSES[i % CLASSES.len()];
            class[rng.gen_range(0..class.len())] as char
        })
        .collect()
}

/// The claims of a JWT, unverified (the front only reads whom moto issued it to).
fn claims(jwt: &str) -> Value {
    jwt.split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null)
}

/// The Cognito user a pool call concerns.
struct PoolUser {
    username: String,
    attributes: Map<String, Value>,
}

impl UserPoolService {
    pub fn new(
        pool_id: String,
        region: String,
        mail_from: Option<String>,
        operator: SdkConfig,
        triggers: BTreeMap<String, Arc<Instance>>,
    ) -> UserPoolService {
        UserPoolService {
            pool_id,
            region,
            mail_from,
            operator,
            triggers,
            codes: Mutex::new(HashMap::new()),
        }
    }

    /// Serves one Cognito call (`operation`, from its `X-Amz-Target`).
    pub(super) async fn handle(
        &self,
        shared: &Shared,
        operation: &str,
        parts: axum::http::request::Parts,
        body: Bytes,
    ) -> Response {
        let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        match operation {
            "SignUp" => self.sign_up(shared, &request, parts, body).await,
            "ConfirmSignUp" => self.confirm_sign_up(shared, &request, parts, body).await,
            "AdminCreateUser" => self.admin_create_user(shared, &request, parts, body).await,
            "InitiateAuth" | "AdminInitiateAuth" => {
                let refresh = text(&request, "AuthFlow").starts_with("REFRESH_TOKEN");
                let source = if refresh {
                    "TokenGeneration_RefreshTokens"
                } else {
                    "TokenGeneration_Authentication"
                };
                let answer = forwarded(shared, parts, body).await;
                self.issuing(answer, source, text(&request, "ClientId"))
                    .await
            }
            "RespondToAuthChallenge" => self.respond_to_challenge(&request).await,
            _ => forward(shared, parts, body).await,
        }
    }

    /// Runs the pool's trigger for `source` with the event for `user`; the error message
    /// Cognito reports if it refuses.
    async fn trigger(
        &self,
        source: &str,
        user: &PoolUser,
        client: &str,
    ) -> Result<Option<Value>, String> {
        let Some(trigger) = crate::trigger_event::trigger_of(source) else {
            return Ok(None);
        };
        let Some(instance) = self.triggers.get(trigger) else {
            return Ok(None);
        };
        let pool = PoolOf {
            region: &self.region,
            id: &self.pool_id,
        };
        let event = trigger_event(
            source,
            &pool,
            &user.username,
            user.attributes.clone(),
            client,
        );
        match instance.invoke(event, TRIGGER_TIMEOUT).await {
            Ok(answer) => Ok(Some(answer)),
            Err(e) => {
                tracing::warn!(source, error = %e, "a user pool trigger refused");
                // A function error arrives as Lambda's `{errorType, errorMessage}` body.
                let reported: Option<Value> = serde_json::from_str(&e).ok();
                let message = reported
                    .as_ref()
                    .and_then(|r| r["errorMessage"].as_str())
                    .unwrap_or(&e);
                Err(format!("{trigger} failed with error {message}."))
            }
        }
    }

    fn cognito(&self) -> aws_sdk_cognitoidentityprovider::Client {
        aws_sdk_cognitoidentityprovider::Client::new(&self.operator)
    }

    /// The user as the pool holds it (by username or email alias).
    async fn user(&self, name: &str) -> Option<PoolUser> {
        let out = self
            .cognito()
            .admin_get_user()
            .user_pool_id(&self.pool_id)
            .username(name)
            .send()
            .await
            .ok()?;
        let mut attributes: Map<String, Value> = out
            .user_attributes()
            .iter()
            .map(|a| (a.name().to_string(), json!(a.value().unwrap_or_default())))
            .collect();
        if let Some(status) = out.user_status() {
            attributes.insert("cognito:user_status".into(), json!(status.as_str()));
        }
        Some(PoolUser {
            username: out.username().to_string(),
            attributes,
        })
    }

    async fn delete(&self, username: &str) {
        if let Err(e) = self
            .cognito()
            .admin_delete_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
        {
            tracing::error!(username, error = ?e, "could not undo a refused user");
        }
    }

    /// Sends one of the pool's own mails: through SES from the pool's sender (`DEVELOPER`
    /// sending), else from Cognito's own default sender, whose identity Cognito owns (so it is
    /// made here on first use).
    async fn mail(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        use aws_sdk_sesv2::types::{Body as MailBody, Content, Destination, EmailContent, Message};
        let ses = aws_sdk_sesv2::Client::new(&self.operator);
        let from = match &self.mail_from {
            Some(from) => from.as_str(),
            None => {
                let made = ses
                    .create_email_identity()
                    .email_identity(COGNITO_DEFAULT_SENDER)
                    .send()
                    .await;
                if let Err(e) = made {
                    let exists = e.as_service_error().is_some_and(|e| {
                        aws_sdk_sesv2::error::ProvideErrorMetadata::code(e)
                            == Some("AlreadyExistsException")
                    });
                    if !exists {
                        return Err(format!("Cognito's default sender: {e:?}"));
                    }
                }
                COGNITO_DEFAULT_SENDER
            }
        };
        let content = |text: &str| {
            Content::builder()
                .data(text)
                .charset("UTF-8")
                .build()
                .map_err(|e| e.to_string())
        };
        let message = Message::builder()
            .subject(content(subject)?)
            .body(MailBody::builder().text(content(body)?).build())
            .build();
        ses.send_email()
            .from_email_address(from)
            .destination(Destination::builder().to_addresses(to).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| format!("the pool's mail to {to}: {e:?}"))
    }

    async fn sign_up(
        &self,
        shared: &Shared,
        request: &Value,
        parts: axum::http::request::Parts,
        body: Bytes,
    ) -> Response {
        let answer = forwarded(shared, parts, body).await;
        if !answer.status.is_success() {
            return answer.into_response();
        }
        let made = answer.json();
        let email = text(request, "Username");
        let mut attributes = attribute_map(&request["UserAttributes"]);
        attributes.insert("email".into(), json!(email));
        let user = PoolUser {
            username: text(&made, "UserSub").to_string(),
            attributes,
        };
        let client = text(request, "ClientId");
        let verdict = match self.trigger("PreSignUp_SignUp", &user, client).await {
            Ok(verdict) => verdict,
            Err(message) => {
                self.delete(&user.username).await;
                return refused("UserLambdaValidationException", &message);
            }
        };
        let response = verdict.as_ref().map(|v| &v["response"]);
        if response.and_then(|r| r["autoConfirmUser"].as_bool()) == Some(true) {
            let confirmed = self
                .cognito()
                .admin_confirm_sign_up()
                .user_pool_id(&self.pool_id)
                .username(&user.username)
                .send()
                .await;
            if let Err(e) = confirmed {
                return refused("InternalErrorException", &format!("{e:?}"));
            }
            return answer.into_response();
        }
        let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
        let mail = format!("Your verification code is {code}.");
        if let Err(e) = self.mail(email, "Your verification code", &mail).await {
            self.delete(&user.username).await;
            return refused("CodeDeliveryFailureException", &e);
        }
        self.codes
            .lock()
            .unwrap()
            .insert(user.username.clone(), code);
        answer.into_response()
    }

    async fn confirm_sign_up(
        &self,
        shared: &Shared,
        request: &Value,
        parts: axum::http::request::Parts,
        body: Bytes,
    ) -> Response {
        let Some(mut user) = self.user(text(request, "Username")).await else {
            return forward(shared, parts, body).await;
        };
        let expected = self.codes.lock().unwrap().get(&user.username).cloned();
        if expected.as_deref() != Some(text(request, "ConfirmationCode")) {
            return refused(
                "CodeMismatchException",
                "Invalid verification code provided, please try again.",
            );
        }
        let answer = forwarded(shared, parts, body).await;
        if !answer.status.is_success() {
            return answer.into_response();
        }
        self.codes.lock().unwrap().remove(&user.username);
        user.attributes
            .insert("cognito:user_status".into(), json!("CONFIRMED"));
        let client = text(request, "ClientId");
        if let Err(message) = self
            .trigger("PostConfirmation_ConfirmSignUp", &user, client)
            .await
        {
            return refused("UserLambdaValidationException", &message);
        }
        answer.into_response()
    }

    async fn admin_create_user(
        &self,
        shared: &Shared,
        request: &Value,
        parts: axum::http::request::Parts,
        body: Bytes,
    ) -> Response {
        let answer = forwarded(shared, parts, body).await;
        if !answer.status.is_success() {
            return answer.into_response();
        }
        let made = answer.json();
        let username = made["User"]["Username"].as_str().unwrap_or("").to_string();
        let Some(user) = self.user(&username).await else {
            return answer.into_response();
        };
        if let Err(message) = self.trigger("PreSignUp_AdminCreateUser", &user, "").await {
            self.delete(&username).await;
            return refused("UserLambdaValidationException", &message);
        }
        if text(request, "MessageAction") == "SUPPRESS" {
            return answer.into_response();
        }
        // Cognito makes the temporary password when the caller gives none, and mails it.
        let password = match request["TemporaryPassword"].as_str() {
            Some(given) => given.to_string(),
            None => {
                let made = temporary_password();
                let set = self
                    .cognito()
                    .admin_set_user_password()
                    .user_pool_id(&self.pool_id)
                    .username(&username)
                    .password(&made)
                    .permanent(false)
                    .send()
                    .await;
                if let Err(e) = set {
                    self.delete(&username).await;
                    return refused("InternalErrorException", &format!("{e:?}"));
                }
                made
            }
        };
        let email = user.attributes.get("email").and_then(Value::as_str);
        if let Some(email) = email {
            let invitation =
                format!("Your username is {email} and temporary password is {password}.");
            if let Err(e) = self
                .mail(email, "Your temporary password", &invitation)
                .await
            {
                self.delete(&username).await;
                return refused("CodeDeliveryFailureException", &e);
            }
        }
        answer.into_response()
    }

    /// Runs PreTokenGeneration on an answer that issues tokens; the answer, or the refusal.
    async fn issuing(&self, answer: Answer, source: &str, client: &str) -> Response {
        let issued = answer.json();
        let id_token = issued["AuthenticationResult"]["IdToken"].as_str();
        let Some(id_token) = id_token.filter(|_| answer.status.is_success()) else {
            return answer.into_response();
        };
        let claims = claims(id_token);
        let Some(user) = self.user(text(&claims, "cognito:username")).await else {
            return answer.into_response();
        };
        match self.trigger(source, &user, client).await {
            Ok(_) => answer.into_response(),
            Err(message) => refused("UserLambdaValidationException", &message),
        }
    }

    /// `RespondToAuthChallenge`, which moto serves only to signed callers once IAM is enforced
    /// (an app client's call is unsigned): answered as the operator's
    /// `AdminRespondToAuthChallenge`, which takes the same session and responses.
    async fn respond_to_challenge(&self, request: &Value) -> Response {
        let client = text(request, "ClientId");
        let challenge = text(request, "ChallengeName");
        let responses: HashMap<String, String> = request["ChallengeResponses"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
            .collect();
        let out = self
            .cognito()
            .admin_respond_to_auth_challenge()
            .user_pool_id(&self.pool_id)
            .client_id(client)
            .challenge_name(ChallengeNameType::from(challenge))
            .set_session(request["Session"].as_str().map(str::to_string))
            .set_challenge_responses(Some(responses))
            .send()
            .await;
        let out = match out {
            Ok(out) => out,
            Err(e) => {
                let service = e.as_service_error();
                let code = service
                    .and_then(aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata::code)
                    .unwrap_or("InternalErrorException");
                let message = service
                    .and_then(aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata::message)
                    .unwrap_or("the challenge could not be answered")
                    .to_string();
                return refused(code, &message);
            }
        };
        let mut answer = json!({ "ChallengeParameters": out.challenge_parameters() });
        if let Some(name) = out.challenge_name() {
            answer["ChallengeName"] = json!(name.as_str());
        }
        if let Some(session) = out.session() {
            answer["Session"] = json!(session);
        }
        if let Some(result) = out.authentication_result() {
            answer["AuthenticationResult"] = json!({
                "AccessToken": result.access_token(),
                "ExpiresIn": result.expires_in(),
                "IdToken": result.id_token(),
                "RefreshToken": result.refresh_token(),
                "TokenType": result.token_type(),
            });
        }
        let source = if challenge == "NEW_PASSWORD_REQUIRED" {
            "TokenGeneration_NewPasswordChallenge"
        } else {
            "TokenGeneration_Authentication"
        };
        let answer = Answer {
            status: StatusCode::OK,
            headers: json_headers(),
            body: Bytes::from(answer.to_string()),
        };
        self.issuing(answer, source, client).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_meet_the_strictest_policy() {
        for _ in 0..50 {
            let p = temporary_password();
            assert_eq!(p.len(), 12);
            assert!(p.chars().any(|c| c.is_ascii_uppercase()), "{p}");
            assert!(p.chars().any(|c| c.is_ascii_lowercase()), "{p}");
            assert!(p.chars().any(|c| c.is_ascii_digit()), "{p}");
            assert!(p.chars().any(|c| !c.is_ascii_alphanumeric()), "{p}");
        }
    }

    #[test]
    fn a_refused_call_reads_as_cognito_error() {
        let response = refused(
            "UserLambdaValidationException",
            "PreSignUp failed with error x.",
        );
        assert_eq!(response.status(), 400);
        assert_eq!(
            response.headers()["x-amzn-errortype"],
            "UserLambdaValidationException"
        );
    }
}
