//! Bad input through the real embedded stack: oversized bodies, deeply nested JSON, invalid
//! UTF-8, huge query strings, and path traversal or odd ids, sent to routes of every function.
//! Each is refused with a 4xx `application/problem+json` naming what was wrong, never a 5xx,
//! and the state read back through the API afterwards is exactly what it was before.

use genese_tests::dates::{monday_after, today};
use genese_tests::local_stack::LocalStack;
use genese_tests::tokens::username_in;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DEMO_PASSWORD: &str = "Demo-Password-1";
/// API Gateway's payload limit, which the stack enforces.
const GATEWAY_PAYLOAD_LIMIT: usize = 10 * 1024 * 1024;

/// The demo users' tokens, one per role the routes need.
struct Callers {
    admin: String,
    manager: String,
    employee: String,
    recruiter: String,
    applicant: String,
    /// The demo employee's username, as the pool made it (paths name staff by it).
    employee_username: String,
    /// The month the state is read from, fixed at set-up: a run across a month's end still
    /// compares like with like.
    month: String,
}

/// A stack with some state of every kind, so "unchanged" means something: a company event, a
/// leave request, the applicant's details, and the demo question bank.
async fn stack_with_state() -> (LocalStack, Callers) {
    let stack = LocalStack::start();
    let callers = Callers {
        admin: stack.token("admin@acme.test", DEMO_PASSWORD).await,
        manager: stack.token("manager@acme.test", DEMO_PASSWORD).await,
        employee: stack.token("employee@acme.test", DEMO_PASSWORD).await,
        recruiter: stack.token("recruiter@genese.test", DEMO_PASSWORD).await,
        applicant: stack.token("applicant@example.test", DEMO_PASSWORD).await,
        employee_username: String::new(),
        month: this_month(),
    };
    let callers = Callers {
        employee_username: username_in(&callers.employee),
        ..callers
    };
    let (status, _) = stack
        .call(
            Some(&callers.admin),
            "POST",
            "/events",
            Some(json!({ "date": format!("{}-15", callers.month), "title": "Town hall", "holiday": false })),
        )
        .await;
    assert_eq!(status, 201, "an event to keep");
    // A work day: today plus 30 days is a weekend one day in seven.
    let start = monday_after(30);
    let (status, _) = stack
        .call(
            Some(&callers.employee),
            "POST",
            "/leave-requests",
            Some(json!({ "type": "annual", "startDate": start.to_string(), "endDate": start.to_string(), "reason": "Dentist" })),
        )
        .await;
    assert_eq!(status, 201, "a leave request to keep");
    let (status, _) = stack
        .call(
            Some(&callers.applicant),
            "PUT",
            "/applicants/me",
            Some(json!({ "firstName": "Sita", "lastName": "Rai", "phone": "+9779812345678", "education": [],
                "availability": { "startDate": "2027-01-04", "commitment": "internship" } })),
        )
        .await;
    assert!(matches!(status, 200 | 201), "details to keep: {status}");
    // The employee consents to face matching, so their photo routes reach the photo.
    stack.consent_to_face_matching(&callers.employee).await;
    (stack, callers)
}

/// This month, `YYYY-MM`.
fn this_month() -> String {
    today().format("%Y-%m").to_string()
}

/// Everything the product holds, read back through the API (and the stack's outboxes).
async fn state(stack: &LocalStack, c: &Callers) -> Value {
    let month = &c.month;
    let reads: [(&str, String); 12] = [
        (&c.admin, "/company".into()),
        (&c.admin, "/employees?limit=200".into()),
        (&c.admin, format!("/events?month={month}")),
        (&c.admin, format!("/attendance/report?month={month}")),
        (&c.employee, "/leave-requests?scope=mine".into()),
        (&c.manager, "/leave-requests?scope=team".into()),
        (&c.recruiter, "/questions?limit=100".into()),
        (&c.recruiter, "/questions?limit=100&active=false".into()),
        (&c.recruiter, "/exams".into()),
        (&c.recruiter, "/applicants".into()),
        (&c.applicant, "/applicants/me".into()),
        (&c.employee, "/me".into()),
    ];
    let mut seen = serde_json::Map::new();
    for (token, path) in reads {
        let (status, body) = stack.call(Some(token), "GET", &path, None).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        seen.insert(path.to_string(), body);
    }
    seen.insert("mail".into(), json!(stack.mail().len()));
    seen.insert("chat".into(), json!(stack.chat().len()));
    Value::Object(seen)
}

