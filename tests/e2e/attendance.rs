//! The Attendance journey end to end through the real stack: an admin invites an employee, the
//! invitee sets a password from the mailed temporary one, enrols their face, checks in and out
//! with selfies matched by the local face matcher, and the admin's report shows the day.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use genese_tests::dates::monday_after;
use genese_tests::local_stack::LocalStack;
use genese_tests::tokens::username_in;
use serde_json::{Value, json};
use testkit::sample_photo;

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

    // The manager is named by username (the pool made it; the admin reads it off the roster).
    let (_, roster) = send(&stack, &admin, "GET", "/employees", None).await;
    let manager = roster["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["email"] == "manager@acme.test")
        .and_then(|e| e["username"].as_str())
        .expect("the demo manager on the roster")
        .to_string();
    let (status, invited) = send(
        &stack,
        &admin,
        "POST",
        "/employees",
        Some(json!({
            "email": "ravi@acme.test", "name": "Ravi", "role": "employee", "manager": manager
        })),
    )
    .await;
    assert_eq!(status, 201, "{invited}");
    assert_eq!(invited["status"], "invited");
    // The pool made Ravi's username; it is what his token will carry and every path names.
    let username = invited["username"].as_str().unwrap().to_string();
    assert_ne!(username, "ravi@acme.test");

    // Cognito mails a temporary password; the local pool writes the same mail as .eml.
    let mail = stack
        .wait_for_mail(1, std::time::Duration::from_secs(5))
        .await;
    assert!(!mail.is_empty());
    // He signs in with his email, as people do.
    let ravi = stack
        .accept_invitation("ravi@acme.test", "Ravi-Pass-2026")
        .await;
    assert_eq!(username_in(&ravi), username);
    let (_, roster) = send(
        &stack,
        &admin,
        "GET",
        &format!("/employees/{username}"),
        None,
    )
    .await;
    assert_eq!(roster["status"], "active", "{roster}");

    // He learns from GET /me that he may not check in yet, and why: no consent, no face.
    let (_, me) = send(&stack, &ravi, "GET", "/me", None).await;
    assert_eq!(
        (
            &me["mayCheckIn"],
            &me["face"]["enrolled"],
            &me["biometricConsent"]
        ),
        (&json!(false), &json!(false), &Value::Null),
        "{me}"
    );
    assert_eq!(me["manager"]["username"], manager.as_str(), "{me}");
    stack.consent_to_face_matching(&ravi).await;
    let (status, enrolled) = send(&stack, &ravi, "PUT", "/me/face", Some(photo("obama.jpg"))).await;
    assert_eq!(status, 200, "{enrolled}");
    let (_, me) = send(&stack, &ravi, "GET", "/me", None).await;
    assert_eq!(me["mayCheckIn"], true, "{me}");

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
    assert_eq!(
        rows[0][..6],
        ["username", "email", "name", "date", "check_in", "check_out"]
    );
    let row = rows
        .iter()
        .find(|r| r[0] == username)
        .expect("Ravi's day is in the report");
    assert_eq!(row[1..4], ["ravi@acme.test", "Ravi", date.as_str()]);
    assert!(
        !row[4].is_empty() && !row[5].is_empty(),
        "in and out times: {row:?}"
    );

    // Admins get an audited short-lived link; the employee does not.
    let path = format!("/attendance/{username}/{date}/photo?kind=in");
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

    // His leave goes to his manager, by username. Linked to Slack by the admin, he asks
    // `/attendance today` there and gets his own day (a key read of his Attendance row).
    let monday = monday_after(21).to_string();
    let (status, leave) = send(
        &stack,
        &ravi,
        "POST",
        "/leave-requests",
        Some(json!({
            "type": "annual", "startDate": monday, "endDate": monday, "reason": "Family visit"
        })),
    )
    .await;
    assert_eq!(status, 201, "{leave}");
    assert_eq!(leave["manager"], manager.as_str());
    let (_, current) = send(
        &stack,
        &admin,
        "GET",
        &format!("/employees/{username}"),
        None,
    )
    .await;
    let (status, linked) = send(
        &stack,
        &admin,
        "PUT",
        &format!("/employees/{username}"),
        Some(json!({
            "name": "Ravi", "role": "employee", "manager": manager, "slackUserId": "U0RAVI",
            "version": current["version"]
        })),
    )
    .await;
    assert_eq!(status, 200, "{linked}");
    let (status, today) = stack.slash_command("U0RAVI", "/attendance", "today").await;
    assert_eq!(status, 200, "{today}");
    let text = today["text"].as_str().unwrap_or_default();
    assert!(
        text.starts_with(&format!("Your day, {date}")) && text.contains("• Ravi in "),
        "{today}"
    );

    // Offboarding disables the user and forgets the face; the history stays.
    let (status, _) = send(
        &stack,
        &admin,
        "DELETE",
        &format!("/employees/{username}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, after) = send(
        &stack,
        &admin,
        "GET",
        &format!("/attendance/{username}?month={month}"),
        None,
    )
    .await;
    assert_eq!(after["days"][0]["date"], date.as_str());
    let (_, gone) = send(
        &stack,
        &admin,
        "GET",
        &format!("/employees/{username}"),
        None,
    )
    .await;
    assert_eq!(
        (gone["status"].as_str(), gone["faceEnrolled"].as_bool()),
        (Some("offboarded"), Some(false))
    );
}
