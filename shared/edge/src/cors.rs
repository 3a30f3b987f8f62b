//! CORS for the web portal: API Gateway answers the preflight (`OPTIONS`, in template.yaml), but
//! with the proxy integration the function's own responses must carry the allowed origin, or the
//! browser hides them from the portal. The origin is the deployment's `CORS_ALLOW_ORIGIN`; without
//! it (the embedded stack, tests) responses carry no CORS headers.

use std::sync::OnceLock;

use lambda_http::http::HeaderValue;
use lambda_http::{Body, Response};

/// The variable naming the one origin (scheme, host, port) the portal is served from.
pub const ORIGIN_VAR: &str = "CORS_ALLOW_ORIGIN";

/// What a preflight allows: template.yaml's `Cors` block says the same (a template test holds the
/// two equal), and the embedded stack answers preflights with these.
pub const ALLOW_METHODS: &str = "GET,POST,PUT,DELETE,OPTIONS";
pub const ALLOW_HEADERS: &str = "Authorization,Content-Type,Idempotency-Key";
pub const MAX_AGE_SECONDS: &str = "600";
/// Response headers a page may read besides the safe ones: where a created resource is, and
/// whether an answer is the replay of a first one.
pub const EXPOSE_HEADERS: &str = "Location,Idempotent-Replay";

/// The configured origin, read once per process.
pub fn configured_origin() -> Option<&'static HeaderValue> {
    static ORIGIN: OnceLock<Option<HeaderValue>> = OnceLock::new();
    ORIGIN
        .get_or_init(|| {
            std::env::var(ORIGIN_VAR)
                .ok()
                .filter(|o| !o.trim().is_empty())
                .and_then(|o| HeaderValue::from_str(o.trim()).ok())
        })
        .as_ref()
}

/// `response`, allowed to be read by pages of `origin` (if any).
pub fn allow(mut response: Response<Body>, origin: Option<&HeaderValue>) -> Response<Body> {
    if let Some(origin) = origin {
        let headers = response.headers_mut();
        headers.insert("access-control-allow-origin", origin.clone());
        headers.insert(
            "access-control-expose-headers",
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
        headers.insert("vary", HeaderValue::from_static("Origin"));
    }
    response
}

/// The answer to a browser's preflight (`OPTIONS`) from pages of `origin`, as API Gateway's mock
/// integration gives it: no body, the allowed methods and headers, cacheable for ten minutes.
pub fn preflight(origin: &HeaderValue) -> Response<Body> {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = lambda_http::http::StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    headers.insert(
        "access-control-allow-methods",
        HeaderValue::from_static(ALLOW_METHODS),
    );
    headers.insert(
        "access-control-allow-headers",
        HeaderValue::from_static(ALLOW_HEADERS),
    );
    headers.insert(
        "access-control-max-age",
        HeaderValue::from_static(MAX_AGE_SECONDS),
    );
    allow(response, Some(origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_is_added_only_when_configured() {
        let portal = HeaderValue::from_static("https://portal.genese.example");
        let answered = allow(Response::new(Body::Empty), Some(&portal));
        assert_eq!(answered.headers()["access-control-allow-origin"], portal);
        assert_eq!(answered.headers()["vary"], "Origin");
        assert_eq!(
            answered.headers()["access-control-expose-headers"],
            "Location,Idempotent-Replay"
        );
        let plain = allow(Response::new(Body::Empty), None);
        assert!(plain.headers().get("access-control-allow-origin").is_none());
    }
}
