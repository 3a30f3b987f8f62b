//! What every function does at its HTTP edge: read the route, parse a JSON body with
//! field-level errors, and answer JSON or problem+json.

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response, http::StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use domain::ports::{Cursor, StoreError};

/// Largest JSON body a route reads unless it says otherwise (photo routes say otherwise).
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// Longest id a path parameter may hold, in bytes. Ours are UUIDs, dates, `date#uuid` event
/// ids and email usernames (at most 254); DynamoDB refuses keys over 1024 bytes with an error
/// that would otherwise surface as a 500.
pub const MAX_ID_BYTES: usize = 256;

/// Deepest nesting of arrays and objects a JSON body may have. Ours nest four levels at most;
/// without this, 10,000 nested arrays are refused by serde_json's own limit only after a type
/// mismatch deep inside (`[0]`), which names a field the client never sent.
pub const MAX_JSON_DEPTH: usize = 32;

/// The API Gateway resource template and method of a request, e.g. (`GET`, `/employees/{username}`).
pub fn route(request: &Request) -> (String, String) {
    let resource = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(ctx)) => ctx.resource_path.clone(),
        _ => None,
    };
    (
        request.method().as_str().to_string(),
        resource.unwrap_or_else(|| request.uri().path().to_string()),
    )
}

/// The `cursor` query parameter of a paged list, as the store takes it.
pub fn cursor_param(request: &Request) -> Option<Cursor> {
    query_param(request, "cursor").map(|c| Cursor(c.to_string()))
}

/// A page read from a client's cursor: a cursor the store cannot read is the client's mistake
/// (400 naming `cursor`), never a 500.
pub fn paged<T>(page: Result<T, StoreError>) -> Result<T, ApiError> {
    match page {
        Err(StoreError::Invalid(_)) => Err(ApiError::bad_request(
            "cursor",
            "the cursor is not one this API returned",
        )),
        other => other.map_err(ApiError::from),
    }
}

/// Lambda's largest synchronous event: the whole REST proxy event API Gateway sends, the body
/// (base64 for binary media types) and every header twice (`headers` and `multiValueHeaders`)
/// included. Beyond it Lambda refuses the invocation and API Gateway answers 413 itself.
pub const MAX_SYNC_EVENT_BYTES: usize = 6_291_456;

/// `path` (such as `/employees/u1`) as the client must call it. Behind API Gateway's default
/// endpoint every path starts with the stage (`/v1/employees/u1`), behind a custom domain with its
/// base path; the request context's `path` is the path the client called, so what it holds before
/// the resource path is the prefix a `Location` needs.
pub fn public_path(request: &Request, path: &str) -> String {
    let called = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(ctx)) => ctx.path.clone(),
        _ => None,
    };
    let resource_path = request.raw_http_path();
    let prefix = called
        .as_deref()
        .and_then(|c| c.strip_suffix(resource_path))
        .unwrap_or("");
    format!("{prefix}{path}")
}

/// `response` with a `Location` header naming `path` as the client must call it.
pub fn with_location(
    request: &Request,
    mut response: Response<Body>,
    path: &str,
) -> Response<Body> {
    if let Ok(location) = public_path(request, path).parse() {
        response.headers_mut().insert("location", location);
    }
    response
}

/// The API Gateway request id, for logs and problem `instance`.
pub fn request_id(request: &Request) -> Option<String> {
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(ctx)) => ctx.request_id.clone(),
        _ => None,
    }
}

/// A path parameter the route template guarantees; 404 if absent (a misrouted request), 400
/// naming it when it cannot be an id of ours (see [`checked_id`]).
pub fn path_param(request: &Request, name: &str) -> Result<String, ApiError> {
    let value = request
        .path_parameters_ref()
        .and_then(|p| p.first(name))
        .ok_or_else(|| ApiError::not_found(format!("missing path parameter `{name}`")))?;
    checked_id(name, value).map(str::to_string)
}

