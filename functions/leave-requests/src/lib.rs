//! leave-requests: an employee's leave (`POST /leave-requests`, `GET /leave-requests?scope=mine`),
//! the team's queue (`GET /leave-requests?scope=team`) and the decisions
//! (`POST /leave-requests/{id}/approve|reject|cancel`); and `leave-notify`, which mails and
//! messages the people concerned by each change, once, from the LeaveRequests stream.

mod change;
mod create;
mod decisions;
mod lists;
mod notices;
mod notify;
#[cfg(feature = "openapi")]
pub mod openapi;

use std::sync::Arc;

use async_trait::async_trait;
use domain::clock::Clock;
use domain::ids::IdGenerator;
use domain::leave::{LeaveAction, LeavePolicy};
use domain::ports::{ItemStore, Table};
use domain::role::Role;
use edge::ApiError;
use edge::function::RestFunction;
use edge::route_table::{Callers, Handler, RouteTable};
use lambda_http::{Body, Request, Response};

pub use notify::{LeaveNotify, NotifyConfig};

/// Tables the REST function reads or writes.
pub const TABLES: [Table; 5] = [
    Table::Companies,
    Table::Employees,
    Table::Events,
    Table::LeaveRequests,
    Table::Idempotency,
];

/// Tables `leave-notify` reads or writes.
pub const NOTIFY_TABLES: [Table; 2] = [Table::Employees, Table::Idempotency];

/// Everyone on a company's staff may use leave; who may decide is the domain's rule.
const STAFF: Callers = Callers::Roles(&Role::STAFF);

edge::routes! {
    /// Every route this function serves, declared once.
    pub const ROUTES: RouteTable<Handler<LeaveRequests>> = [
        "POST" "/leave-requests", STAFF, request_leave =>
            |a, c, r| Box::pin(async move { create::create(a, c, c.tenant()?, r).await });
        "GET" "/leave-requests", STAFF, list_leave =>
            |a, c, r| Box::pin(async move { lists::list(a, c, c.tenant()?, r).await });
        "POST" "/leave-requests/{id}/approve", STAFF, approve =>
            |a, c, r| Box::pin(async move {
                decisions::decide(a, c, c.tenant()?, r, LeaveAction::Approve).await
            });
        "POST" "/leave-requests/{id}/reject", STAFF, reject =>
            |a, c, r| Box::pin(async move {
                decisions::decide(a, c, c.tenant()?, r, LeaveAction::Reject).await
            });
        "POST" "/leave-requests/{id}/cancel", STAFF, cancel =>
            |a, c, r| Box::pin(async move {
                decisions::decide(a, c, c.tenant()?, r, LeaveAction::Cancel).await
            });
    ];
}

/// Everything the REST handler needs, built once at init.
#[derive(Clone)]
pub struct LeaveRequests {
    pub store: Arc<dyn ItemStore>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
    pub policy: LeavePolicy,
}

#[async_trait]
impl RestFunction for LeaveRequests {
    async fn dispatch(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        ROUTES.dispatch(self, request).await
    }
}