/// [`state`] once the stack's stream consumers have delivered the notices of the setup (the
/// leave request's Slack message and mail arrive a moment after it is created).
async fn settled_state(stack: &LocalStack, c: &Callers) -> Value {
    let mut last = state(stack, c).await;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let now = state(stack, c).await;
        if now == last && now["chat"].as_u64() > Some(0) {
            return now;
        }
        last = now;
    }
    panic!("the stack did not settle: {last}");
}

/// Asserts a refusal: the status, problem+json, its `status` member and, if given, its `field`.
async fn refused(response: reqwest::Response, status: u16, field: Option<&str>, what: &str) {
    assert_eq!(response.status().as_u16(), status, "{what}");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = response.text().await.unwrap_or_default();
    assert_eq!(content_type, "application/problem+json", "{what}: {text}");
    let problem: Value = serde_json::from_str(&text).expect("a problem document");
    assert_eq!(problem["status"], status, "{what}");
    if let Some(field) = field {
        assert_eq!(problem["field"], field, "{what}: {problem}");
    }
}

/// `method path` with a bearer token, a content type and raw bytes.
async fn send(
    stack: &LocalStack,
    token: Option<&str>,
    method: &str,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = stack
        .http
        .request(method, stack.url(path))
        .header("content-type", content_type)
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("the stack answers")
}

/// A Slack button click by the demo manager approving leave `value`.
fn interaction(value: &str) -> Value {
    json!({
        "type": "block_actions", "user": { "id": "U0MANAGER" }, "team": { "id": "T0" },
        "container": { "message_ts": "1", "channel_id": "D0" },
        "response_url": "https://hooks.slack.com/actions/T0/1/x",
        "actions": [{ "action_id": "leave_approve", "value": value }],
    })
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish().into_bytes()
}

fn nested_arrays(depth: usize) -> Vec<u8> {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes()
}

fn nested_objects(depth: usize) -> Vec<u8> {
    format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth)).into_bytes()
}

const JSON: &str = "application/json";

