//! The people who punch during the photo load: employees invited by the demo admin over the API,
//! activated with the temporary password the stack mails, each with an enrolled face.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::{Value, json};

use crate::stack::Stack;

pub const DEMO_PASSWORD: &str = "Demo-Password-1";
const PASSWORD: &str = "Load-Pass-2026";

/// `{"photo": base64}` of a sample photo from `FACE_DATA_DIR`.
pub fn photo(name: &str) -> Value {
    json!({ "photo": STANDARD.encode(testkit::sample_photo(name)) })
}

/// The temporary password in the invitation mailed to `email` (polled for up to 10 s).
async fn temporary_password(stack: &Stack, email: &str) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let mails = std::fs::read_dir(stack.state_dir.join("mail"))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|e| std::fs::read_to_string(e.path()).ok());
        for mail in mails {
            if !mail.lines().any(|l| l.trim() == format!("To: {email}")) {
                continue;
            }
            // The text part is the first base64 body after its headers.
            let text = mail
                .split("Content-Type: text/plain")
                .nth(1)
                .and_then(|part| part.split("\r\n\r\n").nth(1))
                .and_then(|body| body.split("--").next())
                .and_then(|b64| STANDARD.decode(b64.replace("\r\n", "").trim()).ok())
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .unwrap_or_default();
            if let Some(password) = text
                .lines()
                .find_map(|l| l.strip_prefix("Temporary password: "))
            {
                return Ok(password.trim().to_string());
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("no invitation mail for {email} within 10 s"))
}

/// Invites `email`, sets their password and returns their id token.
pub async fn invite(stack: &Stack, admin: &str, email: &str) -> Result<String, String> {
    let body = json!({ "email": email, "name": "Load Tester", "role": "employee",
                       "manager": "manager@acme.test" });
    let (status, answer) = stack
        .call(Some(admin), Method::POST, "/employees", Some(&body))
        .await?;
    if status != 201 {
        return Err(format!("inviting {email}: {status} {answer}"));
    }
    let temporary = temporary_password(stack, email).await?;
    let body =
        json!({ "username": email, "temporaryPassword": temporary, "newPassword": PASSWORD });
    let (status, answer) = stack
        .call(None, Method::POST, "/local/auth/new-password", Some(&body))
        .await?;
    if status != 200 {
        return Err(format!("new password of {email}: {status} {answer}"));
    }
    stack.token(email, PASSWORD).await
}

/// Enrols `obama.jpg` as the reference face of the token's owner, after their consent.
pub async fn enrol(stack: &Stack, token: &str) -> Result<(), String> {
    let consent = serde_json::json!({ "textVersion": domain::consent::BIOMETRIC_CONSENT.version });
    match stack
        .call(
            Some(token),
            Method::PUT,
            "/me/biometric-consent",
            Some(&consent),
        )
        .await?
    {
        (200, _) => {}
        (status, answer) => return Err(format!("consent: {status} {answer}")),
    }
    match stack
        .call(
            Some(token),
            Method::PUT,
            "/me/face",
            Some(&photo("obama.jpg")),
        )
        .await?
    {
        (200, _) => Ok(()),
        (status, answer) => Err(format!("enrolment: {status} {answer}")),
    }
}
