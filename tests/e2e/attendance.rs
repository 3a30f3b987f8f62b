//! The Attendance journey end to end through the real stack: an admin invites an employee, the
//! invitee sets a password from the mailed temporary one, enrols their face, checks in and out
//! with selfies matched by the local face matcher, and the admin's report shows the day.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use genese_tests::local_stack::LocalStack;
use serde_json::{Value, json};
use shared::fixtures::sample_photo;

const DEMO_PASSWORD: &str = "Demo-Password-1";

async fn send(
    stack: &LocalStack,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = stack
        .http
        .request(method, stack.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn photo(name: &str) -> Value {
    json!({ "photo": STANDARD.encode(sample_photo(name)) })
}

#[tokio::test]
async fn an_invited_employee_enrols_checks_in_and_out_and_the_admin_reports_it() {
    let stack = LocalStack::start();
    let admin = stack.token("admin@acme.test", DEMO_PASSWORD).await;

    let (status, invited) = send(&stack, &admin, "POST", "/employees", Some(json!({
        "email": "ravi@acme.test", "name": "Ravi", "role": "employee", "manager": "manager@acme.test"
    }))).await;
    assert_eq!(status, 201, "{invited}");
    assert_eq!(invited["status"], "invited");

    // Cognito mails a temporary password; the local pool writes the same mail as .eml.
    let mail = stack
        .wait_for_mail(1, std::time::Duration::from_secs(5))
        .await;
    assert!(!mail.is_empty());
    let ravi = stack
        .accept_invitation("ravi@acme.test", "Ravi-Pass-2026")
        .await;
    let (_, roster) = send(&stack, &admin, "GET", "/employees/ravi@acme.test", None).await;
    assert_eq!(roster["status"], "active", "{roster}");

    let (status, enrolled) = send(&stack, &ravi, "PUT", "/me/face", Some(photo("obama.jpg"))).await;
    assert_eq!(status, 200, "{enrolled}");

    // Somebody else's face is refused and recorded as nothing.
    let (status, refused) = send(
        &stack,
        &ravi,
        "POST",
        "/attendance/check-in",
        Some(photo("biden.jpg")),
    )
    .await;
    assert_eq!(
        (status, refused["field"].as_str()),
        (422, Some("photo")),
        "{refused}"
    );
    let (status, checked_in) = send(
        &stack,
        &ravi,
        "POST",
        "/attendance/check-in",
        Some(photo("obama2.jpg")),
    )
    .await;
    assert_eq!(status, 201, "{checked_in}");
    let (status, _) = send(
        &stack,
        &ravi,
        "POST",
        "/attendance/check-in",
        Some(photo("obama2.jpg")),
    )
    .await;
    assert_eq!(status, 409, "one check-in a day");
    let (status, checked_out) = send(
        &stack,
        &ravi,
        "POST",
        "/attendance/check-out",
        Some(photo("obama2.jpg")),
    )
    .await;
    assert_eq!(status, 201, "{checked_out}");

    let date = checked_in["date"].as_str().unwrap().to_string();
    let month = &date[..7];
    let (status, mine) = send(
        &stack,
        &ravi,
        "GET",
        &format!("/attendance?month={month}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(mine["days"][0]["date"], date.as_str());

    let (status, csv) = send(
        &stack,
        &admin,
        "GET",
        &format!("/attendance/report?month={month}&format=csv"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let csv = csv.as_str().unwrap().to_string();
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows[0][0], "username");
    let row = rows
        .iter()
        .find(|r| r[0] == "ravi@acme.test")
        .expect("Ravi's day is in the report");
    assert_eq!(row[1], date.as_str());
    assert!(
        !row[2].is_empty() && !row[3].is_empty(),
        "in and out times: {row:?}"
    );

    // Admins get an audited short-lived link; the employee does not.
    let path = format!("/attendance/ravi@acme.test/{date}/photo?kind=in");
    let (status, link) = send(&stack, &admin, "GET", &path, None).await;
    assert_eq!(status, 200, "{link}");
    let jpeg = stack
        .http
        .get(link["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert_eq!(send(&stack, &ravi, "GET", &path, None).await.0, 403);

    // Offboarding disables the user and forgets the face; the history stays.
    let (status, _) = send(&stack, &admin, "DELETE", "/employees/ravi@acme.test", None).await;
    assert_eq!(status, 204);
    let (_, after) = send(
        &stack,
        &admin,
        "GET",
        &format!("/attendance/ravi@acme.test?month={month}"),
        None,
    )
    .await;
    assert_eq!(after["days"][0]["date"], date.as_str());
    let (_, gone) = send(&stack, &admin, "GET", "/employees/ravi@acme.test", None).await;
    assert_eq!(
        (gone["status"].as_str(), gone["faceEnrolled"].as_bool()),
        (Some("offboarded"), Some(false))
    );
}
