//! The stack's own `/local` routes, which stand in for Cognito's hosted endpoints and S3's
//! presigned URLs and do not exist in AWS: sign-up, sign-in, the temporary-password challenge,
//! the JWKS, presigned blob GET/PUT, and a trigger for the check-out reminder's schedule.

use std::sync::Arc;

use aws_mode::trigger_event::PoolOf;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::ports::{DirectoryError, DirectoryUser};
use edge::ApiError;
use edge::http::parse_json;
use embedded_adapters::{LocalDirectory, SignInError};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::gateway::to_http;
use crate::stack::Stack;
use crate::tokens::{ATTENDANCE_CLIENT, CLIENTS, TOKEN_SECONDS};

/// Runs password hashing off the async threads: argon2 is deliberately slow.
async fn with_directory<T: Send + 'static>(
    stack: &Stack,
    work: impl FnOnce(&LocalDirectory) -> T + Send + 'static,
) -> Result<T, ApiError> {
    let directory = stack.directory.clone();
    tokio::task::spawn_blocking(move || work(&directory))
        .await
        .map_err(|e| ApiError::internal(format!("directory task: {e}")))
}

/// An error as the local routes answer it, as problem+json.
pub fn problem(error: ApiError) -> Response {
    to_http(error.into_response(None), "local")
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers.get("content-type").and_then(|v| v.to_str().ok())
}

fn client_or_default(client: Option<String>) -> Result<String, ApiError> {
    let client = client.unwrap_or_else(|| ATTENDANCE_CLIENT.to_string());
    if CLIENTS.contains(&client.as_str()) {
        Ok(client)
    } else {
        Err(ApiError::invalid(
            "clientId",
            format!("unknown app client; use one of {}", CLIENTS.join(", ")),
        ))
    }
}

fn directory_error(e: DirectoryError) -> ApiError {
    match e {
        DirectoryError::Invalid(m) => {
            let field = m.split(':').next().unwrap_or("body").to_string();
            ApiError::invalid(field, m)
        }
        other => other.into(),
    }
}

