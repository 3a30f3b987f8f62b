//! How the endpoint says no, in Rekognition's words: AWS JSON 1.1 errors (HTTP 400, the code in
//! `__type` and in `x-amzn-ErrorType`, which the SDK reads as `code()`), shaped like the recorded
//! ones in `events/rekognition/error-*.json` (`Code`, `Logref`, `Message`). The one place a
//! refusal becomes an HTTP answer.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// One refused request: the error code the SDK sees and the message.
#[derive(Debug)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn new(code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            code,
            message: message.into(),
        }
    }

    /// What Rekognition answers for a semantically wrong request (no face to search with, an
    /// image it cannot take).
    pub fn invalid_parameter(message: impl Into<String>) -> Refusal {
        Refusal::new("InvalidParameterException", message)
    }

    /// The recorded answer to bytes that are neither JPEG nor PNG.
    pub fn invalid_image() -> Refusal {
        Refusal::new(
            "InvalidImageFormatException",
            "Request has invalid image format",
        )
    }

    /// An unknown collection, worded as `error-resource-not-found.json`.
    pub fn no_collection(id: &str) -> Refusal {
        Refusal::new(
            "ResourceNotFoundException",
            format!("The collection id: {id} does not exist"),
        )
    }

    /// A body that is not the operation's JSON (a wrong type, bad base64).
    pub fn unreadable(why: impl std::fmt::Display) -> Refusal {
        Refusal::new("SerializationException", why.to_string())
    }

    /// The `Code` field: Rekognition's own exceptions repeat `__type` there, except the image
    /// format one, recorded as `InvalidImageFormat`.
    fn short_code(&self) -> &'static str {
        match self.code {
            "InvalidImageFormatException" => "InvalidImageFormat",
            other => other,
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let logref = uuid::Uuid::new_v4().to_string();
        // Constraint and protocol errors come from AWS's request layer, not from Rekognition's
        // own code: a namespaced `__type`, a lower-case `message`, no `Code`.
        let body = match self.code {
            "ValidationException" | "SerializationException" | "UnknownOperationException" => {
                let namespace = if self.code == "ValidationException" {
                    "com.amazon.coral.validate"
                } else {
                    "com.amazon.coral.service"
                };
                serde_json::json!({
                    "__type": format!("{namespace}#{}", self.code),
                    "message": self.message,
                })
            }
            _ => serde_json::json!({
                "__type": self.code,
                "Code": self.short_code(),
                "Logref": logref,
                "Message": self.message,
            }),
        };
        let mut response = Response::new(Body::from(body.to_string()));
        // InternalServerError is Rekognition's one 5xx; every refusal here is the caller's.
        *response.status_mut() = if self.code == "InternalServerError" {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::BAD_REQUEST
        };
        let headers = response.headers_mut();
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/x-amz-json-1.1"),
        );
        headers.insert("x-amzn-errortype", HeaderValue::from_static(self.code));
        if let Ok(id) = HeaderValue::from_str(&logref) {
            headers.insert("x-amzn-requestid", id);
        }
        response
    }
}
