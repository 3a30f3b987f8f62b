//! What tests and benches share, as a dev-dependency only: the real-shaped event fixtures in
//! `events/` (load one, adjust it, turn it into the request `lambda_http` would hand a
//! handler), sample photos, temp folders, the mail a test sent, a mailer that throttles, and
//! the domain's samples.

use std::path::{Path, PathBuf};

use base64::Engine;

use serde_json::Value;

/// The workspace's root (this crate is `shared/testkit`).
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The workspace's `events/` folder.
pub fn events_dir() -> PathBuf {
    workspace().join("events")
}

pub mod slack;

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

/// One REST call made from a fixture: the fixture re-aimed at `method` on `resource` (with its
/// concrete `path`, by default the resource itself), claims changed, headers added, a body.
#[derive(Clone, Debug, Default)]
pub struct Call<'a> {
    pub method: &'a str,
    pub resource: &'a str,
    pub path: Option<String>,
    pub params: Value,
    pub query: Value,
    /// Merged into the fixture's claims (`null` removes one).
    pub claims: Option<Value>,
    pub headers: Vec<(&'a str, String)>,
    pub body: Option<String>,
}

impl Call<'_> {
    /// The request this call makes from the REST fixture `fixture`.
    pub fn request(&self, fixture: &str) -> lambda_http::Request {
        rest_request(fixture, |e| {
            let path = self.path.as_deref().unwrap_or(self.resource);
            aim(
                e,
                self.method,
                self.resource,
                path,
                self.params.clone(),
                self.query.clone(),
            );
            if let Some(claims) = &self.claims {
                edit_claims(e, claims.clone());
            }
            for (name, value) in &self.headers {
                e["headers"][*name] = Value::from(value.as_str());
                e["multiValueHeaders"][*name] = Value::Array(vec![Value::from(value.as_str())]);
            }
            match &self.body {
                Some(b) => set_body(e, b),
                None => e["body"] = Value::Null,
            }
        })
    }
}

/// A handler's response as (status, JSON body — or the text as a JSON string).
pub fn outcome(response: &lambda_http::Response<lambda_http::Body>) -> (u16, Value) {
    let text = match response.body() {
        lambda_http::Body::Text(t) => t.clone(),
        lambda_http::Body::Binary(b) => String::from_utf8_lossy(b).into_owned(),
        _ => String::new(),
    };
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (response.status().as_u16(), value)
}

pub use embedded_adapters::face_data_dir;

/// A sample photo from the `face_recognition` sdist (`obama.jpg`, `obama2.jpg`, `obama3.jpg`,
/// `biden.jpg`); panics with the remedy when `make setup` has not fetched them.
pub fn sample_photo(name: &str) -> Vec<u8> {
    let path = face_data_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run `make setup` to fetch the sample photos",
            path.display()
        )
    })
}

/// A new empty folder under the system temp dir, unique per call, for one test's state.
pub fn temp_dir(label: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("genese-{label}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp dir {}: {e}", dir.display()));
    dir
}

/// The `.eml` files an `EmlMailer` wrote to `dir`, sorted: (To header, Subject header, decoded text and HTML parts).
pub fn sent_mail(dir: &Path) -> Vec<(String, String, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(String, String, String)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| {
            let raw = std::fs::read_to_string(e.path()).unwrap();
            let header = |name: &str| {
                raw.lines()
                    .find_map(|l| l.strip_prefix(name))
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            };
            // Each part's body is base64 between its blank line and the next boundary.
            let bodies: String = raw
                .split("--=_genese_")
                .filter_map(|part| part.split_once("\r\n\r\n").map(|(_, b)| b))
                .filter_map(|b| {
                    base64::engine::general_purpose::STANDARD
                        .decode(b.replace("\r\n", "").trim())
                        .ok()
                })
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .collect::<Vec<_>>()
                .join("\n----\n");
            (header("To:"), header("Subject:"), bodies)
        })
        .collect();
    found.sort();
    found
}

/// A mailer that fails its first `failures` sends as SES does when it throttles, then sends
/// through `inner` for real: for proving that a failed send is retried and still sent once.
pub struct FlakyMailer<M> {
    inner: M,
    failures: std::sync::atomic::AtomicUsize,
}

impl<M> FlakyMailer<M> {
    pub fn new(inner: M, failures: usize) -> Self {
        FlakyMailer {
            inner,
            failures: std::sync::atomic::AtomicUsize::new(failures),
        }
    }
}

#[async_trait::async_trait]
impl<M: domain::ports::Mailer> domain::ports::Mailer for FlakyMailer<M> {
    async fn send(&self, email: &domain::ports::Email) -> Result<String, domain::ports::MailError> {
        use std::sync::atomic::Ordering;
        if self
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(domain::ports::MailError::Throttled);
        }
        self.inner.send(email).await
    }
}

pub use domain::samples::{acme, active_staff, question_draft};

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
            "company-admin/post-employees.json",
            "attendance/post-check-in.json",
        ] {
            let request = rest_request(name, |_| {});
            assert!(
                edge::claims::Claims::from_request(&request).is_ok(),
                "{name}"
            );
        }
        let _: cognito::CognitoEventUserPoolsPreSignup =
            serde_json::from_value(load("cognito/pre-signup.json")).unwrap();
        let _: cognito::CognitoEventUserPoolsPostConfirmation =
            serde_json::from_value(load("cognito/post-confirmation.json")).unwrap();
        for name in [
            "cognito/pre-token-new-password.json",
            "cognito/pre-token-authentication.json",
        ] {
            let _: cognito::CognitoEventUserPoolsPreTokenGen =
                serde_json::from_value(load(name)).unwrap();
        }
        let stream: dynamodb::Event =
            serde_json::from_value(load("dynamodb/exam-attempt-submitted.json")).unwrap();
        assert_eq!(stream.records.len(), 1);
    }
}
