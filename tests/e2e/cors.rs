//! CORS through the real stack when it is told the portal's origin, as the deployed API is: the
//! preflight is answered without a token, and every answer — the function's and the gateway's
//! own refusals alike — lets the portal read it.

use genese_tests::local_stack::LocalStack;

const PORTAL: &str = "http://localhost:5173";

#[tokio::test]
async fn the_portal_origin_may_preflight_and_read_every_answer() {
    let stack = LocalStack::start_with(&[("CORS_ALLOW_ORIGIN", PORTAL)]);
    let preflight = stack
        .http
        .request(
            reqwest::Method::OPTIONS,
            stack.url("/employees/ram%40acme.test"),
        )
        .header("origin", PORTAL)
        .header("access-control-request-method", "PUT")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], PORTAL);
    assert!(
        headers["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("PUT")
    );
    assert!(
        headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("Authorization")
    );

    let refused = stack
        .http
        .get(stack.url("/company"))
        .header("origin", PORTAL)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.headers()["access-control-allow-origin"], PORTAL);

    let token = stack.token("admin@acme.test", "Demo-Password-1").await;
    let answered = stack
        .http
        .get(stack.url("/company"))
        .bearer_auth(token)
        .header("origin", PORTAL)
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
    assert_eq!(answered.headers()["access-control-allow-origin"], PORTAL);
}

#[tokio::test]
async fn without_an_origin_the_stack_answers_no_preflight() {
    let stack = LocalStack::start();
    let preflight = stack
        .http
        .request(reqwest::Method::OPTIONS, stack.url("/company"))
        .header("origin", PORTAL)
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 405);
    assert!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}
