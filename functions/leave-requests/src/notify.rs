//! leave-notify: consumes the LeaveRequests stream and tells the people concerned, each exactly
//! once per transition however often a batch is delivered (every effect is leased on the
//! Idempotency table under a key naming the request, its version and the addressee):
//!
//! - a new request: its approvers get an email and, if linked to Slack, a message with
//!   Approve / Reject buttons;
//! - approved or rejected: the employee gets an email;
//! - cancelled: the approvers get an email if they had it to decide or had approved it;
//! - any move: the approvers' Slack messages lose their buttons and show the outcome.
//!
//! The state change is already stored when a record arrives, so a failed send never blocks it:
//! the record is reported for retry and, after the mapping's retries, parked in the DLQ.

use std::sync::Arc;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use chrono::Duration;
use domain::clock::Clock;
use domain::config::{ConfigError, VarSource, email_address};
use domain::idempotency::{lease, once_key};
use domain::leave::{LeaveRequest, LeaveStatus, NO_MANAGER};
use domain::ports::{
    ChatError, ChatMessage, ChatPoster, Email, ItemStore, MailError, Mailer, StoreError,
};
use domain::roster::{RosterEntry, RosterRepo, StaffRole, name_of};
use edge::delivery::{self, OnceError};
use edge::slack::messages;
use serde_json::{Value, json};

use crate::change::Change;
use crate::notices;

/// Longer than one send takes, shorter than the mapping's retry back-off.
const LEASE: i64 = 120;

/// Roster pages read at most when looking for a company's admins.
const ROSTER_PAGES: usize = 50;

/// `MAIL_FROM`, the verified SES identity leave mail is sent from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifyConfig {
    pub from: String,
}

impl NotifyConfig {
    pub fn from_env(env: &dyn VarSource) -> Result<NotifyConfig, ConfigError> {
        Ok(NotifyConfig {
            from: email_address(env, "MAIL_FROM")?,
        })
    }
}

/// Everything the stream handler needs, built once at init.
#[derive(Clone)]
pub struct LeaveNotify {
    pub store: Arc<dyn ItemStore>,
    pub mailer: Arc<dyn Mailer>,
    pub chat: Arc<dyn ChatPoster>,
    pub clock: Arc<dyn Clock>,
    pub config: NotifyConfig,
}

