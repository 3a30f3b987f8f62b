//! slack: `POST /slack/commands` (`/leave pending`, `/leave mine`, `/attendance today`) and
//! `POST /slack/interactions` (the Approve / Reject buttons), authenticated by Slack's v0
//! signature instead of a Cognito token; and `checkout-reminder`, the scheduled nudge to whoever
//! checked in and not out by the end of their company's work day.
//!
//! Every request is verified and recorded once ([`ReplayGuard`]) before anything in it is read.
//! The Slack user then acts as the one active roster entry linked to them, with that person's
//! rights: buttons run the very transition REST runs.

mod commands;
mod identity;
mod interactions;
#[cfg(feature = "openapi")]
pub mod openapi;
mod reminder;
mod reply;

use std::sync::Arc;

use async_trait::async_trait;
use domain::clock::Clock;
use domain::ports::{ChatPoster, ItemStore, Table};
use edge::ApiError;
use edge::function::RestFunction;
use edge::http::{body_bytes, route};
use edge::route_table::{Callers, Reply, RouteTable};
use edge::slack::{ReplayGuard, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use lambda_http::{Body, Request, Response};

pub use reminder::{CheckoutReminder, REMINDER_TABLES, Reminded};

/// Tables the REST function reads or writes.
pub const TABLES: [Table; 6] = [
    Table::Companies,
    Table::Employees,
    Table::Attendance,
    Table::Events,
    Table::LeaveRequests,
    Table::Idempotency,
];

/// A Slack handler: the function's state and the request's verified body.
pub type SlackHandler = for<'a> fn(&'a Slack, &'a [u8]) -> Reply<'a>;

edge::routes! {
    /// Every route this function serves, declared once. Slack has no Cognito token: it signs each
    /// request, which dispatch verifies before any handler runs.
    pub const ROUTES: RouteTable<SlackHandler> = [
        "POST" "/slack/commands", Callers::Signed, command =>
            |app, body| Box::pin(commands::run(app, body));
        "POST" "/slack/interactions", Callers::Signed, interaction =>
            |app, body| Box::pin(interactions::run(app, body));
    ];
}

/// Slack's own payloads are a few kilobytes; button payloads carry the message's blocks.
const BODY_LIMIT: usize = 64 * 1024;

/// Everything the handler needs, built once at init.
#[derive(Clone)]
pub struct Slack {
    pub store: Arc<dyn ItemStore>,
    pub chat: Arc<dyn ChatPoster>,
    pub clock: Arc<dyn Clock>,
    /// The app's signing secret: from Secrets Manager at init in AWS, `SLACK_SIGNING_SECRET` locally.
    pub signing_secret: String,
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

#[async_trait]
impl RestFunction for Slack {
    async fn dispatch(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let (method, resource) = route(request);
        let found = ROUTES.find(&method, &resource)?;
        let body = body_bytes(request, BODY_LIMIT)?;
        ReplayGuard::new(self.store.as_ref())
            .accept(
                &self.signing_secret,
                header(request, TIMESTAMP_HEADER),
                header(request, SIGNATURE_HEADER),
                body,
                self.clock.now(),
            )
            .await?;
        (found.handler)(self, body).await
    }
}
