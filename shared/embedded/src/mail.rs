//! The mail port as `.eml` files (RFC 5322, multipart/alternative), one per message, so a
//! developer can open what the product sent in any mail reader.

use std::path::PathBuf;

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use domain::ports::{Email, MailError, Mailer};

/// Writes each message into `dir`.
pub struct EmlMailer {
    dir: PathBuf,
}

impl EmlMailer {
    pub fn new(dir: PathBuf) -> Self {
        EmlMailer { dir }
    }
}

fn header_safe(value: &str) -> Result<&str, MailError> {
    if value.contains(['\r', '\n']) {
        Err(MailError::Rejected(
            "header values must not contain line breaks".into(),
        ))
    } else {
        Ok(value)
    }
}

/// Base64 in 76-character lines, as MIME wants.
fn wrapped_base64(text: &str) -> String {
    let encoded = STANDARD.encode(text.as_bytes());
    encoded
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// RFC 2047 encoded-word for a subject that may hold non-ASCII text.
fn encoded_subject(subject: &str) -> String {
    if subject.is_ascii() {
        subject.to_string()
    } else {
        format!("=?UTF-8?B?{}?=", STANDARD.encode(subject))
    }
}

#[async_trait]
impl Mailer for EmlMailer {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        if email.to.is_empty()
            || email
                .to
                .iter()
                .chain([&email.from])
                .any(|a| !a.contains('@'))
        {
            return Err(MailError::Rejected(
                "sender and every recipient must be email addresses".into(),
            ));
        }
        let id = uuid::Uuid::now_v7().simple().to_string();
        let boundary = format!("=_genese_{id}");
        let to: Vec<&str> = email
            .to
            .iter()
            .map(|a| header_safe(a))
            .collect::<Result<_, _>>()?;
        let message = format!(
            "Message-ID: <{id}@genese.local>\r\nDate: {date}\r\nFrom: {from}\r\nTo: {to}\r\nSubject: {subject}\r\n\
             MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n\
             --{boundary}\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{text}\r\n\
             --{boundary}\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{html}\r\n\
             --{boundary}--\r\n",
            date = chrono::Utc::now().to_rfc2822(),
            from = header_safe(&email.from)?,
            to = to.join(", "),
            subject = encoded_subject(header_safe(&email.subject)?),
            text = wrapped_base64(&email.text),
            html = wrapped_base64(&email.html),
        );
        let io = |e: std::io::Error| MailError::Unavailable(e.to_string());
        tokio::fs::create_dir_all(&self.dir).await.map_err(io)?;
        let tmp = self.dir.join(format!(".{id}.tmp"));
        tokio::fs::write(&tmp, message).await.map_err(io)?;
        tokio::fs::rename(&tmp, self.dir.join(format!("{id}.eml")))
            .await
            .map_err(io)?;
        Ok(id)
    }
}
