//! ses-notify: consumes the ExamAttempts stream. When an attempt becomes `submitted` (by the
//! applicant or at its deadline) it mails the recruiters the name, score and breakdown, and
//! confirms to the applicant, each exactly once however often the batch is delivered.
//!
//! Failures are reported per record (`ReportBatchItemFailures`): processing stops at the first
//! failing record, whose sequence number is returned, so Lambda retries from there; after the
//! mapping's retries a poison record goes to the dead-letter queue.

mod compose;
mod config;
mod submission;

use std::sync::Arc;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use chrono::Duration;
use domain::applicant::ApplicantRepo;
use domain::clock::Clock;
use domain::idempotency::once_key;
use domain::ports::{Email, ItemStore, MailError, Mailer, Table};
use edge::delivery::{self, OnceError};

pub use config::NotifyConfig;
pub use submission::Submission;

/// Tables this function reads or writes.
pub const TABLES: [Table; 2] = [Table::Applicants, Table::Idempotency];

/// Longer than one send takes, shorter than the mapping's retry back-off.
const LEASE: i64 = 120;

/// Everything the handler needs, built once at init.
#[derive(Clone)]
pub struct SesNotify {
    pub store: Arc<dyn ItemStore>,
    pub mailer: Arc<dyn Mailer>,
    pub clock: Arc<dyn Clock>,
    pub config: NotifyConfig,
}

/// Why a record was not processed; it is reported so Lambda retries it.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("unreadable record: {0}")]
    Unreadable(String),
    #[error(transparent)]
    Store(#[from] domain::ports::StoreError),
    #[error(transparent)]
    Mail(#[from] OnceError<MailError>),
}

impl SesNotify {
    /// Handles one batch; the response names the first record to retry, if any.
    pub async fn handle(&self, event: Event) -> DynamoDbEventResponse {
        delivery::each_record(&event, |record| self.process(record)).await
    }
    async fn process(&self, record: &EventRecord) -> Result<(), Failure> {
        let Some(submission) = Submission::from_record(record).map_err(Failure::Unreadable)? else {
            return Ok(());
        };
        let (name, email) = self.addressee(&submission).await?;
        let subject = format!(
            "{}/{}",
            submission.attempt.uid, submission.attempt.attempt_id
        );
        let recruiters = compose::to_recruiters(&self.config, &submission, &name);
        self.send_once(
            &once_key("submission-mail-recruiters", &subject),
            &recruiters,
        )
        .await?;
        match compose::to_applicant(&self.config, &submission, &name, email) {
            Some(confirmation) => {
                self.send_once(
                    &once_key("submission-mail-applicant", &subject),
                    &confirmation,
                )
                .await?
            }
            None => {
                tracing::warn!(uid = %submission.attempt.uid, "no applicant email to confirm to")
            }
        }
        Ok(())
    }

    /// Who to address: the name and contact email from the applicant's details when they gave
    /// them, else the account email the attempt was started with.
    async fn addressee(&self, s: &Submission) -> Result<(String, Option<String>), Failure> {
        let details = ApplicantRepo::new(self.store.as_ref())
            .get(&s.attempt.uid)
            .await?
            .map(|a| a.details);
        let email = details
            .as_ref()
            .and_then(|d| d.email.clone())
            .or_else(|| s.attempt.email.clone());
        let name = details
            .map(|d| format!("{} {}", d.first_name, d.last_name))
            .or_else(|| email.clone())
            .unwrap_or_else(|| "An applicant".into());
        Ok((name, email))
    }

    async fn send_once(&self, key: &str, email: &Email) -> Result<(), Failure> {
        let lease = Duration::seconds(LEASE);
        let (store, mailer) = (self.store.as_ref(), self.mailer.as_ref());
        delivery::mail_once(store, mailer, key, self.clock.now(), lease, email).await?;
        Ok(())
    }
}
