//! The recording front: every AWS call a function instance makes goes through here on its way to
//! the emulator. Each call is attributed to its function by the access key it is signed with
//! (SigV4's `Authorization` header, or a presigned URL's `X-Amz-Credential`), evaluated against
//! that function's template statements as AWS evaluates it ([`asks`]: per-item actions inside
//! transactions, table and index ARNs, bucket key prefixes), recorded, and refused as the
//! service refuses it when the template would not allow it. moto's own IAM checks only some of
//! this (see [`crate::deviations`]), so this is the check that cannot be switched off.
//!
//! A call signed by a key no function holds (the world's set-up, a test reading back) is the
//! operator's: forwarded unjudged, and recorded as such. An app client's Cognito calls are
//! unsigned, and come here too: the front plays the user pool's service side around them
//! ([`user_pool`]).

mod asks;
mod presigned;
pub mod user_pool;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

pub use asks::Ask;
pub use user_pool::UserPoolService;

use crate::grants::Grants;

/// A function's identity: whose calls a key signs, and what its role allows.
pub struct Identity {
    /// The function's logical id.
    pub function: String,
    pub grants: Grants,
    /// The session whose key this is (a presigned URL is checked against its secret).
    pub session: crate::roles::Session,
}

/// The identity of every function that has a session, by the access key the session signs
/// with, each holding that function's `grants`.
pub fn identities(
    grants: &BTreeMap<String, Grants>,
    sessions: &BTreeMap<String, crate::roles::Session>,
) -> HashMap<String, Identity> {
    sessions
        .iter()
        .filter_map(|(function, session)| {
            let identity = Identity {
                function: function.clone(),
                grants: grants.get(function)?.clone(),
                session: session.clone(),
            };
            Some((session.access_key.clone(), identity))
        })
        .collect()
}

/// One call, as the front judged it.
#[derive(Clone, Debug)]
pub struct Call {
    /// The function that signed it (`None`: the operator).
    pub function: Option<String>,
    pub service: String,
    pub asks: Vec<Ask>,
    /// Why it was refused, if it was.
    pub denied: Option<String>,
}

struct Shared {
    upstream: String,
    /// Endpoints serving a service moto lacks, by SigV4 service name (`rekognition`).
    elsewhere: HashMap<String, String>,
    account: String,
    identities: HashMap<String, Identity>,
    /// Secret ARNs by name: IAM judges a secret by its full ARN, which its name does not give.
    secrets: HashMap<String, String>,
    calls: Mutex<Vec<Call>>,
    client: reqwest::Client,
    /// Set once the trigger functions run ([`Front::serve_user_pool`]).
    user_pool: OnceLock<UserPoolService>,
}

/// A running front on 127.0.0.1; stops when dropped.
pub struct Front {
    endpoint: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Front {
    /// Starts a front before `upstream` (the emulator's endpoint) for the account `account`,
    /// judging the keys in `identities`; a service in `elsewhere` goes to its own endpoint.
    pub async fn start(
        upstream: &str,
        account: &str,
        identities: HashMap<String, Identity>,
        secrets: HashMap<String, String>,
        elsewhere: HashMap<String, String>,
    ) -> std::io::Result<Front> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_string(),
            elsewhere,
            account: account.to_string(),
            identities,
            secrets,
            calls: Mutex::new(Vec::new()),
            user_pool: OnceLock::new(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(std::io::Error::other)?,
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Front {
            endpoint,
            shared,
            task,
        })
    }

    /// Where the functions' SDKs send their calls (`AWS_ENDPOINT_URL`).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// From now on, plays the user pool's service side (triggers, codes, invitations).
    pub fn serve_user_pool(&self, service: UserPoolService) -> Result<(), String> {
        self.shared
            .user_pool
            .set(service)
            .map_err(|_| "the front already serves the user pool".to_string())
    }

    /// Every call so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.calls.lock().unwrap().clone()
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The SigV4 credential scope of a request: access key, region, service.
fn credential(headers: &HeaderMap, query: &str) -> Option<(String, String, String)> {
    let scope = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|a| a.split("Credential=").nth(1))
        .map(|c| c.split([',', ' ']).next().unwrap_or(c).to_string())
        .or_else(|| {
            form_query(query)
                .into_iter()
                .find(|(k, _)| k == "X-Amz-Credential")
                .map(|(_, v)| v)
        })?;
    let mut parts = scope.split('/');
    let key = parts.next()?.to_string();
    let _date = parts.next()?;
    let region = parts.next()?.to_string();
    let service = parts.next()?.to_string();
    Some((key, region, service))
}

fn form_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(k), decode(v))
        })
        .collect()
}

/// An S3 error as S3 answers it (XML, 403).
fn s3_error(code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code>\
         <Message>{}</Message></Error>",
        message.replace('&', "&amp;").replace('<', "&lt;")
    );
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::FORBIDDEN;
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/xml"));
    response
}

