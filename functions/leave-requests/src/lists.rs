//! `GET /leave-requests?scope=mine|team&status=&month=&manager=&limit=&cursor=`: the caller's own
//! requests, or the ones a manager decides. Both are key queries on the company-prefixed indexes.

use domain::company::members;
use domain::events::Month;
use domain::leave::{LeaveRepo, LeaveStatus, NO_MANAGER};
use domain::roster::StaffRole;
use edge::ApiError;
use edge::claims::Claims;
use edge::http::{cursor_param, json, page_limit, paged, query_param};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::LeaveRequests;

/// Whose queue `scope=team` reads: a manager's own; an admin's own by default, or any manager's
/// (`manager=<username>`), or that of staff without a manager (`manager=none`).
async fn queue_owner(
    app: &LeaveRequests,
    tenant: &str,
    me: &domain::roster::RosterEntry,
    asked: Option<&str>,
) -> Result<String, ApiError> {
    let Some(asked) = asked.map(str::to_ascii_lowercase) else {
        return Ok(me.username.clone());
    };
    if asked == me.username {
        return Ok(asked);
    }
    if me.role != StaffRole::Admin {
        return Err(ApiError::forbidden("managers read their own team's queue"));
    }
    if asked == "none" {
        return Ok(NO_MANAGER.into());
    }
    members::member(app.store.as_ref(), tenant, &asked).await?;
    Ok(asked)
}

pub async fn list(
    app: &LeaveRequests,
    claims: &Claims,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let store = app.store.as_ref();
    let limit = page_limit(request, 50, 200)?;
    let cursor = cursor_param(request);
    let status = query_param(request, "status")
        .map(|s| LeaveStatus::parse("status", s))
        .transpose()?;
    let month = query_param(request, "month")
        .map(|m| Month::parse("month", m))
        .transpose()?;
    let me = members::active_self(store, tenant, &claims.username).await?;
    let repo = LeaveRepo::new(store);
    let page = match query_param(request, "scope").unwrap_or("mine") {
        "mine" => {
            if month.is_some() {
                // Well formed, but not a filter of this scope: a rule, as the schema cannot say.
                return Err(ApiError::invalid(
                    "month",
                    "month filters the team's queue; your own list is by start date",
                ));
            }
            repo.mine(tenant, &me.username, status, limit, cursor).await
        }
        "team" => {
            if me.role == StaffRole::Employee {
                return Err(ApiError::forbidden(
                    "the team's requests are for managers and admins",
                ));
            }
            let owner = queue_owner(app, tenant, &me, query_param(request, "manager")).await?;
            repo.team(tenant, &owner, status, month, limit, cursor)
                .await
        }
        other => {
            return Err(ApiError::bad_request(
                "scope",
                format!("`{other}` is not a scope; use mine or team"),
            ));
        }
    };
    let (requests, next) = paged(page)?;
    let items: Vec<_> = requests.iter().map(|r| r.view()).collect();
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "items": items, "nextCursor": next.map(|c| c.0) }),
    ))
}
