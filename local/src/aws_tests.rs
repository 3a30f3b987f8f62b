//! AWS mode through the gateway, on a real moto_server with IAM enforced and the real
//! bootstraps: a company's registration as its founder walks it, with moto's own id tokens.

use std::sync::Arc;

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use serde_json::{Value, json};

use crate::aws::AwsBackend;

/// The gateway on a free loopback port in front of `backend`; its base URL.
async fn serve(backend: Arc<AwsBackend>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, crate::aws_router(backend)).await;
    });
    url
}

/// An id token for `email`, signed in on the attendance portal's client.
async fn token(backend: &AwsBackend, email: &str, password: &str) -> String {
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&backend.deployment.operator);
    let pool = &backend.deployment.world.pool;
    let signed_in = cognito
        .admin_initiate_auth()
        .user_pool_id(&pool.id)
        .client_id(&pool.clients["attendance-portal"])
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .unwrap();
    signed_in
        .authentication_result()
        .unwrap()
        .id_token()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_founder_registers_a_company_through_the_gateway_in_aws_mode() {
    let logs = std::env::temp_dir().join(format!("genese-aws-gateway-{}", std::process::id()));
    let backend = Arc::new(AwsBackend::start(&logs).await.unwrap());
    let url = serve(backend.clone()).await;
    let http = reqwest::Client::new();

    backend
        .deployment
        .signed_up("founder@newco.test", "Founder-Pass-1!")
        .await
        .unwrap();

    let anonymous = http.get(format!("{url}/company")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401, "the authorizer wants a token");
    let forged = http
        .get(format!("{url}/company"))
        .bearer_auth("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);

    let founder = token(&backend, "founder@newco.test", "Founder-Pass-1!").await;
    let created = http
        .post(format!("{url}/companies"))
        .bearer_auth(&founder)
        .json(&json!({ "name": "NewCo", "timeZone": "Asia/Kathmandu", "workHours": { "start": "09:30", "end": "17:30" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(
        created.headers()["location"],
        "/company",
        "the Location the client called under"
    );
    let company: Value = created.json().await.unwrap();

    // The old token predates the admins group; a fresh sign-in carries it and the company.
    let stale = http
        .get(format!("{url}/company"))
        .bearer_auth(&founder)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 403);
    let admin = token(&backend, "founder@newco.test", "Founder-Pass-1!").await;
    let read: Value = http
        .get(format!("{url}/company"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["id"], company["id"]);
    assert_eq!(read["name"], "NewCo");

    let calls = backend.deployment.front.calls();
    assert!(
        calls
            .iter()
            .any(|c| c.function.as_deref() == Some("CompanyAdminFunction")),
        "the real bootstrap served it"
    );
    assert!(calls.iter().all(|c| c.denied.is_none()), "{calls:?}");
}