fn token_response(stack: &Stack, user: &DirectoryUser, client: &str) -> Response {
    match stack
        .tokens
        .issue(user, client, stack.clock.now().timestamp())
    {
        Ok(token) => axum::Json(
            json!({ "idToken": token, "expiresIn": TOKEN_SECONDS, "tokenType": "Bearer" }),
        )
        .into_response(),
        Err(e) => problem(ApiError::internal(e.to_string())),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignIn {
    username: String,
    password: String,
    client_id: Option<String>,
}

/// `POST /local/auth/token`: username and password in, id token out (Cognito USER_PASSWORD_AUTH).
pub async fn token(State(stack): State<Arc<Stack>>, headers: HeaderMap, body: Bytes) -> Response {
    let run = async || -> Result<Response, ApiError> {
        let req: SignIn = parse_json(content_type(&headers), &body)?;
        let client = client_or_default(req.client_id)?;
        match with_directory(&stack, move |d| {
            d.authenticate(&req.username, &req.password)
        })
        .await?
        {
            Ok(user) => Ok(token_response(&stack, &user, &client)),
            Err(SignInError::NewPasswordRequired) => Err(ApiError::unauthorized(
                "a new password is required: POST /local/auth/new-password with username, temporaryPassword and newPassword",
            )),
            Err(SignInError::Directory(e)) => Err(e.into()),
            Err(e) => Err(ApiError::unauthorized(e.to_string())),
        }
    };
    run().await.unwrap_or_else(problem)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewPassword {
    username: String,
    temporary_password: String,
    new_password: String,
    client_id: Option<String>,
}

/// `POST /local/auth/new-password`: answers the temporary-password challenge, then signs in.
pub async fn new_password(
    State(stack): State<Arc<Stack>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async || -> Result<Response, ApiError> {
        let req: NewPassword = parse_json(content_type(&headers), &body)?;
        let client = client_or_default(req.client_id)?;
        let user = match with_directory(&stack, move |d| {
            d.complete_new_password(&req.username, &req.temporary_password, &req.new_password)
        })
        .await?
        {
            Ok(user) => user,
            Err(SignInError::Directory(e)) => return Err(directory_error(e)),
            Err(e) => return Err(ApiError::unauthorized(e.to_string())),
        };
        // An invited user setting their password gets tokens through PreTokenGeneration with
        // this trigger source, which moves them onto their company's active roster.
        let event = trigger_event("TokenGeneration_NewPasswordChallenge", &user, &client);
        stack
            .triggers
            .handle(event)
            .await
            .map_err(|r| ApiError::unavailable(r.0))?;
        let user = domain::ports::UserDirectory::get_user(stack.directory.as_ref(), &user.username)
            .await?;
        Ok(token_response(&stack, &user, &client))
    };
    run().await.unwrap_or_else(problem)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignUp {
    email: String,
    password: String,
    client_id: Option<String>,
}

/// A Cognito trigger event as the local pool sends it.
fn trigger_event(source: &str, user: &DirectoryUser, client: &str) -> Value {
    let pool = PoolOf {
        region: "local",
        id: "local_pool",
    };
    let attributes = serde_json::Map::from_iter([
        ("sub".to_string(), json!(user.sub)),
        ("email".to_string(), json!(user.email)),
        ("email_verified".to_string(), json!("true")),
        ("cognito:user_status".to_string(), json!(user.status)),
    ]);
    aws_mode::trigger_event::trigger_event(source, &pool, &user.username, attributes, client)
}

/// `POST /local/auth/sign-up`: self sign-up through an app client, with both triggers run.
pub async fn sign_up(State(stack): State<Arc<Stack>>, headers: HeaderMap, body: Bytes) -> Response {
    let run = async || -> Result<Response, ApiError> {
        let req: SignUp = parse_json(content_type(&headers), &body)?;
        let client = client_or_default(req.client_id)?;
        let password = req.password.clone();
        let user = with_directory(&stack, move |d| d.new_sign_up(&req.email, &password))
            .await?
            .map_err(directory_error)?;
        let mut pre = trigger_event("PreSignUp_SignUp", &user, &client);
        pre["request"]["userAttributes"] = json!({ "email": user.email });
        stack
            .triggers
            .handle(pre)
            .await
            .map_err(|r| ApiError::invalid("email", r.0))?;
        let stored = user.clone();
        with_directory(&stack, move |d| d.complete_sign_up(&stored, &req.password))
            .await?
            .map_err(directory_error)?;
        let post = trigger_event("PostConfirmation_ConfirmSignUp", &user, &client);
        if let Err(refusal) = stack.triggers.handle(post).await {
            // Cognito keeps no half-confirmed user either: undo, and report.
            let _ = stack.directory.remove_user(&user.username);
            return Err(ApiError::unavailable(refusal.0));
        }
        Ok((
            StatusCode::CREATED,
            axum::Json(json!({ "username": user.username, "sub": user.sub, "clientId": client })),
        )
            .into_response())
    };
    run().await.unwrap_or_else(problem)
}

/// `GET /local/.well-known/jwks.json`.
pub async fn jwks(State(stack): State<Arc<Stack>>) -> Response {
    axum::Json(stack.tokens.jwks()).into_response()
}

/// `GET /local/blobs/{key}?expires=…&signature=…`: a presigned download.
pub async fn blob_get(State(stack): State<Arc<Stack>>, uri: Uri) -> Response {
    let url = uri.path_and_query().map(|p| p.as_str()).unwrap_or("");
    match stack.blobs.open_presigned(url).await {
        Ok(Some(blob)) => ([("content-type", blob.content_type)], blob.bytes).into_response(),
        Ok(None) => problem(ApiError::not_found("no such object")),
        Err(e) => problem(ApiError::forbidden(e.to_string())),
    }
}

/// `PUT /local/blobs/{key}?expires=…&signature=…`: a presigned upload.
pub async fn blob_put(
    State(stack): State<Arc<Stack>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let url = uri.path_and_query().map(|p| p.as_str()).unwrap_or("");
    let ct = content_type(&headers)
        .unwrap_or("application/octet-stream")
        .to_string();
    match stack
        .blobs
        .accept_presigned_put(url, &ct, body.to_vec())
        .await
    {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => problem(ApiError::forbidden(e.to_string())),
    }
}

/// `POST /local/reminders[?at=RFC 3339 instant]`: the check-out reminder's schedule, fired by
/// hand, as of now or of `at` (to see what it does at the end of a work day without waiting).
pub async fn reminders(State(stack): State<Arc<Stack>>, uri: Uri) -> Response {
    let at = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "at")
        .map(|(_, v)| v.into_owned());
    let clock: Arc<dyn domain::clock::Clock> = match at {
        None => stack.clock.clone(),
        Some(text) => match chrono::DateTime::parse_from_rfc3339(&text) {
            Ok(at) => Arc::new(domain::clock::ManualClock::at(at.to_utc())),
            Err(_) => {
                return problem(ApiError::bad_request(
                    "at",
                    "give an RFC 3339 instant, e.g. 2026-11-30T12:20:00Z",
                ));
            }
        },
    };
    let reminder = slack::CheckoutReminder {
        clock,
        ..stack.reminder.clone()
    };
    match reminder.run().await {
        Ok(done) => axum::Json(json!({
            "reminded": done.reminded, "notYet": done.not_yet,
            "unreachable": done.unreachable, "failed": done.failed,
        }))
        .into_response(),
        Err(e) => problem(e.into()),
    }
}