/// `value` if it can be an id (a key of ours, or part of one), else a 400 naming `field`: ids
/// become table and blob keys, so one that is empty, longer than [`MAX_ID_BYTES`], or holds a
/// control character (`%00`) or a path separator (`..%2F..%2Fetc`) is refused before any
/// lookup, rather than reaching a store that may answer it with a fault.
pub fn checked_id<'a>(field: &str, value: &'a str) -> Result<&'a str, ApiError> {
    if value.is_empty() || value.len() > MAX_ID_BYTES {
        return Err(ApiError::bad_request(
            field,
            format!("an id has 1 to {MAX_ID_BYTES} bytes"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() || c == '/' || c == '\\')
    {
        return Err(ApiError::bad_request(
            field,
            "an id holds no control characters, `/` or `\\`",
        ));
    }
    Ok(value)
}

/// Whether `bytes` (JSON) nest arrays and objects deeper than `max`; brackets inside strings
/// do not count.
fn nests_deeper_than(bytes: &[u8], max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// The first value of the query parameter `name`, if given.
pub fn query_param<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .query_string_parameters_ref()
        .and_then(|q| q.first(name))
}

/// The `limit` query parameter of a listing: `default` when absent, else 1 to `max` or a 400
/// naming it.
pub fn page_limit(request: &Request, default: usize, max: usize) -> Result<usize, ApiError> {
    match query_param(request, "limit") {
        None => Ok(default),
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| ApiError::bad_request("limit", format!("use 1 to {max}"))),
    }
}

/// Raw body bytes, refusing more than `limit`.
pub fn body_bytes(request: &Request, limit: usize) -> Result<&[u8], ApiError> {
    let bytes: &[u8] = match request.body() {
        Body::Empty => &[],
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b,
        _ => &[],
    };
    if bytes.len() > limit {
        return Err(ApiError::payload_too_large(format!(
            "the body is {} bytes; at most {limit} are accepted",
            bytes.len()
        )));
    }
    Ok(bytes)
}

/// Parses a JSON body into `T`, whose serde attributes say which fields exist.
///
/// 415 when it is not declared JSON, 400 naming the field for syntax, type, missing or unknown
/// fields. Rules about values are the domain's, answered with 422.
pub fn json_body<T: DeserializeOwned>(request: &Request, limit: usize) -> Result<T, ApiError> {
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok());
    parse_json(content_type, body_bytes(request, limit)?)
}

/// [`json_body`] on raw parts, for edges that are not Lambda requests (the local stack's own routes).
pub fn parse_json<T: DeserializeOwned>(
    content_type: Option<&str>,
    bytes: &[u8],
) -> Result<T, ApiError> {
    let media = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media != "application/json"
        && !(media.starts_with("application/") && media.ends_with("+json"))
    {
        return Err(ApiError::unsupported_media_type(format!(
            "the body must be application/json, not `{}`",
            if media.is_empty() { "(none)" } else { &media }
        )));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("body", "a JSON body is required"));
    }
    if nests_deeper_than(bytes, MAX_JSON_DEPTH) {
        return Err(ApiError::bad_request(
            "body",
            format!("the body nests arrays and objects deeper than {MAX_JSON_DEPTH} levels"),
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let parsed = match serde_path_to_error::deserialize(de) {
        // A whole number written with a fraction where an integer goes: read it again as one.
        Err(e)
            if e.inner()
                .to_string()
                .starts_with("invalid type: floating point") =>
        {
            let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
                ApiError::bad_request("body", format!("the body is not valid JSON: {e}"))
            })?;
            whole_numbers_as_integers(&mut value);
            serde_path_to_error::deserialize(value)
        }
        other => other,
    };
    parsed.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                ApiError::bad_request("body", format!("the body is not valid JSON: {inner}"))
            }
            _ => {
                // serde_path_to_error writes `.` for the root and `?` where it lost track.
                let root = matches!(path.as_str(), "" | "." | "?");
                // A missing field is reported at its parent; name the field itself.
                let missing = inner
                    .to_string()
                    .strip_prefix("missing field `")
                    .and_then(|rest| rest.split('`').next().map(str::to_string));
                let field = match (missing, root) {
                    (Some(name), true) => name,
                    (Some(name), false) => format!("{path}.{name}"),
                    (None, true) => "body".to_string(),
                    (None, false) => path,
                };
                ApiError::bad_request(field, strip_position(&inner.to_string()))
            }
        }
    })
}

/// JSON has one number type, and JSON Schema counts `2.0` as the integer 2; serde reads a
/// `u32` only from `2`. Whole numbers written with a fraction (within f64's exact range) are
/// read as the integers they are, so a client's `2.0` is not refused where the schema takes it.
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() <= EXACT
            {
                // Exact: |f| <= 2^53, so the cast loses nothing.
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(map) => map.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// serde_json appends " at line 1 column 17"; the field name says more to a client.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// A JSON response with `status`.
pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    match serde_json::to_string(value) {
        Ok(text) => Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Body::Text(text))
            .unwrap_or_else(|_| Response::new(Body::Empty)),
        Err(e) => ApiError::internal(format!("serialising response: {e}")).into_response(None),
    }
}

/// 204 No Content.
pub fn no_content() -> Response<Body> {
    let mut r = Response::new(Body::Empty);
    *r.status_mut() = StatusCode::NO_CONTENT;
    r
}

