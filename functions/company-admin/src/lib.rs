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
use lambda_http::{Body, Request, Response};
use shared::ApiError;
use shared::claims::{Claims, Role};
use shared::clock::Clock;
use shared::function::RestFunction;
use shared::http::route;
use shared::ids::IdGenerator;
use shared::ports::{FaceVerifier, ItemStore, Table, UserDirectory};

/// Tables this function reads or writes (its least-privilege policy names exactly these).
pub const TABLES: [Table; 5] = [
    Table::Companies,
    Table::Employees,
    Table::Invitations,
    Table::Events,
    Table::Idempotency,
];

/// The routes this function serves, as (method, API Gateway resource).
pub const ROUTES: [(&str, &str); 11] = [
    ("POST", "/companies"),
    ("GET", "/company"),
    ("PUT", "/company"),
    ("GET", "/employees"),
    ("POST", "/employees"),
    ("GET", "/employees/{username}"),
    ("PUT", "/employees/{username}"),
    ("DELETE", "/employees/{username}"),
    ("GET", "/events"),
    ("POST", "/events"),
    ("DELETE", "/events/{id}"),
];

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
        let (method, resource) = route(request);
        let claims = Claims::from_request(request)?;
        match (method.as_str(), resource.as_str()) {
            ("POST", "/companies") => registration::register(self, &claims, request).await,
            ("GET", "/company") => profile::read(self, &claims).await,
            ("PUT", "/company") => profile::update(self, &claims, request).await,
            ("GET", "/employees") => {
                claims.require_any(&[Role::Admin, Role::Manager])?;
                employees::list(self, claims.tenant()?, request).await
            }
            ("POST", "/employees") => {
                claims.require_any(&[Role::Admin])?;
                employees::invite(self, &claims, claims.tenant()?, request).await
            }
            ("GET", "/employees/{username}") => {
                claims.require_any(&[Role::Admin, Role::Manager])?;
                employees::read(self, claims.tenant()?, request).await
            }
            ("PUT", "/employees/{username}") => {
                claims.require_any(&[Role::Admin])?;
                employees::update(self, &claims, claims.tenant()?, request).await
            }
            ("DELETE", "/employees/{username}") => {
                claims.require_any(&[Role::Admin])?;
                employees::offboard(self, &claims, claims.tenant()?, request).await
            }
            ("GET", "/events") => {
                claims.require_any(&[Role::Admin, Role::Manager, Role::Employee])?;
                events::list(self, claims.tenant()?, request).await
            }
            ("POST", "/events") => {
                claims.require_any(&[Role::Admin])?;
                events::create(self, &claims, claims.tenant()?, request).await
            }
            ("DELETE", "/events/{id}") => {
                claims.require_any(&[Role::Admin])?;
                events::delete(self, claims.tenant()?, request).await
            }
            (_, "/events") => Err(ApiError::method_not_allowed(&method, &["GET", "POST"])),
            (_, "/events/{id}") => Err(ApiError::method_not_allowed(&method, &["DELETE"])),
            (_, "/employees") => Err(ApiError::method_not_allowed(&method, &["GET", "POST"])),
            (_, "/employees/{username}") => Err(ApiError::method_not_allowed(
                &method,
                &["GET", "PUT", "DELETE"],
            )),
            (_, "/companies") => Err(ApiError::method_not_allowed(&method, &["POST"])),
            (_, "/company") => Err(ApiError::method_not_allowed(&method, &["GET", "PUT"])),
            _ => Err(ApiError::not_found(format!("no route {method} {resource}"))),
        }
    }
}
