//! The emulated API Gateway REST API: route matching (404/405), the Cognito authorizer (401),
//! a real REST proxy event handed to `lambda_http`'s own conversion, and the function's
//! response turned back into HTTP.

use std::sync::Arc;

use axum::body::{Body as AxumBody, to_bytes};
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use edge::ApiError;
use edge::http::MAX_SYNC_EVENT_BYTES;
use lambda_http::Body;
use serde_json::{Map, Value, json};

use crate::backend::Backend;
use crate::routes::{self, Route};

/// API Gateway's payload limit.
pub const MAX_PAYLOAD: usize = 10 * 1024 * 1024;

/// API Gateway's quota on the request line and header values together, in bytes.
pub const MAX_REQUEST_LINE_AND_HEADERS: usize = 10 * 1024;

/// Stage name, as in the deployed API.
pub const STAGE: &str = "v1";

/// Converts a function's response (or a gateway error) to the HTTP response the client sees.
pub fn to_http(response: lambda_http::Response<Body>, request_id: &str) -> Response {
    let (parts, body) = response.into_parts();
    let bytes = match body {
        Body::Empty => Vec::new(),
        Body::Text(t) => t.into_bytes(),
        Body::Binary(b) => b,
        _ => Vec::new(),
    };
    let mut out = Response::new(AxumBody::from(bytes));
    *out.status_mut() = parts.status;
    *out.headers_mut() = parts.headers;
    if let Ok(v) = request_id.parse() {
        out.headers_mut().insert("x-amzn-requestid", v);
    }
    out
}

/// A refusal by the gateway itself, readable by the portal as API Gateway's `GatewayResponses`
/// make it (template.yaml).
fn refuse(error: ApiError, request_id: &str) -> Response {
    let response = edge::cors::allow(
        error.into_response(Some(request_id)),
        edge::cors::configured_origin(),
    );
    to_http(response, request_id)
}

/// The refusal of a request over API Gateway's request line and header quota: 414 naming the
/// query parameter (or the path) that made the line long, or 431 for the headers. (A request
/// line over 64 KiB never gets here: the HTTP server answers a bare 414 itself, as API Gateway
/// answers such requests without calling the function.)
fn over_request_quota(parts: &http::request::Parts) -> Option<ApiError> {
    let target = parts.uri.path_and_query().map_or("", |p| p.as_str());
    let line = format!("{} {target} HTTP/1.1", parts.method).len();
    let headers: usize = parts.headers.values().map(|v| v.len()).sum();
    if line + headers <= MAX_REQUEST_LINE_AND_HEADERS {
        return None;
    }
    let detail = format!(
        "API Gateway accepts at most {MAX_REQUEST_LINE_AND_HEADERS} bytes of request line and headers"
    );
    if headers > line {
        return Some(ApiError::headers_too_large(detail));
    }
    let query = parts.uri.query().unwrap_or("");
    let field = if query.len() > parts.uri.path().len() {
        form_urlencoded::parse(query.as_bytes())
            .max_by_key(|(k, v)| k.len() + v.len())
            .map_or_else(|| "query".to_string(), |(k, _)| k.into_owned())
    } else {
        "path".to_string()
    };
    Some(ApiError::uri_too_long(field, detail))
}

/// Is this body text that API Gateway would pass as a string rather than base64?
fn is_text(content_type: &str) -> bool {
    let ct = content_type.to_ascii_lowercase();
    ct.starts_with("text/")
        || ct.contains("json")
        || ct.contains("xml")
        || ct.contains("x-www-form-urlencoded")
}

