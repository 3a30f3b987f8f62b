//! The real `genese-local` binary of the `local` profile (what `make run` ships), started on a
//! free loopback port with a fresh state folder, as `tests/src/local_stack.rs` starts it for
//! the end-to-end tests; killed and its folder removed when dropped.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

pub struct Stack {
    child: Child,
    pub base_url: String,
    pub state_dir: PathBuf,
    pub http: reqwest::Client,
}

/// `target/local/genese-local`, honouring `CARGO_TARGET_DIR`.
pub fn binary() -> PathBuf {
    bench::results::target_dir().join("local/genese-local")
}

impl Stack {
    /// Starts the stack with the environment it ships with and waits for its banner (60 s).
    pub fn start() -> Result<Stack, String> {
        let bin = binary();
        if !bin.exists() {
            return Err(format!(
                "{} is missing: `cargo build --profile local -p local` (make bench-load does)",
                bin.display()
            ));
        }
        let state_dir = testkit::temp_dir("bench-load-stack");
        let mut child = Command::new(&bin)
            .env("FACE_DATA_DIR", testkit::face_data_dir())
            .env("PORT", "0")
            .env("STATE_DIR", &state_dir)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel();
        // Reads the banner for the URL, then drains the access log so the stack never blocks.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("Genese embedded stack listening on ") {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let Ok(base_url) = rx.recv_timeout(Duration::from_secs(60)) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("genese-local did not print its URL within 60 s".into());
        };
        Ok(Stack {
            child,
            base_url,
            state_dir,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(120))
                .build()
                .map_err(|e| e.to_string())?,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// One call: the status and the body as JSON (or as a JSON string).
    pub async fn call(
        &self,
        token: Option<&str>,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), String> {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| format!("{path}: {e}"))?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        Ok((
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        ))
    }

    /// An id token from `POST /local/auth/token`.
    pub async fn token(&self, username: &str, password: &str) -> Result<String, String> {
        let body = json!({ "username": username, "password": password });
        match self
            .call(
                None,
                reqwest::Method::POST,
                "/local/auth/token",
                Some(&body),
            )
            .await?
        {
            (200, v) => v["idToken"]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("no idToken for {username}")),
            (status, v) => Err(format!("sign-in of {username}: {status} {v}")),
        }
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.state_dir);
    }
}
