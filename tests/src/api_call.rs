//! One REST call as the portal makes it, for every harness that drives a gateway (the embedded
//! stack's and AWS mode's).

use serde_json::Value;

/// `method url` with an optional bearer token and JSON body; the status and the body as JSON
/// (or as a JSON string when it is not JSON).
pub async fn api_call(
    http: &reqwest::Client,
    token: Option<&str>,
    method: &str,
    url: String,
    body: Option<Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
    let mut request = http.request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the gateway answers");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}
