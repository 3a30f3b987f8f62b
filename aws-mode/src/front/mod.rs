//! The recording front: every AWS call a function instance makes goes through here on its way to
//! the emulator. Each call is attributed to its function by the access key it is signed with
//! (SigV4's `Authorization` header, or a presigned URL's `X-Amz-Credential`), evaluated against
//! that function's template statements as AWS evaluates it ([`asks`]: per-item actions inside
//! transactions, table and index ARNs, bucket key prefixes), recorded, and refused as the
//! service refuses it when the template would not allow it. moto's own IAM checks only some of
//! this (see [`crate::deviations`]), so this is the check that cannot be switched off.
//!
//! A call signed by a key no function holds (the world's set-up, a test reading back) is the
//! operator's: forwarded unjudged, and recorded as such.

mod asks;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

pub use asks::Ask;

use crate::grants::Grants;

/// A function's identity: whose calls a key signs, and what its role allows.
pub struct Identity {
    /// The function's logical id.
    pub function: String,
    pub grants: Grants,
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
    account: String,
    identities: HashMap<String, Identity>,
    /// Secret ARNs by name: IAM judges a secret by its full ARN, which its name does not give.
    secrets: HashMap<String, String>,
    calls: Mutex<Vec<Call>>,
    client: reqwest::Client,
}

/// A running front on 127.0.0.1; stops when dropped.
pub struct Front {
    endpoint: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Front {
    /// Starts a front before `upstream` (the emulator's endpoint) for the account `account`,
    /// judging the keys in `identities`.
    pub async fn start(
        upstream: &str,
        account: &str,
        identities: HashMap<String, Identity>,
        secrets: HashMap<String, String>,
    ) -> std::io::Result<Front> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_string(),
            account: account.to_string(),
            identities,
            secrets,
            calls: Mutex::new(Vec::new()),
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

/// The refusal the service itself would answer.
fn denied(service: &str, message: &str) -> Response {
    let (status, content_type, body) = match service {
        "s3" => (
            StatusCode::FORBIDDEN,
            "application/xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>\
                 <Message>{}</Message></Error>",
                message.replace('&', "&amp;").replace('<', "&lt;")
            ),
        ),
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
    } else {
        shared.calls.lock().unwrap().push(Call {
            function: None,
            service: scope.map(|(_, _, s)| s).unwrap_or_default(),
            asks: Vec::new(),
            denied: None,
        });
    }
    forward(&shared, parts, body).await
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
    let url = format!(
        "{}{}",
        shared.upstream,
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
