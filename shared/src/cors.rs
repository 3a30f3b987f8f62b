//! CORS for the web portal: API Gateway answers the preflight (`OPTIONS`, in template.yaml), but
//! with the proxy integration the function's own responses must carry the allowed origin, or the
//! browser hides them from the portal. The origin is the deployment's `CORS_ALLOW_ORIGIN`; without
//! it (the embedded stack, tests) responses carry no CORS headers.

use std::sync::OnceLock;

use lambda_http::http::HeaderValue;
use lambda_http::{Body, Response};

/// The variable naming the one origin (scheme, host, port) the portal is served from.
pub const ORIGIN_VAR: &str = "CORS_ALLOW_ORIGIN";

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
        headers.insert("vary", HeaderValue::from_static("Origin"));
    }
    response
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
        let plain = allow(Response::new(Body::Empty), None);
        assert!(plain.headers().get("access-control-allow-origin").is_none());
    }
}