/// The refusal the service itself would answer.
fn denied(service: &str, message: &str) -> Response {
    if service == "s3" {
        return s3_error("AccessDenied", message);
    }
    let (status, content_type, body) = match service {
        "ses" => (
            StatusCode::FORBIDDEN,
            "application/json",
            serde_json::json!({ "message": message }).to_string(),
        ),
        "dynamodb" => (
            StatusCode::BAD_REQUEST,
            "application/x-amz-json-1.0",
            serde_json::json!({ "__type": "AccessDeniedException", "message": message })
                .to_string(),
        ),
        _ => (
            StatusCode::BAD_REQUEST,
            "application/x-amz-json-1.1",
            serde_json::json!({ "__type": "AccessDeniedException", "message": message })
                .to_string(),
        ),
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static(content_type));
    headers.insert(
        "x-amzn-errortype",
        HeaderValue::from_static("AccessDeniedException"),
    );
    // Every AWS answer carries the service's time; the SDK corrects its clock skew from it.
    let now = chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    if let Ok(date) = HeaderValue::from_str(&now) {
        headers.insert("date", date);
    }
    response
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, 64 * 1024 * 1024).await else {
        let mut response = Response::new(Body::from("the request body could not be read"));
        *response.status_mut() = StatusCode::BAD_REQUEST;
        return response;
    };
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let scope = credential(&parts.headers, &query);
    let identity = scope
        .as_ref()
        .and_then(|(key, _, _)| shared.identities.get(key));
    if let (Some(identity), Some((_, region, service))) = (identity, scope.as_ref()) {
        let target = parts
            .headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok());
        let request = asks::Request {
            service,
            region,
            account: &shared.account,
            method: parts.method.as_str(),
            path: &path,
            query: &query,
            target,
            body: &body,
        };
        let judged = asks::asks(&request, |name| shared.secrets.get(name).cloned());
        let (asks, refusal) = match judged {
            Ok(asks) => {
                let refused = asks
                    .iter()
                    .find(|a| !identity.grants.allows(&a.action, &a.resource))
                    .map(|a| {
                        format!(
                            "User: arn:aws:sts::{}:assumed-role/{f}-role/{f} is not authorized to \
                             perform: {} on resource: {} because no identity-based policy allows \
                             the {} action",
                            shared.account,
                            a.action,
                            a.resource,
                            a.action,
                            f = identity.function
                        )
                    });
                (asks, refused)
            }
            Err(unreadable) => (
                Vec::new(),
                Some(format!("not judged, so refused: {unreadable}")),
            ),
        };
        shared.calls.lock().unwrap().push(Call {
            function: Some(identity.function.clone()),
            service: service.clone(),
            asks,
            denied: refusal.clone(),
        });
        if let Some(message) = refusal {
            tracing::warn!(function = %identity.function, %message, "access denied");
            return denied(service, &message);
        }
        if service == "s3" && presigned::is_presigned(&query) {
            return match presigned::check(&parts, &identity.session, region) {
                Ok(()) => match presigned::header_signed(&parts, &identity.session, region) {
                    Ok((path_and_query, headers)) => {
                        let mut parts = parts;
                        match path_and_query.parse() {
                            Ok(uri) => parts.uri = uri,
                            Err(_) => return s3_error("InvalidURI", "the path does not parse"),
                        }
                        parts.headers = headers;
                        forward(&shared, parts, body).await
                    }
                    Err(e) => s3_error("InternalError", &e),
                },
                Err((code, message)) => s3_error(&code, &message),
            };
        }
    } else {
        shared.calls.lock().unwrap().push(Call {
            function: None,
            service: scope.map(|(_, _, s)| s).unwrap_or_default(),
            asks: Vec::new(),
            denied: None,
        });
    }
    let cognito = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.strip_prefix("AWSCognitoIdentityProviderService."))
        .map(str::to_string);
    match (cognito, shared.user_pool.get()) {
        (Some(operation), Some(pool)) => pool.handle(&shared, &operation, parts, body).await,
        _ => forward(&shared, parts, body).await,
    }
}

/// Headers that belong to one connection, not to the message, so never passed along.
fn per_connection(name: &axum::http::HeaderName) -> bool {
    matches!(
        name.as_str(),
        "content-length" | "connection" | "transfer-encoding"
    )
}

/// Hands the request to the emulator unchanged (its `Host` too, so a signature moto checks still
/// holds) and its answer back.
async fn forward(shared: &Shared, parts: axum::http::request::Parts, body: Bytes) -> Response {
    let service =
        credential(&parts.headers, parts.uri.query().unwrap_or("")).map(|(_, _, service)| service);
    let upstream = service
        .and_then(|s| shared.elsewhere.get(&s))
        .unwrap_or(&shared.upstream);
    let url = format!(
        "{}{}",
        upstream.trim_end_matches('/'),
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut outgoing = shared.client.request(parts.method.clone(), url).body(body);
    for (name, value) in &parts.headers {
        if !per_connection(name) {
            outgoing = outgoing.header(name, value);
        }
    }
    let answer = match outgoing.send().await {
        Ok(answer) => answer,
        Err(e) => {
            let mut response =
                Response::new(Body::from(format!("the emulator is unreachable: {e}")));
            *response.status_mut() = StatusCode::BAD_GATEWAY;
            return response;
        }
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let bytes = answer.bytes().await.unwrap_or_default();
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in &headers {
        if !per_connection(name) {
            response.headers_mut().append(name, value.clone());
        }
    }
    response
}
