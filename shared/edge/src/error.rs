//! The one error type at the HTTP edge, and its one mapping to `application/problem+json`
//! (RFC 9457): status, title, detail and, for bad input, the offending field.

use lambda_http::{Body, Response, http::StatusCode};
use serde::Serialize;

use domain::failure::Failure;
use domain::ports::{BlobError, ChatError, DirectoryError, FaceError, MailError, StoreError};
use domain::refusal::{Refusal, RefusalKind};

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One field-level complaint: where (a JSON pointer-ish path such as `workHours.start`) and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A failed request, as the client should see it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{status} {title}: {detail}")]
pub struct ApiError {
    pub status: StatusCode,
    pub title: &'static str,
    pub detail: String,
    /// The offending field, for bad input.
    pub field: Option<String>,
    /// Headers the response must carry (e.g. `Allow` on 405).
    pub headers: Vec<(&'static str, String)>,
}

impl ApiError {
    fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            title,
            detail: detail.into(),
            field: None,
            headers: Vec::new(),
        }
    }

    /// 400: the body or a parameter cannot be read as the expected shape.
    pub fn bad_request(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Bad request", detail).with_field(field)
    }
    /// 401: no valid token.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Unauthorized", detail)
    }
    /// 403: a valid caller without the right role.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Forbidden", detail)
    }
    /// 404: no such resource, or one of another company (never told apart).
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not found", detail)
    }
    /// 405 with the methods the resource does allow.
    pub fn method_not_allowed(method: &str, allowed: &[&str]) -> Self {
        let mut e = Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed",
            format!(
                "{method} is not allowed here; allowed: {}",
                allowed.join(", ")
            ),
        );
        e.headers.push(("allow", allowed.join(", ")));
        e
    }
    /// 409: the request conflicts with the current state (a stale version, a second registration).
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "Conflict", detail)
    }
    /// 413: the body is larger than the route accepts.
    pub fn payload_too_large(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "Payload too large", detail)
    }
    /// 414: the request line (path and query) is longer than the gateway accepts, naming the
    /// parameter that made it so.
    pub fn uri_too_long(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::URI_TOO_LONG, "URI too long", detail).with_field(field)
    }
    /// 431: the request's headers are larger than the gateway accepts.
    pub fn headers_too_large(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "Request header fields too large",
            detail,
        )
        .with_field("headers")
    }
    /// 415: the body is not of a media type the route accepts.
    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type",
            detail,
        )
    }
    /// 422: well-formed input that breaks a rule (unknown time zone, end before start).
    pub fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "Invalid value", detail).with_field(field)
    }
    /// 429: a dependency throttled us; the client may retry.
    pub fn too_many_requests(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests", detail)
    }
    /// 500/503: a real fault. The detail is logged, never shown.
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal error", detail)
    }
    /// 502: the function behind the gateway failed (API Gateway's answer to a Lambda error).
    pub fn bad_gateway(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_GATEWAY, "Bad gateway", detail)
    }
    /// 503: a dependency is unavailable.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service unavailable",
            detail,
        )
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// The problem document; `instance` is the request id so a report can be traced in the logs.
    pub fn to_problem(&self, request_id: Option<&str>) -> serde_json::Value {
        let slug = self.title.to_ascii_lowercase().replace(' ', "-");
        let mut doc = serde_json::json!({
            "type": format!("https://errors.genese.dev/{slug}"),
            "title": self.title,
            "status": self.status.as_u16(),
            // Faults keep their cause in the log only.
            "detail": if self.status.is_server_error() { "The request could not be completed; it has been logged." } else { self.detail.as_str() },
        });
        if let Some(field) = &self.field {
            doc["field"] = field.clone().into();
        }
        if let Some(id) = request_id {
            doc["instance"] = format!("urn:request:{id}").into();
        }
        doc
    }

    /// The HTTP response, logged at a level fitting its status.
    pub fn into_response(self, request_id: Option<&str>) -> Response<Body> {
        if self.status.is_server_error() {
            tracing::error!(status = self.status.as_u16(), request_id, detail = %self.detail, "request failed");
        } else {
            tracing::info!(status = self.status.as_u16(), request_id, field = self.field.as_deref(), detail = %self.detail, "request refused");
        }
        let body = self.to_problem(request_id).to_string();
        let mut builder = Response::builder()
            .status(self.status)
            .header("content-type", PROBLEM_JSON);
        for (name, value) in &self.headers {
            builder = builder.header(*name, value);
        }
        builder
            .body(Body::Text(body))
            .unwrap_or_else(|_| Response::new(Body::Empty))
    }
}

/// The one place a domain refusal becomes a status.
impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        let (status, title) = match r.kind {
            RefusalKind::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, "Invalid value"),
            RefusalKind::Unreadable => (StatusCode::BAD_REQUEST, "Bad request"),
            RefusalKind::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "Payload too large"),
            RefusalKind::UnsupportedType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported media type")
            }
            RefusalKind::Conflict => (StatusCode::CONFLICT, "Conflict"),
            RefusalKind::Forbidden => (StatusCode::FORBIDDEN, "Forbidden"),
            RefusalKind::NotFound => (StatusCode::NOT_FOUND, "Not found"),
            RefusalKind::Gone => (StatusCode::GONE, "Gone"),
        };
        let mut e = ApiError::new(status, title, r.detail);
        e.field = r.field;
        e
    }
}

