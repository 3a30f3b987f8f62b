//! What every function's OpenAPI description shares (feature `openapi`, linked by the local
//! stack only): the problem document every error is, the reusable error responses that carry
//! it, and the envelope of paged lists.

use serde::{Deserialize, Serialize};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{ToResponse, ToSchema};

use crate::error::PROBLEM_JSON;

/// What a `{username}` path parameter is: staff are keyed by the pool's username.
pub const USERNAME_PARAM: &str = "The employee's username: the one the user pool made (a UUID), as \
     `GET /employees` lists it; not their email.";

/// An RFC 9457 problem document, as [`ApiError::to_problem`](crate::ApiError::to_problem)
/// writes it: every error of the API, served as `application/problem+json`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "type": "https://errors.genese.dev/invalid-value",
    "title": "Invalid value",
    "status": 422,
    "detail": "`Mars/Base` is not an IANA time zone such as Asia/Kathmandu",
    "field": "timeZone",
    "instance": "urn:request:5f0c3c1e-8d7a-4c55-9d0e-1f2a3b4c5d6e"
}))]
pub struct Problem {
    /// A URI naming the kind of problem, `https://errors.genese.dev/<title slug>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short, fixed summary of the kind (`Bad request`, `Invalid value`, …).
    pub title: String,
    /// The HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong, for a person; faults (5xx) say only that the request was logged.
    pub detail: String,
    /// The offending field of bad input: a JSON path such as `workHours.start`, or a parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// `urn:request:<request id>`, to find the request in the logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
}

/// A page of a list: the items, and the cursor of the next page (`null` on the last one).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` to read the next page; `null` when there is none.
    pub next_cursor: Option<String>,
}

/// Declares the reusable error responses: one type per status, usable as
/// `(status = 404, response = NotFound)` in a `#[utoipa::path]`, and the table of them all.
macro_rules! error_responses {
    ($($name:ident $status:literal $description:literal;)*) => {
        $(
            #[doc = $description]
            pub struct $name;

            impl<'s> ToResponse<'s> for $name {
                fn response() -> (&'s str, RefOr<Response>) {
                    (stringify!($name), problem_response($description))
                }
            }
        )*

        /// Every reusable error response: (component name, status, the response).
        pub fn error_responses() -> Vec<(&'static str, u16, RefOr<Response>)> {
            vec![$((stringify!($name), $status, problem_response($description))),*]
        }
    };
}

error_responses! {
    BadRequest 400 "The body or a parameter cannot be read as the expected shape (syntax, type, a missing or unknown field); `field` names it.";
    Unauthorized 401 "No token, or an invalid or expired one.";
    Forbidden 403 "The caller's role or company does not allow this.";
    NotFound 404 "No such resource in the caller's reach (another company's resources look the same).";
    MethodNotAllowed 405 "The resource exists, but not with this method; `Allow` lists the methods.";
    Conflict 409 "The request conflicts with the current state: a stale `version`, a duplicate, a step already taken.";
    Gone 410 "The caller's account was erased at their request; a token issued before stays valid until it expires, and is refused here.";
    PayloadTooLarge 413 "The body is larger than the operation accepts.";
    UnsupportedMediaType 415 "The body is not of the media type the operation takes.";
    InvalidValue 422 "Well-formed input that breaks a rule; `field` names the offending field.";
    TooManyRequests 429 "A dependency is throttling; retry shortly.";
    InternalError 500 "A fault on our side, logged with the request id; the cause is never shown.";
    ServiceUnavailable 503 "A dependency is unavailable, or the service cannot serve this yet.";
}

