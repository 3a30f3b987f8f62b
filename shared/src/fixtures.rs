//! The real-shaped event fixtures in `events/`, for tests: load one, adjust it, and turn it into
//! the request `lambda_http` would hand a handler.

use std::path::PathBuf;

use serde_json::Value;

/// The workspace's `events/` folder.
pub fn events_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("events")
}

/// The fixture at `events/<name>` as JSON; panics with the path if it is missing (tests only).
pub fn load(name: &str) -> Value {
    let path = events_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A REST proxy fixture after `edit`, converted exactly as the Lambda runtime converts it.
pub fn rest_request(name: &str, edit: impl FnOnce(&mut Value)) -> lambda_http::Request {
    let mut event = load(name);
    edit(&mut event);
    lambda_http::request::from_str(&event.to_string())
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// Replaces the authorizer claims of a REST proxy event (`Value::Null` for none).
pub fn set_claims(event: &mut Value, claims: Value) {
    event["requestContext"]["authorizer"] = if claims.is_null() {
        Value::Null
    } else {
        serde_json::json!({ "claims": claims })
    };
}

/// Merges `changes` into the authorizer claims (a `null` value removes the claim).
pub fn edit_claims(event: &mut Value, changes: Value) {
    let claims = &mut event["requestContext"]["authorizer"]["claims"];
    if let (Value::Object(claims), Value::Object(changes)) = (claims, changes) {
        for (k, v) in changes {
            if v.is_null() {
                claims.remove(&k);
            } else {
                claims.insert(k, v);
            }
        }
    }
}

/// Replaces the body of a REST proxy event with `body` as text.
pub fn set_body(event: &mut Value, body: &str) {
    event["body"] = Value::String(body.to_string());
    event["isBase64Encoded"] = Value::Bool(false);
}

/// Re-aims a REST proxy event at `method path`, served by the resource template `resource`, with
/// `path_parameters` and `query` (JSON objects of strings, or `null`), as API Gateway would fill them.
pub fn aim(
    event: &mut Value,
    method: &str,
    resource: &str,
    path: &str,
    path_parameters: Value,
    query: Value,
) {
    event["httpMethod"] = Value::from(method);
    event["requestContext"]["httpMethod"] = Value::from(method);
    event["resource"] = Value::from(resource);
    event["requestContext"]["resourcePath"] = Value::from(resource);
    event["path"] = Value::from(path);
    event["pathParameters"] = path_parameters;
    event["multiValueQueryStringParameters"] = match &query {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), Value::Array(vec![v.clone()])))
                .collect(),
        ),
        _ => Value::Null,
    };
    event["queryStringParameters"] = query;
}

/// A new empty folder under the system temp dir, unique per call, for one test's state.
pub fn temp_dir(label: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("genese-{label}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp dir {}: {e}", dir.display()));
    dir
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixture_parses_as_its_event_type() {
        use aws_lambda_events::event::{cognito, dynamodb};
        for name in [
            "company-admin/post-companies.json",
            "company-admin/get-company.json",
            "company-admin/put-company.json",
            "personal-details/put-applicant.json",
            "personal-details/get-applicants.json",
            "question-collection/post-question.json",
            "question-collection/post-exams.json",
            "question-answer/put-answers.json",
        ] {
            let request = rest_request(name, |_| {});
            assert!(
                crate::claims::Claims::from_request(&request).is_ok(),
                "{name}"
            );
        }
        let _: cognito::CognitoEventUserPoolsPreSignup =
            serde_json::from_value(load("cognito/pre-signup.json")).unwrap();
        let _: cognito::CognitoEventUserPoolsPostConfirmation =
            serde_json::from_value(load("cognito/post-confirmation.json")).unwrap();
        let stream: dynamodb::Event =
            serde_json::from_value(load("dynamodb/exam-attempt-submitted.json")).unwrap();
        assert_eq!(stream.records.len(), 1);
    }
}