impl From<Failure> for ApiError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Refused(r) => r.into(),
            Failure::Store(e) => e.into(),
            Failure::Fault(m) => ApiError::internal(m),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::ConditionFailed => {
                ApiError::conflict("the resource changed or already exists")
            }
            StoreError::Throttled => {
                ApiError::too_many_requests("the data store is busy; retry shortly")
            }
            StoreError::Invalid(m) | StoreError::Unavailable(m) => {
                ApiError::internal(format!("store: {m}"))
            }
        }
    }
}

impl From<DirectoryError> for ApiError {
    fn from(e: DirectoryError) -> Self {
        match e {
            DirectoryError::UserExists => {
                ApiError::conflict("a user with that username already exists")
            }
            DirectoryError::UserNotFound => ApiError::not_found("no such user"),
            DirectoryError::Invalid(m) => ApiError::invalid("user", m),
            DirectoryError::Throttled => {
                ApiError::too_many_requests("the user directory is busy; retry shortly")
            }
            DirectoryError::Unavailable(m) => ApiError::unavailable(format!("directory: {m}")),
        }
    }
}

/// Face errors about the photo are the caller's to fix (422 naming `photo`); the rest are ours.
impl From<FaceError> for ApiError {
    fn from(e: FaceError) -> Self {
        match e {
            e if e.is_photo_problem() => ApiError::invalid("photo", e.to_string()),
            FaceError::InvalidImage(m) => {
                ApiError::bad_request("photo", format!("the photo could not be read: {m}"))
            }
            FaceError::NotFound => ApiError::conflict("no reference face is enrolled"),
            FaceError::Throttled => {
                ApiError::too_many_requests("face matching is busy; retry shortly")
            }
            FaceError::Unavailable(m) => ApiError::unavailable(format!("faces: {m}")),
            FaceError::Refused(m) => ApiError::internal(format!("faces: {m}")),
            // The photo problems, answered above.
            other => ApiError::invalid("photo", other.to_string()),
        }
    }
}

impl From<BlobError> for ApiError {
    fn from(e: BlobError) -> Self {
        match e {
            BlobError::InvalidKey(k) => {
                ApiError::bad_request("key", format!("invalid object key `{k}`"))
            }
            BlobError::Unavailable(m) => ApiError::unavailable(format!("blobs: {m}")),
        }
    }
}

impl From<MailError> for ApiError {
    fn from(e: MailError) -> Self {
        match e {
            MailError::Throttled => {
                ApiError::too_many_requests("the mail service is busy; retry shortly")
            }
            MailError::Rejected(m) | MailError::Unavailable(m) => {
                ApiError::unavailable(format!("mail: {m}"))
            }
        }
    }
}

impl From<ChatError> for ApiError {
    fn from(e: ChatError) -> Self {
        ApiError::unavailable(format!("chat: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_names_the_field_in_problem_json() {
        let resp = ApiError::invalid("timeZone", "unknown IANA time zone `Mars/Base`")
            .into_response(Some("r-1"));
        assert_eq!(resp.status(), 422);
        assert_eq!(resp.headers()["content-type"], PROBLEM_JSON);
        let Body::Text(body) = resp.body() else {
            panic!("text body")
        };
        let doc: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(doc["field"], "timeZone");
        assert_eq!(doc["status"], 422);
        assert_eq!(doc["instance"], "urn:request:r-1");
    }

    #[test]
    fn faults_hide_their_cause() {
        let doc = ApiError::internal("store: connection reset by peer 10.0.0.1").to_problem(None);
        assert!(!doc["detail"].as_str().unwrap().contains("10.0.0.1"));
        assert_eq!(doc["status"], 500);
    }

    #[test]
    fn each_refusal_kind_has_the_status_the_contract_names() {
        for (refusal, status) in [
            (Refusal::invalid("timeZone", "unknown"), 422),
            (Refusal::unreadable("photo", "not base64"), 400),
            (Refusal::too_large("over 5 MiB").with_field("photo"), 413),
            (Refusal::unsupported_type("a GIF"), 415),
            (Refusal::conflict("already decided"), 409),
            (Refusal::forbidden("not your team"), 403),
            (Refusal::not_found("no such request"), 404),
        ] {
            let (field, detail) = (refusal.field.clone(), refusal.detail.clone());
            let e = ApiError::from(Failure::from(refusal));
            assert_eq!(e.status, status, "{detail}");
            assert_eq!((e.field, e.detail), (field, detail));
        }
    }

    #[test]
    fn a_fault_of_ours_is_a_500_that_keeps_its_cause_in_the_log() {
        let e = ApiError::from(Failure::Fault(
            "re-encoding the photo: out of memory".into(),
        ));
        assert_eq!(e.status, 500);
        assert!(
            !e.to_problem(None)["detail"]
                .as_str()
                .unwrap()
                .contains("memory")
        );
    }

    #[test]
    fn method_not_allowed_lists_allowed_methods() {
        let resp = ApiError::method_not_allowed("PATCH", &["GET", "PUT"]).into_response(None);
        assert_eq!(resp.status(), 405);
        assert_eq!(resp.headers()["allow"], "GET, PUT");
    }
}
