//! What every REST function shares: mapping its result to a response in the one place errors
//! are mapped, and running on the Lambda runtime.

use async_trait::async_trait;
use lambda_http::{Body, Error, Request, Response, service_fn};

use crate::error::ApiError;
use crate::http::{request_id, respond};

/// A function behind API Gateway REST: routes one request to its handlers.
#[async_trait]
pub trait RestFunction: Clone + Send + Sync + 'static {
    /// Serves the request, or says why not.
    async fn dispatch(&self, request: &Request) -> Result<Response<Body>, ApiError>;

    /// Serves one REST proxy request, errors as problem+json carrying the request id, readable
    /// by the portal's origin when one is configured.
    async fn handle(&self, request: Request) -> Response<Body> {
        let id = request_id(&request);
        let response = respond(id.as_deref(), self.dispatch(&request).await);
        crate::cors::allow(response, crate::cors::configured_origin())
    }
}

/// Runs `function` on the Lambda runtime until the runtime stops it.
pub async fn serve<F: RestFunction>(function: F) -> Result<(), Error> {
    lambda_http::run(service_fn(move |request: Request| {
        let function = function.clone();
        async move { Ok::<_, Error>(function.handle(request).await) }
    }))
    .await
}
