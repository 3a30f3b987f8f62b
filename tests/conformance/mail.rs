//! The mail port: a sent message is observable with its sender, recipients and subject.

use aws_adapters::SesMailer;
use aws_mode::moto::MotoServer;
use domain::ports::{Email, MailError, Mailer};
use embedded_adapters::EmlMailer;
use testkit::temp_dir;

fn email(subject: &str) -> Email {
    Email {
        from: "noreply@genese.test".into(),
        to: vec!["recruiters@genese.test".into(), "sita@example.com".into()],
        subject: subject.into(),
        text: "Sita scored 17 of 24.".into(),
        html: "<p>Sita scored <b>17</b> of 24.</p>".into(),
    }
}

#[tokio::test]
async fn eml_mailer_conforms() {
    let dir = temp_dir("mail");
    let mailer = EmlMailer::new(dir.clone());
    let id = mailer.send(&email("Exam submitted: Sita")).await.unwrap();
    assert!(!id.is_empty());
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("To: recruiters@genese.test, sita@example.com"));
    assert!(text.contains("Subject: Exam submitted: Sita"));
    assert!(text.contains("multipart/alternative"));
    let mut bad = email("x");
    bad.subject = "a\r\nBcc: everyone@example.com".into();
    assert!(
        matches!(mailer.send(&bad).await, Err(MailError::Rejected(_))),
        "no header injection"
    );
}

#[tokio::test]
async fn ses_mailer_conforms_on_the_emulator() {
    let moto = MotoServer::start();
    let config = moto.sdk_config().await;
    let ses = aws_sdk_sesv2::Client::new(&config);
    let mailer = SesMailer::new(ses.clone());
    // An unverified sender is refused, as SES refuses it.
    assert!(matches!(
        mailer.send(&email("refused")).await,
        Err(MailError::Rejected(_))
    ));
    ses.create_email_identity()
        .email_identity("noreply@genese.test")
        .send()
        .await
        .unwrap();
    let id = mailer.send(&email("Exam submitted: Sita")).await.unwrap();
    assert!(!id.is_empty());
    let data = moto.model_data().await;
    let sent = data["ses"]["Message"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(sent.len(), 1, "{data:#}");
    assert_eq!(sent[0]["subject"], "Exam submitted: Sita");
    assert_eq!(sent[0]["source"], "noreply@genese.test");
}
