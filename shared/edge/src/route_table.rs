//! A function's routes, declared once with [`routes!`](crate::routes): method, API Gateway
//! resource, who may call it, its OpenAPI description and the handler. Dispatch, the 405 with
//! `Allow`, the OpenAPI path list, the list the template is checked against, and the
//! authorization matrix all read this one table, so a new route is one line in it plus its
//! handler (and the description of what it takes and answers).

use std::future::Future;
use std::pin::Pin;

use lambda_http::{Body, Request, Response};

use crate::claims::{Claims, Role};
use crate::error::ApiError;
use crate::http::route;

/// What a handler returns: its response, or why not.
pub type Reply<'a> = Pin<Box<dyn Future<Output = Result<Response<Body>, ApiError>> + Send + 'a>>;

/// A handler behind Cognito: the function's state, the verified caller, the request.
pub type Handler<F> = for<'a> fn(&'a F, &'a Claims, &'a Request) -> Reply<'a>;

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Callers {
    /// A signed-in caller in one of these groups (else 403).
    Roles(&'static [Role]),
    /// Any signed-in caller; the handler decides (registering a company: anyone without one).
    SignedIn,
    /// No Cognito caller at all: the handler authenticates the request itself (Slack signs its
    /// requests).
    Signed,
}

/// One route of a function.
pub struct Route<H: 'static> {
    pub method: &'static str,
    /// The API Gateway resource, as `template.yaml` declares it (`/leave-requests/{id}/approve`).
    pub resource: &'static str,
    pub callers: Callers,
    pub handler: H,
}

impl<F> Route<Handler<F>> {
    /// A route behind Cognito.
    pub const fn new(
        method: &'static str,
        resource: &'static str,
        callers: Callers,
        handler: Handler<F>,
    ) -> Self {
        Route {
            method,
            resource,
            callers,
            handler,
        }
    }
}

/// A function's routes. `H` is the handler's type: [`Handler`] for Cognito routes.
pub struct RouteTable<H: 'static>(pub &'static [Route<H>]);

impl<H> RouteTable<H> {
    /// Every (method, resource) served, in declaration order.
    pub fn pairs(&self) -> Vec<(&'static str, &'static str)> {
        self.0.iter().map(|r| (r.method, r.resource)).collect()
    }

    /// Every route as (method, resource, callers), in declaration order.
    pub fn declared(&self) -> Vec<(&'static str, &'static str, Callers)> {
        self.0
            .iter()
            .map(|r| (r.method, r.resource, r.callers))
            .collect()
    }

    /// The route for `method` on `resource`: 404 for a resource not served here, 405 naming the
    /// methods it does allow.
    pub fn find(&self, method: &str, resource: &str) -> Result<&Route<H>, ApiError> {
        let on_resource: Vec<&Route<H>> =
            self.0.iter().filter(|r| r.resource == resource).collect();
        if on_resource.is_empty() {
            return Err(ApiError::not_found(format!("no route {method} {resource}")));
        }
        on_resource
            .iter()
            .find(|r| r.method == method)
            .copied()
            .ok_or_else(|| {
                let allowed: Vec<&str> = on_resource.iter().map(|r| r.method).collect();
                ApiError::method_not_allowed(method, &allowed)
            })
    }
}

impl<F> RouteTable<Handler<F>> {
    /// Serves `request` behind Cognito: the caller (401 without one), the route (404, 405), the
    /// caller's groups (403), then the handler.
    pub async fn dispatch(&self, app: &F, request: &Request) -> Result<Response<Body>, ApiError> {
        let (method, resource) = route(request);
        let claims = Claims::from_request(request)?;
        let found = self.find(&method, &resource)?;
        match found.callers {
            Callers::Roles(roles) => claims.require_any(roles)?,
            Callers::SignedIn => {}
            Callers::Signed => {
                return Err(ApiError::internal(format!(
                    "{method} {resource} is signed, not behind Cognito"
                )));
            }
        }
        (found.handler)(app, &claims, request).await
    }
}

/// Declares a function's route table, `pub const ROUTES`, one line per route:
///
/// ```ignore
/// edge::routes! {
///     pub const ROUTES: RouteTable<Handler<App>> = [
///         "GET" "/questions", RECRUITERS, list_questions => |a, _, r| Box::pin(list(a, r));
///     ];
/// }
/// ```
///
/// `list_questions` names the route's `#[utoipa::path]` description in the crate's `openapi`
/// module. Under the crate's `openapi` feature the macro also writes `described_routes()`: the
/// crate's OpenAPI paths, exactly the table's, so a route cannot be served undescribed nor
/// described unserved.
#[macro_export]
// `crate::openapi` is the calling crate's own module, not this crate's.
#[allow(clippy::crate_in_macro_def)]
macro_rules! routes {
    (
        $(#[$attr:meta])*
        $vis:vis const $name:ident: $table:ty = [
            $( $method:literal $resource:literal, $callers:expr, $doc:ident => $handler:expr; )*
        ];
    ) => {
        $(#[$attr])*
        $vis const $name: $table = $crate::route_table::RouteTable(&[
            $( $crate::route_table::Route {
                method: $method,
                resource: $resource,
                callers: $callers,
                handler: $handler,
            }, )*
        ]);

        /// The OpenAPI paths of every route of the table, each from its description.
        #[cfg(feature = "openapi")]
        pub fn described_routes() -> utoipa::openapi::OpenApi {
            #[derive(utoipa::OpenApi)]
            #[openapi(paths($(crate::openapi::$doc),*))]
            struct Described;
            $crate::openapi::held_to_routes(
                <Described as utoipa::OpenApi>::openapi(),
                &$name.pairs(),
            )
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_handler(_: &(), _: &[u8]) {}

    const TABLE: RouteTable<fn(&(), &[u8])> = RouteTable(&[
        Route {
            method: "GET",
            resource: "/events",
            callers: Callers::Roles(&Role::STAFF),
            handler: no_handler,
        },
        Route {
            method: "POST",
            resource: "/events",
            callers: Callers::Roles(&[Role::Admin]),
            handler: no_handler,
        },
    ]);

    #[test]
    fn a_served_resource_with_another_method_is_a_405_naming_the_allowed_ones() {
        let refused = TABLE.find("PATCH", "/events").err().unwrap();
        assert_eq!(refused.status, 405);
        assert_eq!(refused.headers, vec![("allow", "GET, POST".to_string())]);
    }

    #[test]
    fn a_resource_not_served_here_is_a_404_and_a_served_one_is_found() {
        assert_eq!(TABLE.find("GET", "/nope").err().unwrap().status, 404);
        let found = TABLE.find("POST", "/events").ok().unwrap();
        assert_eq!(found.callers, Callers::Roles(&[Role::Admin]));
        assert_eq!(TABLE.pairs(), vec![("GET", "/events"), ("POST", "/events")]);
    }
}