/// Why a record was not processed; it is reported so Lambda retries it.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("unreadable record: {0}")]
    Unreadable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Mail(#[from] OnceError<MailError>),
    #[error(transparent)]
    Chat(#[from] OnceError<ChatError>),
}

/// The effect keys, one per transition (`version`) and addressee.
fn key(effect: &str, r: &LeaveRequest, whom: &str) -> String {
    once_key(effect, &format!("{}/v{}/{whom}", r.leave_id, r.version))
}

/// The approver's Slack message is posted once per request; its outcome holds where it went.
fn slack_key(leave_id: &str, approver: &str) -> String {
    once_key("leave-slack-approver", &format!("{leave_id}/{approver}"))
}

/// How messages name a person: from the roster (name, else email), never by username.
fn display_name(person: Option<&RosterEntry>) -> String {
    name_of(person).to_string()
}

impl LeaveNotify {
    /// Handles one batch; the response names the first record to retry, if any.
    pub async fn handle(&self, event: Event) -> DynamoDbEventResponse {
        delivery::each_record(&event, |record| self.process(record)).await
    }

    async fn process(&self, record: &EventRecord) -> Result<(), Failure> {
        match Change::from_record(record).map_err(Failure::Unreadable)? {
            None => Ok(()),
            Some(Change::Requested(r)) => self.requested(&r).await,
            Some(Change::Moved { before, after }) => self.moved(before, &after).await,
        }
    }

    async fn requested(&self, r: &LeaveRequest) -> Result<(), Failure> {
        let employee = display_name(self.roster(r, &r.employee).await?.as_ref());
        for approver in self.approvers(r).await? {
            let mail = notices::request_to_approver(&self.config.from, r, &employee, &approver);
            self.mail_once(&key("leave-mail-approver", r, &approver.username), &mail)
                .await?;
            if let Some(slack) = &approver.slack_user_id {
                let message = messages::leave_request(slack, r, &employee);
                self.post_once(&slack_key(&r.leave_id, &approver.username), &message)
                    .await?;
            }
        }
        Ok(())
    }

    async fn moved(&self, before: LeaveStatus, r: &LeaveRequest) -> Result<(), Failure> {
        let approvers = self.approvers(r).await?;
        let employee = self.roster(r, &r.employee).await?;
        let name = display_name(employee.as_ref());
        let by = match r.decided_by.as_deref() {
            Some(decider) => display_name(self.roster(r, decider).await?.as_ref()),
            None => "-".to_string(),
        };
        match r.status {
            LeaveStatus::Approved | LeaveStatus::Rejected => {
                if let Some(employee) = &employee {
                    let mail = notices::decision_to_employee(&self.config.from, r, employee, &by);
                    self.mail_once(&key("leave-mail-employee", r, &employee.username), &mail)
                        .await?;
                }
            }
            LeaveStatus::Cancelled if before.holds_dates() => {
                for approver in &approvers {
                    let mail = notices::cancellation_to_approver(
                        &self.config.from,
                        r,
                        &name,
                        approver,
                        before,
                    );
                    self.mail_once(&key("leave-mail-approver", r, &approver.username), &mail)
                        .await?;
                }
            }
            _ => {}
        }
        for approver in &approvers {
            self.update_slack(r, (&name, &by), &approver.username)
                .await?;
        }
        Ok(())
    }

    /// `username`'s roster entry in the request's company, if they are still on it.
    async fn roster(
        &self,
        r: &LeaveRequest,
        username: &str,
    ) -> Result<Option<RosterEntry>, Failure> {
        Ok(RosterRepo::new(self.store.as_ref())
            .get(&r.company_id, username)
            .await?)
    }

    /// Who decides `r`: the manager it was filed with while they are active, else the company's
    /// active admins other than the employee (as `NO_MANAGER` requests are decided).
    async fn approvers(&self, r: &LeaveRequest) -> Result<Vec<RosterEntry>, Failure> {
        if let Some(manager) = r.manager.as_deref().filter(|m| *m != NO_MANAGER)
            && let Some(entry) = self.roster(r, manager).await?
            && entry.is_active()
        {
            return Ok(vec![entry]);
        }
        let repo = RosterRepo::new(self.store.as_ref());
        let mut admins = Vec::new();
        let mut cursor = None;
        for _ in 0..ROSTER_PAGES {
            let (page, next) = repo.list(&r.company_id, 100, cursor).await?;
            admins.extend(page.into_iter().filter(|e| {
                e.role == StaffRole::Admin && e.is_active() && e.username != r.employee
            }));
            cursor = next;
            if cursor.is_none() {
                break;
            }
        }
        Ok(admins)
    }

    /// Replaces the approver's message (if one was posted) by the outcome, once per move; the
    /// message names the employee and who decided.
    async fn update_slack(
        &self,
        r: &LeaveRequest,
        (employee, by): (&str, &str),
        approver: &str,
    ) -> Result<(), Failure> {
        let posted = lease::outcome(self.store.as_ref(), &slack_key(&r.leave_id, approver)).await?;
        let (Some(channel), Some(ts)) = (
            posted
                .as_ref()
                .and_then(|p| p.get("channel"))
                .and_then(Value::as_str),
            posted
                .as_ref()
                .and_then(|p| p.get("ts"))
                .and_then(Value::as_str),
        ) else {
            return Ok(());
        };
        let message = messages::leave_decided(channel, r, employee, by);
        let lease_for = Duration::seconds(LEASE);
        delivery::once(
            self.store.as_ref(),
            &key("leave-slack-update", r, approver),
            self.clock.now(),
            lease_for,
            || async {
                self.chat.update(ts, &message).await?;
                Ok::<_, ChatError>(json!({ "ts": ts }))
            },
        )
        .await?;
        Ok(())
    }

    async fn mail_once(&self, key: &str, email: &Email) -> Result<(), Failure> {
        let lease_for = Duration::seconds(LEASE);
        let (store, mailer) = (self.store.as_ref(), self.mailer.as_ref());
        delivery::mail_once(store, mailer, key, self.clock.now(), lease_for, email).await?;
        Ok(())
    }

    async fn post_once(&self, key: &str, message: &ChatMessage) -> Result<(), Failure> {
        let lease_for = Duration::seconds(LEASE);
        let (store, chat) = (self.store.as_ref(), self.chat.as_ref());
        delivery::post_once(store, chat, key, self.clock.now(), lease_for, message).await?;
        Ok(())
    }
}