/// The fallback handler: every request not served by the stack's own `/local` routes, handed
/// to `backend` (the embedded handlers, or AWS mode's bootstraps).
pub async fn handle(backend: Arc<dyn Backend>, request: Request) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let method = parts.method.as_str().to_string();
    // The whole request is read before it is judged, as API Gateway does: a client whose token
    // is refused still gets its 401, not a connection closed while it is still sending.
    let bytes = match to_bytes(body, MAX_PAYLOAD).await {
        Ok(b) => b,
        Err(_) => {
            return refuse(
                ApiError::payload_too_large(format!(
                    "API Gateway accepts at most {MAX_PAYLOAD} bytes"
                )),
                &request_id,
            );
        }
    };
    if let Some(refusal) = over_request_quota(&parts) {
        return refuse(refusal, &request_id);
    }

    let table = routes::table_once();
    let matching: Vec<(&Route, Vec<(String, String)>)> = table
        .iter()
        .filter_map(|r| routes::match_template(r.resource, &path).map(|p| (r, p)))
        .collect();
    if matching.is_empty() {
        return refuse(
            ApiError::not_found(format!("no resource at {path}")),
            &request_id,
        );
    }
    // A browser's preflight, answered by the gateway for every resource when CORS is configured.
    if parts.method == http::Method::OPTIONS
        && let Some(origin) = edge::cors::configured_origin()
    {
        return to_http(edge::cors::preflight(origin), &request_id);
    }
    // The most specific resource answers the path, whatever its methods (as API Gateway does).
    let best = matching
        .iter()
        .map(|(r, _)| routes::specificity(r.resource))
        .max()
        .unwrap_or_default();
    let matching: Vec<_> = matching
        .into_iter()
        .filter(|(r, _)| routes::specificity(r.resource) == best)
        .collect();
    let Some((route, params)) = matching.iter().find(|(r, _)| r.method == method) else {
        let allowed: Vec<&str> = matching.iter().map(|(r, _)| r.method).collect();
        return refuse(ApiError::method_not_allowed(&method, &allowed), &request_id);
    };

    let claims = if route.authorized {
        let header = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let token = header.strip_prefix("Bearer ").unwrap_or(header).trim();
        if token.is_empty() {
            return refuse(
                ApiError::unauthorized("an id token is required in the Authorization header"),
                &request_id,
            );
        }
        match backend.authorize(token) {
            Ok(claims) => Some(claims),
            Err(e) => {
                tracing::info!(request_id, error = %e, "token refused");
                return refuse(
                    ApiError::unauthorized("the token is invalid or has expired"),
                    &request_id,
                );
            }
        }
    } else {
        None
    };

    let event = proxy_event(route, params, &parts, &bytes, claims, &request_id).to_string();
    // Lambda refuses a larger event, and API Gateway then answers 413 without the function.
    if event.len() > MAX_SYNC_EVENT_BYTES {
        return refuse(
            ApiError::payload_too_large(format!(
                "as the event API Gateway hands to the function this request is {} bytes; \
                 Lambda takes at most {MAX_SYNC_EVENT_BYTES}",
                event.len()
            ))
            .with_field("body"),
            &request_id,
        );
    }
    let response = match backend.invoke(route.target, &event).await {
        Ok(response) => response,
        Err(refusal) => return refuse(refusal, &request_id),
    };
    to_http(response, &request_id)
}

/// The REST proxy event API Gateway would send for this request.
fn proxy_event(
    route: &Route,
    params: &[(String, String)],
    parts: &http::request::Parts,
    body: &[u8],
    claims: Option<Map<String, Value>>,
    request_id: &str,
) -> Value {
    let mut headers = Map::new();
    let mut multi_headers: Map<String, Value> = Map::new();
    for (name, value) in &parts.headers {
        let Ok(v) = value.to_str() else { continue };
        headers.insert(name.as_str().to_string(), v.into());
        if let Value::Array(list) = multi_headers
            .entry(name.as_str().to_string())
            .or_insert_with(|| json!([]))
        {
            list.push(v.into());
        }
    }
    let mut query = Map::new();
    let mut multi_query: Map<String, Value> = Map::new();
    for (k, v) in form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()) {
        query.insert(k.to_string(), v.to_string().into());
        if let Value::Array(list) = multi_query
            .entry(k.to_string())
            .or_insert_with(|| json!([]))
        {
            list.push(v.to_string().into());
        }
    }
    let content_type = parts
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (body, base64) = if body.is_empty() {
        (Value::Null, false)
    } else {
        match std::str::from_utf8(body) {
            Ok(text) if is_text(content_type) => (Value::String(text.to_string()), false),
            _ => (Value::String(STANDARD.encode(body)), true),
        }
    };
    let path_params: Map<String, Value> = params
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let now = chrono::Utc::now();
    let nullable = |m: Map<String, Value>| {
        if m.is_empty() {
            Value::Null
        } else {
            Value::Object(m)
        }
    };
    json!({
        "resource": route.resource,
        "path": parts.uri.path(),
        "httpMethod": route.method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": nullable(query),
        "multiValueQueryStringParameters": nullable(multi_query),
        "pathParameters": nullable(path_params),
        "stageVariables": null,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": route.resource,
            "httpMethod": route.method,
            "extendedRequestId": request_id,
            "requestTime": now.format("%d/%b/%Y:%H:%M:%S %z").to_string(),
            // The path the client called: this stack serves without the stage in its paths, as
            // a custom domain does (API Gateway's own endpoint would put `/v1` first).
            "path": parts.uri.path(),
            "accountId": "000000000000",
            "protocol": "HTTP/1.1",
            "stage": STAGE,
            "domainPrefix": "localhost",
            "requestTimeEpoch": now.timestamp_millis(),
            "requestId": request_id,
            "identity": { "sourceIp": "127.0.0.1", "userAgent": parts.headers.get("user-agent").and_then(|v| v.to_str().ok()) },
            "domainName": "localhost",
            "apiId": "local",
            "authorizer": claims.map(|c| json!({ "claims": c })),
        },
        "body": body,
        "isBase64Encoded": base64,
    })
}

/// `GET /health`: served by the gateway itself (a mock integration in AWS).
pub async fn health() -> impl IntoResponse {
    axum::Json(json!({ "status": "ok" }))
}
