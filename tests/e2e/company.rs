//! Company registration end to end: sign-up → token → `POST /companies` → `GET /company` →
//! `PUT /company`, and every kind of bad input refused with a precise problem+json.

use genese_tests::local_stack::LocalStack;
use genese_tests::tokens::{forger_key, now, signed_token};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const DEMO_PASSWORD: &str = "Demo-Password-1";

async fn problem(response: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status.as_u16());
    body
}

#[tokio::test]
async fn a_new_admin_registers_reads_and_updates_their_company() {
    let stack = LocalStack::start();
    let signed_up = stack
        .http
        .post(stack.url("/local/auth/sign-up"))
        .json(&json!({ "email": "founder@newco.test", "password": "Founder-Pass-1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_up.status(), 201);
    let token = stack.token("founder@newco.test", "Founder-Pass-1").await;

    let created = stack
        .http
        .post(stack.url("/companies"))
        .bearer_auth(&token)
        .json(&json!({ "name": "NewCo", "timeZone": "Asia/Kathmandu", "workHours": { "start": "09:30", "end": "17:30" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let company: Value = created.json().await.unwrap();
    let id = company["id"].as_str().unwrap().to_string();

    // The old token predates the admin group; a fresh sign-in carries it and the company id.
    let token = stack.token("founder@newco.test", "Founder-Pass-1").await;
    let read: Value = stack
        .http
        .get(stack.url("/company"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["id"], id.as_str());
    assert_eq!(read["workHours"]["start"], "09:30");

    let updated = stack
        .http
        .put(stack.url("/company"))
        .bearer_auth(&token)
        .json(&json!({ "name": "NewCo Nepal", "timeZone": "Asia/Kathmandu", "version": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
    let updated: Value = updated.json().await.unwrap();
    assert_eq!(
        (updated["name"].as_str(), updated["version"].as_u64()),
        (Some("NewCo Nepal"), Some(2))
    );

    let stale = stack
        .http
        .put(stack.url("/company"))
        .bearer_auth(&token)
        .json(&json!({ "name": "Lost update", "timeZone": "UTC", "version": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(stale, StatusCode::CONFLICT).await["field"],
        "version"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn local_secrets_are_generated_on_first_run_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let stack = LocalStack::start();
    for name in ["signing-key.pem", "blob-url.key"] {
        let mode = std::fs::metadata(stack.state_dir.join("keys").join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{name} is {mode:o}");
    }
}

#[tokio::test]
async fn bad_input_of_every_kind_gets_a_precise_problem() {
    let stack = LocalStack::start();
    let admin = stack.token("admin@acme.test", DEMO_PASSWORD).await;
    let employee = stack.token("employee@acme.test", DEMO_PASSWORD).await;
    let send = |method: Method,
                path: &str,
                token: Option<&str>,
                content_type: Option<&str>,
                body: Option<&str>| {
        let mut request = stack.http.request(method, stack.url(path));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        if let Some(b) = body {
            request = request.body(b.to_string());
        }
        request.send()
    };
    let json_ct = Some("application/json");

    let malformed = send(
        Method::PUT,
        "/company",
        Some(&admin),
        json_ct,
        Some("{\"name\":"),
    )
    .await
    .unwrap();
    assert_eq!(
        problem(malformed, StatusCode::BAD_REQUEST).await["field"],
        "body"
    );
    let wrong_type = send(
        Method::PUT,
        "/company",
        Some(&admin),
        json_ct,
        Some(r#"{"name":1,"timeZone":"UTC"}"#),
    )
    .await
    .unwrap();
    assert_eq!(
        problem(wrong_type, StatusCode::BAD_REQUEST).await["field"],
        "name"
    );
    let unknown = send(
        Method::PUT,
        "/company",
        Some(&admin),
        json_ct,
        Some(r#"{"name":"A","timeZone":"UTC","companyId":"x"}"#),
    )
    .await
    .unwrap();
    assert_eq!(
        problem(unknown, StatusCode::BAD_REQUEST).await["field"],
        "companyId"
    );
    let invalid = send(
        Method::PUT,
        "/company",
        Some(&admin),
        json_ct,
        Some(r#"{"name":"A","timeZone":"Asia/Atlantis"}"#),
    )
    .await
    .unwrap();
    assert_eq!(
        problem(invalid, StatusCode::UNPROCESSABLE_ENTITY).await["field"],
        "timeZone"
    );
    let media = send(
        Method::PUT,
        "/company",
        Some(&admin),
        Some("text/plain"),
        Some("name=A"),
    )
    .await
    .unwrap();
    problem(media, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;

    let own = stack.issuer().await;
    let (kid, own_key, issuer) = (&own.kid, &own.own_key, own.issuer.as_str());
    let now = now();
    let good = signed_token(own_key, kid, issuer, now + 600);
    let good_status = send(Method::GET, "/company", Some(&good), None, None)
        .await
        .unwrap()
        .status();
    assert_eq!(
        good_status, 200,
        "control: a token signed like the issuer's passes"
    );

    let expired = signed_token(own_key, kid, issuer, now - 60);
    let wrong_issuer = signed_token(own_key, kid, "https://attacker.example", now + 600);
    let forged = signed_token(forger_key().as_bytes(), kid, issuer, now + 600);
    let refusals: [(&str, Option<&str>, &str, StatusCode); 7] = [
        ("no token", None, "/company", StatusCode::UNAUTHORIZED),
        (
            "not a JWT",
            Some("not-a-jwt"),
            "/company",
            StatusCode::UNAUTHORIZED,
        ),
        (
            "expired",
            Some(&expired),
            "/company",
            StatusCode::UNAUTHORIZED,
        ),
        (
            "another issuer",
            Some(&wrong_issuer),
            "/company",
            StatusCode::UNAUTHORIZED,
        ),
        (
            "signed by another key",
            Some(&forged),
            "/company",
            StatusCode::UNAUTHORIZED,
        ),
        (
            "employee on an admin route",
            Some(&employee),
            "/company",
            StatusCode::FORBIDDEN,
        ),
        (
            "unknown route",
            Some(&admin),
            "/no-such-route",
            StatusCode::NOT_FOUND,
        ),
    ];
    for (case, token, path, status) in refusals {
        let response = send(Method::GET, path, token, None, None).await.unwrap();
        assert_eq!(response.status(), status, "{case}");
        problem(response, status).await;
    }
    let wrong_method = send(Method::DELETE, "/company", Some(&admin), None, None)
        .await
        .unwrap();
    assert_eq!(wrong_method.headers()["allow"], "GET, PUT");
    problem(wrong_method, StatusCode::METHOD_NOT_ALLOWED).await;

    // Nothing above was written: the demo company is as seeded.
    let company: Value = send(Method::GET, "/company", Some(&admin), None, None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (company["name"].as_str(), company["version"].as_u64()),
        (Some("Acme Trading"), Some(1))
    );
}
