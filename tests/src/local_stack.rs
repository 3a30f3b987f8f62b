//! Starts the real embedded stack binary (`genese-local`) on a free loopback port with its own
//! state folder, for end-to-end tests, and stops it when dropped.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

/// A running stack.
pub struct LocalStack {
    child: Child,
    pub base_url: String,
    pub state_dir: PathBuf,
    pub http: reqwest::Client,
}

/// The `genese-local` binary next to this test binary (`target/<profile>/`).
fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    let bin = dir.join("genese-local");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p local` first (make test does)",
        bin.display()
    );
    bin
}

impl LocalStack {
    /// Starts a stack on a fresh state folder and waits until it listens (at most 60 s).
    pub fn start() -> LocalStack {
        LocalStack::start_with(&[])
    }

    /// [`LocalStack::start`] with extra environment, e.g. an exam policy of the test's own.
    pub fn start_with(env: &[(&str, &str)]) -> LocalStack {
        let state_dir = testkit::temp_dir("stack");
        let mut child = Command::new(binary())
            .envs(env.iter().copied())
            .env("FACE_DATA_DIR", testkit::face_data_dir())
            .env("PORT", "0")
            .env("STATE_DIR", &state_dir)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start genese-local");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        // Reads the banner for the URL, then keeps draining so the stack never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("Genese embedded stack listening on ") {
                    let _ = tx.send(url.trim().to_string());
                }
                if std::env::var_os("STACK_LOG").is_some() {
                    eprintln!("[stack] {line}");
                }
            }
        });
        let base_url = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                panic!("genese-local did not report its URL within 60 s");
            }
        };
        LocalStack {
            child,
            base_url,
            state_dir,
            http: reqwest::Client::new(),
        }
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Signs in through `POST /local/auth/token` and returns the id token.
    pub async fn token(&self, username: &str, password: &str) -> String {
        let response = self
            .http
            .post(self.url("/local/auth/token"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("token request");
        assert_eq!(response.status(), 200, "sign-in of {username}");
        let body: Value = response.json().await.expect("token body");
        body["idToken"].as_str().expect("idToken").to_string()
    }
}

impl LocalStack {
    /// Self sign-up through the careers portal client, as an applicant would; returns the sub.
    pub async fn sign_up_applicant(&self, email: &str, password: &str) -> String {
        let response = self
            .http
            .post(self.url("/local/auth/sign-up"))
            .json(&json!({ "email": email, "password": password, "clientId": "careers-portal" }))
            .send()
            .await
            .expect("sign-up request");
        assert_eq!(response.status(), 201, "sign-up of {email}");
        let body: Value = response.json().await.expect("sign-up body");
        body["sub"].as_str().expect("sub").to_string()
    }

    /// Self sign-up through the attendance portal's client, as a company founder would.
    pub async fn sign_up(&self, email: &str, password: &str) {
        let response = self
            .http
            .post(self.url("/local/auth/sign-up"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("sign-up request");
        assert_eq!(response.status(), 201, "sign-up of {email}");
    }

    /// The `.eml` files the stack's mailer has written so far, as text.
    pub fn mail(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.state_dir.join("mail")) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect()
    }

    /// The plain-text bodies of the mail sent to `to`, decoded.
    pub fn mail_text_to(&self, to: &str) -> Vec<String> {
        use base64::Engine;
        self.mail()
            .iter()
            .filter(|m| m.lines().any(|l| l.trim() == format!("To: {to}")))
            .filter_map(|m| {
                // The text part is the first base64 body after its part headers.
                let part = m.split("Content-Type: text/plain").nth(1)?;
                let body = part.split("\r\n\r\n").nth(1)?.split("--").next()?;
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(body.replace("\r\n", "").trim())
                    .ok()?;
                String::from_utf8(bytes).ok()
            })
            .collect()
    }

    /// Polls `mail()` until it holds at least `count` messages or `within` passes.
    pub async fn wait_for_mail(&self, count: usize, within: Duration) -> Vec<String> {
        let started = std::time::Instant::now();
        loop {
            let mail = self.mail();
            if mail.len() >= count || started.elapsed() > within {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for LocalStack {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.state_dir);
    }
}

impl LocalStack {
    /// One API call: `method path` with an optional bearer token and JSON body; the status and
    /// the body as JSON (or as a JSON string when it is not JSON).
    pub async fn call(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        crate::api_call::api_call(&self.http, token, method, self.url(path), body).await
    }

    /// The caller gives their consent to face matching, as they must before a face is enrolled.
    pub async fn consent_to_face_matching(&self, token: &str) {
        let (status, body) = self
            .call(
                Some(token),
                "PUT",
                "/me/biometric-consent",
                Some(serde_json::json!({ "textVersion": domain::consent::BIOMETRIC_CONSENT.version })),
            )
            .await;
        assert_eq!(status, 200, "consent: {body}");
    }

    /// The Slack messages the stack has sent so far (its chat file), one JSON value each.
    pub fn chat(&self) -> Vec<Value> {
        std::fs::read_to_string(self.state_dir.join("chat").join("slack.jsonl"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Polls `chat()` until `found` holds for one of its messages or `within` passes.
    pub async fn wait_for_chat(
        &self,
        found: impl Fn(&Value) -> bool,
        within: Duration,
    ) -> Option<Value> {
        let started = std::time::Instant::now();
        loop {
            if let Some(hit) = self.chat().into_iter().find(|m| found(m)) {
                return Some(hit);
            }
            if started.elapsed() > within {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl LocalStack {
    /// Accepts the invitation mailed to `username`: reads the temporary password from the mail,
    /// sets `new_password` through the challenge, and returns a fresh id token.
    pub async fn accept_invitation(&self, username: &str, new_password: &str) -> String {
        let started = std::time::Instant::now();
        let temporary = loop {
            let text = self.mail_text_to(username).join("\n");
            if let Some(t) = text
                .lines()
                .find_map(|l| l.strip_prefix("Temporary password: "))
            {
                break t.trim().to_string();
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no invitation mail reached {username}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let set = self
            .http
            .post(self.url("/local/auth/new-password"))
            .json(&json!({ "username": username, "temporaryPassword": temporary, "newPassword": new_password }))
            .send()
            .await
            .expect("new-password request");
        assert_eq!(set.status(), 200, "new password of {username}");
        self.token(username, new_password).await
    }
}
