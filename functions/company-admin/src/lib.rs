//! company-admin: company registration and profile (`POST /companies`, `GET/PUT /company`).
//!
//! The handler takes its dependencies as ports, so the Lambda binary (`main.rs`, AWS adapters)
//! and the local stack (embedded adapters) run the very same code.

mod profile;
mod registration;

use std::sync::Arc;

use async_trait::async_trait;
use lambda_http::{Body, Request, Response};
use shared::ApiError;
use shared::claims::Claims;
use shared::clock::Clock;
use shared::function::RestFunction;
use shared::http::route;
use shared::ids::IdGenerator;
use shared::ports::{ItemStore, Table, UserDirectory};

/// Tables this function reads or writes (its least-privilege policy names exactly these).
pub const TABLES: [Table; 3] = [Table::Companies, Table::Employees, Table::Idempotency];

/// The routes this function serves, as (method, API Gateway resource).
pub const ROUTES: [(&str, &str); 3] = [
    ("POST", "/companies"),
    ("GET", "/company"),
    ("PUT", "/company"),
];

/// Everything the handler needs, built once at init.
#[derive(Clone)]
pub struct CompanyAdmin {
    pub store: Arc<dyn ItemStore>,
    pub directory: Arc<dyn UserDirectory>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
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
            (_, "/companies") => Err(ApiError::method_not_allowed(&method, &["POST"])),
            (_, "/company") => Err(ApiError::method_not_allowed(&method, &["GET", "PUT"])),
            _ => Err(ApiError::not_found(format!("no route {method} {resource}"))),
        }
    }
}
