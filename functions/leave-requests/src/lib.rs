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
use lambda_http::{Body, Request, Response};
use shared::ApiError;
use shared::claims::{Claims, Role};
use shared::clock::Clock;
use shared::function::RestFunction;
use shared::http::route;
use shared::ids::IdGenerator;
use shared::leave::{LeaveAction, LeavePolicy};
use shared::ports::{ItemStore, Table};

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

/// The routes this function serves, as (method, API Gateway resource).
pub const ROUTES: [(&str, &str); 5] = [
    ("POST", "/leave-requests"),
    ("GET", "/leave-requests"),
    ("POST", "/leave-requests/{id}/approve"),
    ("POST", "/leave-requests/{id}/reject"),
    ("POST", "/leave-requests/{id}/cancel"),
];

/// Everyone on a company's staff may use leave.
const STAFF: [Role; 3] = [Role::Admin, Role::Manager, Role::Employee];

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
        let (method, resource) = route(request);
        let claims = Claims::from_request(request)?;
        let action = resource
            .strip_prefix("/leave-requests/{id}/")
            .and_then(LeaveAction::from_segment);
        match (method.as_str(), resource.as_str(), action) {
            ("POST", "/leave-requests", _) => {
                claims.require_any(&STAFF)?;
                create::create(self, &claims, claims.tenant()?, request).await
            }
            ("GET", "/leave-requests", _) => {
                claims.require_any(&STAFF)?;
                lists::list(self, &claims, claims.tenant()?, request).await
            }
            ("POST", _, Some(action)) => {
                claims.require_any(&STAFF)?;
                decisions::decide(self, &claims, claims.tenant()?, request, action).await
            }
            (_, "/leave-requests", _) => {
                Err(ApiError::method_not_allowed(&method, &["GET", "POST"]))
            }
            (_, _, Some(_)) => Err(ApiError::method_not_allowed(&method, &["POST"])),
            _ => Err(ApiError::not_found(format!("no route {method} {resource}"))),
        }
    }
}