/// Turns a handler's result into the response, mapping errors in the one place they are mapped.
pub fn respond(
    request_id: Option<&str>,
    result: Result<Response<Body>, ApiError>,
) -> Response<Body> {
    result.unwrap_or_else(|e| e.into_response(request_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[test]
    fn a_location_is_the_path_as_the_client_called_it() {
        let at = |called: Option<&str>| {
            let request = testkit::rest_request("company-admin/post-employees.json", |e| {
                e["requestContext"]["path"] = called.map_or(serde_json::Value::Null, |c| c.into());
            });
            public_path(&request, "/employees/u1")
        };
        // API Gateway's own endpoint puts the stage first; the fixture was called there.
        assert_eq!(at(Some("/v1/employees")), "/v1/employees/u1");
        // A custom domain with a base path, or none.
        assert_eq!(
            at(Some("/attendance/employees")),
            "/attendance/employees/u1"
        );
        assert_eq!(at(Some("/employees")), "/employees/u1");
        assert_eq!(at(None), "/employees/u1");
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Body2 {
        #[allow(dead_code)]
        name: String,
        #[allow(dead_code)]
        work_hours: Hours,
    }
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Hours {
        #[allow(dead_code)]
        start: String,
    }

    fn req(content_type: Option<&str>, body: &str) -> Request {
        let mut b = lambda_http::http::Request::builder()
            .method("POST")
            .uri("/x");
        if let Some(ct) = content_type {
            b = b.header("content-type", ct);
        }
        b.body(Body::Text(body.to_string())).unwrap()
    }

    #[test]
    fn wrong_type_names_the_nested_field() {
        let err = json_body::<Body2>(
            &req(
                Some("application/json"),
                r#"{"name":"a","workHours":{"start":9}}"#,
            ),
            1024,
        )
        .unwrap_err();
        assert_eq!(err.status, 400);
        assert_eq!(err.field.as_deref(), Some("workHours.start"));
    }

    #[test]
    fn unknown_field_is_refused_by_name() {
        let err = json_body::<Body2>(
            &req(
                Some("application/json"),
                r#"{"name":"a","workHours":{"start":"9"},"companyId":"x"}"#,
            ),
            1024,
        )
        .unwrap_err();
        assert_eq!(err.status, 400);
        assert!(err.detail.contains("companyId"), "{}", err.detail);
    }

    #[test]
    fn whole_numbers_written_with_a_fraction_read_as_integers() {
        #[derive(Debug, Deserialize)]
        struct Sized {
            size: u32,
            scores: Vec<i64>,
            ratio: f64,
        }
        let ok: Sized = json_body(
            &req(
                Some("application/json"),
                r#"{"size": 5.0, "scores": [-3.0, 4], "ratio": 2.0}"#,
            ),
            1024,
        )
        .unwrap();
        assert_eq!((ok.size, ok.scores, ok.ratio), (5, vec![-3, 4], 2.0));
        let err = json_body::<Sized>(
            &req(
                Some("application/json"),
                r#"{"size": 5.5, "scores": [], "ratio": 1}"#,
            ),
            1024,
        )
        .unwrap_err();
        assert_eq!(
            (err.status.as_u16(), err.field.as_deref()),
            (400, Some("size"))
        );
    }

    #[test]
    fn deep_nesting_is_refused_by_naming_the_body() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = json_body::<Body2>(&req(Some("application/json"), &deep), 64 * 1024).unwrap_err();
        assert_eq!(
            (err.status.as_u16(), err.field.as_deref()),
            (400, Some("body"))
        );
        // Brackets inside strings are text, not nesting.
        let text = format!(
            r#"{{"name":"{}","workHours":{{"start":"9"}}}}"#,
            "[".repeat(100)
        );
        assert!(json_body::<Body2>(&req(Some("application/json"), &text), 1024).is_ok());
        let escaped = format!(
            r#"{{"name":"\\\"{}","workHours":{{"start":"9"}}}}"#,
            "{".repeat(40)
        );
        assert!(json_body::<Body2>(&req(Some("application/json"), &escaped), 1024).is_ok());
    }

    #[test]
    fn ids_that_cannot_be_keys_are_refused_by_name() {
        for bad in [
            "",
            "../../etc",
            "a/b",
            "a\\b",
            "a\0b",
            &"x".repeat(MAX_ID_BYTES + 1),
        ] {
            let err = checked_id("username", bad).unwrap_err();
            assert_eq!(
                (err.status.as_u16(), err.field.as_deref()),
                (400, Some("username")),
                "{bad:?}"
            );
        }
        for good in [
            "ram@acme.test",
            "2026-03-01#0190f0aa",
            "..",
            &"x".repeat(MAX_ID_BYTES),
        ] {
            assert_eq!(checked_id("id", good).ok(), Some(good));
        }
    }

    #[test]
    fn malformed_json_and_wrong_media_type() {
        assert_eq!(
            json_body::<Body2>(&req(Some("application/json"), "{"), 1024)
                .unwrap_err()
                .status,
            400
        );
        assert_eq!(
            json_body::<Body2>(&req(Some("text/plain"), "{}"), 1024)
                .unwrap_err()
                .status,
            415
        );
        assert_eq!(
            json_body::<Body2>(&req(None, "{}"), 1024)
                .unwrap_err()
                .status,
            415
        );
        assert_eq!(
            json_body::<Body2>(&req(Some("application/json"), &"x".repeat(2000)), 1024)
                .unwrap_err()
                .status,
            413
        );
    }
}
