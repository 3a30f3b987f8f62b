//! `GET /local/openapi.json` and `GET /local/docs`: the document, and a self-contained page
//! (HTML and JavaScript embedded at build time, nothing fetched from elsewhere) that lists every
//! operation and sends requests to this stack, signing in as a demo user for a token.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The interactive page.
const DOCS_HTML: &str = include_str!("../../static/docs.html");

/// `GET /local/openapi.json`: generated once, served as is.
pub async fn document() -> Response {
    static TEXT: OnceLock<String> = OnceLock::new();
    let text = TEXT.get_or_init(super::document_text).clone();
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}

/// `GET /local/docs`: the page, which reads `/local/openapi.json`.
pub async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // Everything it runs is its own: no third-party script, style or frame.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data: blob:; frame-ancestors 'none'",
            ),
        ],
        DOCS_HTML,
    )
        .into_response()
}
