//! The one claims extractor: who is calling, from the Cognito claims that API Gateway REST puts
//! in `requestContext.authorizer.claims` after its authorizer has verified the id token.

use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use serde_json::Value;

use crate::error::ApiError;

// Re-exported: the claims name the caller's roles, which the domain defines.
pub use domain::role::Role;

/// The caller, as the authorizer vouched for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    pub username: String,
    pub email: Option<String>,
    pub roles: Vec<Role>,
    /// `custom:company_id`: the tenant of an Attendance user.
    pub company_id: Option<String>,
}

/// Attribute carrying the tenant id on a user.
pub const COMPANY_ID_ATTRIBUTE: &str = "custom:company_id";

impl Claims {
    /// Reads the authorizer claims of a REST proxy request; none means the route was not
    /// protected by the authorizer, which for a protected handler is a 401.
    pub fn from_request(request: &Request) -> Result<Claims, ApiError> {
        let claims = match request.request_context_ref() {
            Some(RequestContext::ApiGatewayV1(ctx)) => ctx.authorizer.fields.get("claims").cloned(),
            _ => None,
        };
        let Some(Value::Object(claims)) = claims else {
            return Err(ApiError::unauthorized("a valid id token is required"));
        };
        let text = |name: &str| {
            claims
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_string)
                .filter(|s| !s.is_empty())
        };
        let sub = text("sub").ok_or_else(|| ApiError::unauthorized("the token has no subject"))?;
        let username = text("cognito:username").unwrap_or_else(|| sub.clone());
        let roles = claims
            .get("cognito:groups")
            .map(parse_groups)
            .unwrap_or_default();
        Ok(Claims {
            sub,
            username,
            email: text("email"),
            roles: roles.iter().filter_map(|g| Role::from_group(g)).collect(),
            company_id: text(COMPANY_ID_ATTRIBUTE),
        })
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// 403 unless the caller holds one of `roles`.
    pub fn require_any(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.iter().any(|r| self.has(*r)) {
            Ok(())
        } else {
            let names: Vec<_> = roles.iter().map(|r| r.group()).collect();
            Err(ApiError::forbidden(format!(
                "this needs one of the groups: {}",
                names.join(", ")
            )))
        }
    }

    /// The caller's company, for a staff role; 403 for a caller without one.
    pub fn tenant(&self) -> Result<&str, ApiError> {
        self.company_id
            .as_deref()
            .ok_or_else(|| ApiError::forbidden("the caller belongs to no company"))
    }
}

/// Groups arrive as a JSON array, `"a,b"`, or `"[a b]"` depending on how the claim was mapped.
fn parse_groups(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Value::String(s) => s
            .trim_matches(|c| c == '[' || c == ']')
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|g| !g.is_empty())
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request_with(claims: Value) -> Request {
        let event = serde_json::json!({
            "resource": "/company", "path": "/company", "httpMethod": "GET",
            "headers": {}, "multiValueHeaders": {}, "queryStringParameters": null,
            "multiValueQueryStringParameters": null, "pathParameters": null, "stageVariables": null,
            "requestContext": {
                "resourcePath": "/company", "httpMethod": "GET", "stage": "v1", "requestId": "r-1",
                "accountId": "123456789012", "apiId": "api", "identity": {"sourceIp": "127.0.0.1"},
                "authorizer": {"claims": claims}
            },
            "body": null, "isBase64Encoded": false
        });
        lambda_http::request::from_str(&event.to_string()).unwrap()
    }

    #[test]
    fn reads_cognito_claims_from_the_authorizer() {
        let claims = Claims::from_request(&request_with(serde_json::json!({
            "sub": "s-1", "cognito:username": "admin@acme.test", "email": "admin@acme.test",
            "cognito:groups": "admins,managers", "custom:company_id": "acme"
        })))
        .unwrap();
        assert_eq!(claims.roles, vec![Role::Admin, Role::Manager]);
        assert_eq!(claims.tenant().unwrap(), "acme");
        assert!(claims.require_any(&[Role::Admin]).is_ok());
        assert_eq!(
            claims.require_any(&[Role::Recruiter]).unwrap_err().status,
            403
        );
    }

    #[test]
    fn bracketed_and_array_groups_are_understood() {
        assert_eq!(
            parse_groups(&Value::from("[admins employees]")),
            vec!["admins", "employees"]
        );
        assert_eq!(
            parse_groups(&serde_json::json!(["recruiters"])),
            vec!["recruiters"]
        );
    }

    #[test]
    fn missing_claims_is_unauthorized() {
        let err = Claims::from_request(&request_with(Value::Null)).unwrap_err();
        assert_eq!(err.status, 401);
    }
}