#[tokio::test]
async fn oversized_bodies_are_refused_with_413_and_nothing_is_written() {
    let (stack, c) = stack_with_state().await;
    let before = settled_state(&stack, &c).await;

    // Over API Gateway's 10 MB: the gateway refuses, whichever function the route belongs to,
    // with a token or without one.
    let huge = vec![b' '; GATEWAY_PAYLOAD_LIMIT + 1];
    let over_gateway: [(Option<&str>, &str, &str); 10] = [
        (Some(&c.admin), "POST", "/employees"),
        (Some(&c.applicant), "DELETE", "/applicants/me"),
        (Some(&c.recruiter), "POST", "/questions"),
        (Some(&c.applicant), "PUT", "/exams/current/answers"),
        (Some(&c.applicant), "PUT", "/applicants/me"),
        (Some(&c.employee), "PUT", "/me/face"),
        (Some(&c.employee), "PUT", "/me/biometric-consent"),
        (Some(&c.employee), "POST", "/leave-requests"),
        (None, "POST", "/slack/commands"),
        (None, "POST", "/employees"),
    ];
    for (token, method, path) in over_gateway {
        let response = send(&stack, token, method, path, JSON, huge.clone()).await;
        refused(response, 413, None, &format!("{method} {path}, 10 MB + 1")).await;
    }

    // Under the gateway's limit but over each route's own cap.
    let padded = |bytes: usize| {
        let mut body = br#"{"name":""#.to_vec();
        body.resize(bytes, b'a');
        body.extend_from_slice(br#""}"#);
        body
    };
    let over_route: [(&str, &str, &str, usize); 8] = [
        (&c.admin, "POST", "/employees", 64 * 1024),
        (&c.admin, "PUT", "/company", 64 * 1024),
        (&c.recruiter, "POST", "/questions", 64 * 1024),
        (&c.applicant, "PUT", "/applicants/me", 64 * 1024),
        (&c.applicant, "PUT", "/exams/current/answers", 16 * 1024),
        (&c.employee, "POST", "/leave-requests", 64 * 1024),
        (&c.employee, "PUT", "/me/biometric-consent", 64 * 1024),
        // An erasure takes no body: one is refused, and nobody is erased.
        (&c.applicant, "DELETE", "/applicants/me", 0),
    ];
    for (token, method, path, cap) in over_route {
        let response = send(&stack, Some(token), method, path, JSON, padded(cap + 1)).await;
        refused(response, 413, None, &format!("{method} {path}, over {cap}")).await;
    }
    // A photo over 4 MiB decoded: its event still fits Lambda's, and the function names it.
    let photo_body = |decoded: usize| {
        let photo = "A".repeat(decoded / 3 * 4);
        json!({ "photo": photo }).to_string().into_bytes()
    };
    for (token, path) in [
        (&c.employee, "/me/face".to_string()),
        (&c.admin, format!("/employees/{}/face", c.employee_username)),
    ] {
        let body = photo_body(4 * 1024 * 1024 + 3072);
        let response = send(&stack, Some(token), "PUT", &path, JSON, body).await;
        refused(
            response,
            413,
            Some("photo"),
            &format!("PUT {path}, a 4 MiB + photo"),
        )
        .await;
        // A 5 MiB photo's body is under the gateway's 10 MB but its event is over Lambda's
        // 6,291,456 bytes: refused by the gateway, before any function, naming the body.
        let body = photo_body(5 * 1024 * 1024);
        assert!(body.len() < GATEWAY_PAYLOAD_LIMIT);
        let response = send(&stack, Some(token), "PUT", &path, JSON, body).await;
        refused(
            response,
            413,
            Some("body"),
            &format!("PUT {path}, an event over 6 MB"),
        )
        .await;
    }
    // A CV over 5 MiB never gets an upload URL; nor does one that names its own key.
    for (ask, field, status) in [
        (json!({ "size": 5 * 1024 * 1024 + 1 }), "size", 422),
        (json!({ "size": 0 }), "size", 422),
        (
            json!({ "size": 10, "key": "resumes/someone-else/cv.pdf" }),
            "key",
            400,
        ),
    ] {
        let response = send(
            &stack,
            Some(&c.applicant),
            "POST",
            "/applicants/me/resume",
            JSON,
            ask.to_string().into_bytes(),
        )
        .await;
        refused(
            response,
            status,
            Some(field),
            &format!("a CV upload of {ask}"),
        )
        .await;
    }
    // Slack's own cap (64 KiB), on a correctly signed body.
    let mut big_command = form(&[("command", "/leave"), ("text", "pending")]);
    big_command.extend(std::iter::repeat_n(b'a', 64 * 1024));
    refused(
        stack.slack_post("/slack/commands", big_command).await,
        413,
        None,
        "a 64 KiB + Slack command",
    )
    .await;

    assert_eq!(state(&stack, &c).await, before, "nothing was written");
}

#[tokio::test]
async fn deeply_nested_json_is_a_400_naming_the_body_on_every_function() {
    let (stack, c) = stack_with_state().await;
    let (_, questions) = stack
        .call(Some(&c.recruiter), "GET", "/questions?limit=1", None)
        .await;
    let question = questions["items"][0]["id"]
        .as_str()
        .expect("a demo question")
        .to_string();
    let before = settled_state(&stack, &c).await;

    // Someone signed up without a company yet, who may register one.
    let signed_up = stack
        .http
        .post(stack.url("/local/auth/sign-up"))
        .json(&json!({ "email": "founder@newco.test", "password": "Founder-Pass-1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_up.status(), 201);
    let founder = stack.token("founder@newco.test", "Founder-Pass-1").await;
    let routes: [(&str, &str, String, usize); 13] = [
        (&founder, "POST", "/companies".into(), 10_000),
        (&c.admin, "PUT", "/company".into(), 10_000),
        (&c.admin, "POST", "/employees".into(), 10_000),
        (
            &c.admin,
            "PUT",
            format!("/employees/{}", c.employee_username),
            10_000,
        ),
        (&c.admin, "POST", "/events".into(), 10_000),
        (&c.recruiter, "POST", "/questions".into(), 10_000),
        (
            &c.recruiter,
            "PUT",
            format!("/questions/{question}"),
            10_000,
        ),
        // These routes cap bodies lower (1 KiB, 16 KiB): nesting that fits is refused the same.
        (&c.applicant, "POST", "/exams".into(), 100),
        (&c.applicant, "PUT", "/exams/current/answers".into(), 2_000),
        (&c.applicant, "PUT", "/applicants/me".into(), 10_000),
        (&c.employee, "PUT", "/me/face".into(), 10_000),
        (&c.employee, "PUT", "/me/biometric-consent".into(), 100),
        (&c.employee, "POST", "/leave-requests".into(), 10_000),
    ];
    for (token, method, path, depth) in &routes {
        for (shape, body) in [
            ("arrays", nested_arrays(*depth)),
            ("objects", nested_objects(*depth)),
        ] {
            let response = send(&stack, Some(token), method, path, JSON, body).await;
            refused(
                response,
                400,
                Some("body"),
                &format!("{method} {path}, {depth} nested {shape}"),
            )
            .await;
        }
    }
    // Slack's interaction payload is JSON inside a form: refused by its field.
    // Form-encoded, each bracket takes three bytes: 5,000 deep fits Slack's 64 KiB cap.
    let deep = String::from_utf8(nested_arrays(5_000)).unwrap();
    let response = stack
        .slack_post("/slack/interactions", form(&[("payload", &deep)]))
        .await;
    refused(
        response,
        400,
        Some("payload"),
        "a Slack payload of 5,000 nested arrays",
    )
    .await;

    assert_eq!(state(&stack, &c).await, before, "nothing was written");
}

#[tokio::test]
async fn invalid_utf8_bodies_are_a_400_naming_the_body() {
    let (stack, c) = stack_with_state().await;
    let before = settled_state(&stack, &c).await;

    let bad: &[u8] = b"{\"\xff\xfe\": \"\xc3\x28\"}";
    let routes: [(&str, &str, &str); 10] = [
        (&c.admin, "POST", "/employees"),
        (&c.admin, "POST", "/events"),
        (&c.admin, "PUT", "/company"),
        (&c.recruiter, "POST", "/questions"),
        (&c.applicant, "PUT", "/exams/current/answers"),
        (&c.applicant, "PUT", "/applicants/me"),
        (&c.applicant, "POST", "/applicants/me/resume"),
        (&c.employee, "PUT", "/me/face"),
        (&c.employee, "PUT", "/me/biometric-consent"),
        (&c.employee, "POST", "/leave-requests"),
    ];
    for (token, method, path) in routes {
        for content_type in [JSON, "application/json; charset=utf-8"] {
            let response = send(
                &stack,
                Some(token),
                method,
                path,
                content_type,
                bad.to_vec(),
            )
            .await;
            refused(
                response,
                400,
                Some("body"),
                &format!("{method} {path} ({content_type})"),
            )
            .await;
        }
    }
    // Slack: a signed form whose fields are not UTF-8 is missing the fields it needs.
    let mut command = b"command=%2Fleave&text=".to_vec();
    command.extend_from_slice(b"\xff\xfe&user_id=\xc3\x28");
    refused(
        stack.slack_post("/slack/commands", command).await,
        400,
        None,
        "a Slack command in bad UTF-8",
    )
    .await;
    let response = stack
        .slack_post("/slack/interactions", b"payload=\xff\xfe".to_vec())
        .await;
    refused(
        response,
        400,
        Some("payload"),
        "a Slack payload in bad UTF-8",
    )
    .await;

    assert_eq!(state(&stack, &c).await, before, "nothing was written");
}

#[tokio::test]
async fn huge_query_strings_are_refused_naming_the_parameter() {
    let (stack, c) = stack_with_state().await;
    let before = settled_state(&stack, &c).await;

    let get =
        |token: &str, path: String| stack.http.get(stack.url(&path)).bearer_auth(token).send();
    // Over API Gateway's 10,240 bytes of request line and headers: 414 naming the parameter.
    let long = "9".repeat(20 * 1024);
    let routes: [(&str, &str, &str); 8] = [
        (&c.admin, "/events", "month"),
        (&c.admin, "/attendance/report", "month"),
        (&c.employee, "/attendance", "month"),
        (&c.employee, "/leave-requests", "month"),
        (&c.admin, "/employees", "cursor"),
        (&c.recruiter, "/questions", "category"),
        (&c.recruiter, "/exams", "status"),
        (&c.recruiter, "/applicants", "sort"),
    ];
    for (token, path, param) in routes {
        let response = get(token, format!("{path}?{param}={long}")).await.unwrap();
        refused(
            response,
            414,
            Some(param),
            &format!("GET {path} with a 20 KB {param}"),
        )
        .await;
    }
    // Headers count towards the same quota: 431 naming them.
    let response = stack
        .http
        .get(stack.url("/events?month=2026-01"))
        .bearer_auth(&c.admin)
        .header("x-padding", "p".repeat(11 * 1024))
        .send()
        .await
        .unwrap();
    refused(response, 431, Some("headers"), "11 KB of headers").await;
    // Within the gateway's quota, the function judges the value itself, naming it.
    let response = get(&c.admin, format!("/events?month={}", "9".repeat(8 * 1024)))
        .await
        .unwrap();
    refused(response, 422, Some("month"), "an 8 KB month").await;
    let response = get(
        &c.employee,
        format!("/attendance?month={}", "9".repeat(8 * 1024)),
    )
    .await
    .unwrap();
    // (attendance answers a month it cannot read with 400, company-admin with 422.)
    refused(response, 400, Some("month"), "an 8 KB month of one's own").await;
    // A 100 KB query (sent raw: no client builds such a URI) never reaches the gateway: the HTTP
    // server refuses a request line over 64 KiB itself with a bare 414, as API Gateway refuses
    // it before any function runs.
    let target = format!("/events?month={}", "9".repeat(100 * 1024));
    let (status, _, _) = raw(&stack, &c.admin, "GET", &target).await;
    assert_eq!(status, 414, "a 100 KB month");

    assert_eq!(state(&stack, &c).await, before, "nothing was written");
}

/// Sends `method target` as written, without the client normalising `..` segments away.
async fn raw(stack: &LocalStack, token: &str, method: &str, target: &str) -> (u16, String, String) {
    let addr = stack.base_url.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{method} {target} HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {token}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    socket.read_to_string(&mut answer).await.unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_string)
        })
        .unwrap_or_default();
    (status, content_type, body.to_string())
}

#[tokio::test]
async fn path_traversal_and_ids_that_cannot_be_keys_are_refused_by_name() {
    let (stack, c) = stack_with_state().await;
    let before = settled_state(&stack, &c).await;

    let long = "x".repeat(300);
    let update = json!({ "name": "Mallory", "role": "admin", "version": 1 });
    let leave = format!("/leave-requests/{long}");
    let cases: Vec<(&str, &str, String, Option<Value>, &str)> = vec![
        // company-admin
        (
            &c.admin,
            "GET",
            "/employees/..%2F..%2Fetc".into(),
            None,
            "username",
        ),
        (
            &c.admin,
            "PUT",
            "/employees/..%2F..%2Fetc".into(),
            Some(update.clone()),
            "username",
        ),
        (
            &c.admin,
            "PUT",
            "/employees/a%2Fb%40acme.test".into(),
            Some(update.clone()),
            "username",
        ),
        (
            &c.admin,
            "DELETE",
            format!("/employees/{}%00", c.employee_username),
            None,
            "username",
        ),
        (
            &c.admin,
            "GET",
            format!("/employees/{long}%40acme.test"),
            None,
            "username",
        ),
        (&c.admin, "DELETE", "/events/..%2F..%2Fx".into(), None, "id"),
        (
            &c.admin,
            "DELETE",
            "/events/2026-01-01%23%00".into(),
            None,
            "id",
        ),
        // question-collection
        (
            &c.recruiter,
            "GET",
            "/questions/..%2F..%2Fx".into(),
            None,
            "id",
        ),
        (
            &c.recruiter,
            "PUT",
            "/questions/a%00b".into(),
            Some(json!({})),
            "id",
        ),
        (
            &c.recruiter,
            "DELETE",
            format!("/questions/{long}"),
            None,
            "id",
        ),
        // question-answer
        (
            &c.recruiter,
            "GET",
            "/exams/..%2F..%2Fetc%2Fpasswd".into(),
            None,
            "uid",
        ),
        (&c.recruiter, "GET", "/exams/%00".into(), None, "uid"),
        // personal-details
        (
            &c.recruiter,
            "GET",
            "/applicants/..%5C..%5Cx".into(),
            None,
            "uid",
        ),
        (
            &c.recruiter,
            "GET",
            format!("/applicants/{long}"),
            None,
            "uid",
        ),
        // attendance, with S3-like keys where the photo key is built from the path
        (
            &c.admin,
            "PUT",
            "/employees/..%2Fx/face".into(),
            Some(json!({ "photo": "aGk=" })),
            "username",
        ),
        (
            &c.admin,
            "GET",
            "/attendance/..%2F..%2Fetc?month=2026-01".into(),
            None,
            "username",
        ),
        (
            &c.admin,
            "GET",
            format!(
                "/attendance/attendance%2Facme%2F{}/2026-01-01/photo?kind=in",
                c.employee_username
            ),
            None,
            "username",
        ),
        (
            &c.admin,
            "GET",
            format!(
                "/attendance/{}/2026-01-01%2F..%2F..%2Fresumes/photo?kind=in",
                c.employee_username
            ),
            None,
            "date",
        ),
        (
            &c.admin,
            "GET",
            format!(
                "/attendance/{}/..%2F..%2Fx/photo?kind=in",
                c.employee_username
            ),
            None,
            "date",
        ),
        // leave-requests
        (
            &c.manager,
            "POST",
            "/leave-requests/..%2F..%2Fx/approve".into(),
            None,
            "id",
        ),
        (
            &c.manager,
            "POST",
            "/leave-requests/a%00/reject".into(),
            None,
            "id",
        ),
        (&c.employee, "POST", format!("{leave}/cancel"), None, "id"),
    ];
    for (token, method, path, body, field) in cases {
        let method_ = Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = stack
            .http
            .request(method_, stack.url(&path))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        refused(response, 400, Some(field), &format!("{method} {path}")).await;
        assert_eq!(
            state(&stack, &c).await,
            before,
            "nothing written by {method} {path}"
        );
    }

    // Slack: a button whose value cannot be a leave id.
    for value in ["../../x", "a\u{0}b", &long] {
        let payload = interaction(value).to_string();
        let response = stack
            .slack_post("/slack/interactions", form(&[("payload", &payload)]))
            .await;
        refused(
            response,
            400,
            Some("payload.actions[0].value"),
            &format!("a Slack click on {value:?}"),
        )
        .await;
    }

    // `..` segments sent as they are match no resource (a client would normally resolve them).
    for (token, method, target) in [
        (&c.recruiter, "GET", "/questions/../../x"),
        (&c.admin, "DELETE", "/employees/../company"),
        (&c.admin, "GET", "/attendance/../../etc/passwd/photo"),
    ] {
        let (status, content_type, body) = raw(&stack, token, method, target).await;
        assert_eq!(
            (status, content_type.as_str()),
            (404, "application/problem+json"),
            "{method} {target}: {body}"
        );
    }

    // The blob store's own presigned routes refuse keys that walk out of their prefix.
    let response = stack
        .http
        .put(stack.url("/local/blobs/resumes%2F..%2F..%2Fetc%2Fx?expires=9999999999&signature=00"))
        .body("hi")
        .send()
        .await
        .unwrap();
    refused(response, 403, None, "a presigned upload with a walking key").await;

    assert_eq!(state(&stack, &c).await, before, "nothing was written");
}