/// `doc` with its paths checked against the route table it describes: a description at another
/// method or resource than its route's (a typo in `#[utoipa::path]`) panics, naming it. Every
/// document is built by a test, so that is a failing test, not a failing server.
pub fn held_to_routes(
    doc: utoipa::openapi::OpenApi,
    routes: &[(&'static str, &'static str)],
) -> utoipa::openapi::OpenApi {
    let mut described: Vec<(String, String)> = Vec::new();
    for (resource, item) in &doc.paths.paths {
        let operations = [
            ("GET", &item.get),
            ("PUT", &item.put),
            ("POST", &item.post),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
            ("HEAD", &item.head),
            ("OPTIONS", &item.options),
        ];
        for (method, operation) in operations {
            if operation.is_some() {
                described.push((method.to_string(), resource.clone()));
            }
        }
    }
    let routed: Vec<(String, String)> = routes
        .iter()
        .map(|(m, r)| (m.to_string(), r.to_string()))
        .collect();
    let stray: Vec<_> = described.iter().filter(|d| !routed.contains(d)).collect();
    let missing: Vec<_> = routed.iter().filter(|r| !described.contains(r)).collect();
    assert!(
        stray.is_empty() && missing.is_empty(),
        "descriptions {stray:?} match no route; routes {missing:?} have no description"
    );
    doc
}

/// Marks the request body of `POST path` optional: the handler reads no body as the empty one
/// (utoipa's `Option<T>` body would also admit a JSON `null`, which the handler refuses).
pub fn optional_post_body(doc: &mut utoipa::openapi::OpenApi, path: &str) {
    if let Some(body) = doc
        .paths
        .paths
        .get_mut(path)
        .and_then(|item| item.post.as_mut())
        .and_then(|op| op.request_body.as_mut())
    {
        body.required = Some(utoipa::openapi::Required::False);
    }
}

/// A response answering with a problem document.
fn problem_response(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(Problem::name())))
                .build(),
        )
        .build()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiError;
    use utoipa::OpenApi;

    /// Lists the bank.
    #[utoipa::path(get, path = "/questions", responses((status = 200, description = "A page.")))]
    #[allow(dead_code)]
    fn list_questions() {}

    #[derive(OpenApi)]
    #[openapi(paths(list_questions))]
    struct Described;

    #[test]
    fn a_description_held_to_its_route_passes_through() {
        let doc = held_to_routes(Described::openapi(), &[("GET", "/questions")]);
        assert!(doc.paths.paths["/questions"].get.is_some());
    }

    #[test]
    #[should_panic(expected = "routes [(\"GET\", \"/question\")] have no description")]
    fn a_description_at_another_resource_than_its_route_is_refused() {
        held_to_routes(Described::openapi(), &[("GET", "/question")]);
    }

    #[test]
    #[should_panic(expected = "descriptions [(\"GET\", \"/questions\")] match no route")]
    fn a_description_without_a_route_is_refused() {
        held_to_routes(Described::openapi(), &[]);
    }

    /// Every error the API can emit reads as the documented problem, field for field.
    #[test]
    fn every_problem_the_api_writes_is_the_documented_problem() {
        let errors = [
            ApiError::bad_request("workHours.start", "expected a string"),
            ApiError::unauthorized("no token"),
            ApiError::forbidden("admins only"),
            ApiError::not_found("no such thing"),
            ApiError::method_not_allowed("PATCH", &["GET"]),
            ApiError::conflict("stale").with_field("version"),
            ApiError::payload_too_large("big"),
            ApiError::unsupported_media_type("text/plain"),
            ApiError::invalid("timeZone", "Mars/Base"),
            ApiError::too_many_requests("busy"),
            ApiError::internal("boom"),
            ApiError::unavailable("down"),
        ];
        for error in errors {
            for request_id in [None, Some("r-1")] {
                let doc = error.to_problem(request_id);
                let problem: Problem = serde_json::from_value(doc.clone())
                    .unwrap_or_else(|e| panic!("{doc} is not a Problem: {e}"));
                assert_eq!(problem.status, error.status.as_u16());
                assert!(
                    error_responses()
                        .iter()
                        .any(|(_, s, _)| *s == problem.status),
                    "{doc} has no documented response"
                );
            }
        }
    }
}
