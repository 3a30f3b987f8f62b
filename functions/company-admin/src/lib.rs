//! company-admin: company registration and profile (`POST /companies`, `GET/PUT /company`),
//! its roster (`GET/POST /employees`, `GET/PUT/DELETE /employees/{username}`) and its calendar
//! of events and holidays (`GET/POST /events`, `DELETE /events/{id}`).
//!
//! The handler takes its dependencies as ports, so the Lambda binary (`main.rs`, AWS adapters)
//! and the local stack (embedded adapters) run the very same code.

mod employees;
mod events;
#[cfg(feature = "openapi")]
pub mod openapi;
mod profile;
mod registration;

use std::sync::Arc;

use async_trait::async_trait;
use domain::clock::Clock;
use domain::ids::IdGenerator;
use domain::ports::{FaceVerifier, ItemStore, Table, UserDirectory};
use domain::role::Role;
use edge::ApiError;
use edge::function::RestFunction;
use edge::route_table::{Callers, Handler, RouteTable};
use lambda_http::{Body, Request, Response};

/// Tables this function reads or writes (its least-privilege policy names exactly these).
pub const TABLES: [Table; 5] = [
    Table::Companies,
    Table::Employees,
    Table::Invitations,
    Table::Events,
    Table::Idempotency,
];

/// Who reads the roster: the company's admins and managers.
const ROSTER_READERS: Callers = Callers::Roles(&[Role::Admin, Role::Manager]);
const ADMINS: Callers = Callers::Roles(&[Role::Admin]);

edge::routes! {
    /// Every route this function serves, declared once (method, API Gateway resource, callers,
    /// handler). Registration is open to anyone signed in who has no company yet.
    pub const ROUTES: RouteTable<Handler<CompanyAdmin>> = [
        "POST" "/companies", Callers::SignedIn, register_company =>
            |a, c, r| Box::pin(registration::register(a, c, r));
        "GET" "/company", ADMINS, get_company => |a, c, _| Box::pin(profile::read(a, c));
        "PUT" "/company", ADMINS, update_company => |a, c, r| Box::pin(profile::update(a, c, r));
        "GET" "/employees", ROSTER_READERS, list_employees =>
            |a, c, r| Box::pin(async move { employees::list(a, c.tenant()?, r).await });
        "POST" "/employees", ADMINS, invite_employee =>
            |a, c, r| Box::pin(async move { employees::invite(a, c, c.tenant()?, r).await });
        "GET" "/employees/{username}", ROSTER_READERS, get_employee =>
            |a, c, r| Box::pin(async move { employees::read(a, c.tenant()?, r).await });
        "PUT" "/employees/{username}", ADMINS, update_employee =>
            |a, c, r| Box::pin(async move { employees::update(a, c, c.tenant()?, r).await });
        "DELETE" "/employees/{username}", ADMINS, offboard_employee =>
            |a, c, r| Box::pin(async move { employees::offboard(a, c, c.tenant()?, r).await });
        "GET" "/events", Callers::Roles(&Role::STAFF), list_events =>
            |a, c, r| Box::pin(async move { events::list(a, c.tenant()?, r).await });
        "POST" "/events", ADMINS, create_event =>
            |a, c, r| Box::pin(async move { events::create(a, c, c.tenant()?, r).await });
        "DELETE" "/events/{id}", ADMINS, delete_event =>
            |a, c, r| Box::pin(async move { events::delete(a, c.tenant()?, r).await });
    ];
}

/// Everything the handler needs, built once at init.
#[derive(Clone)]
pub struct CompanyAdmin {
    pub store: Arc<dyn ItemStore>,
    pub directory: Arc<dyn UserDirectory>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
    /// Offboarding forgets the person's reference face.
    pub faces: Arc<dyn FaceVerifier>,
}

#[async_trait]
impl RestFunction for CompanyAdmin {
    async fn dispatch(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        ROUTES.dispatch(self, request).await
    }
}
