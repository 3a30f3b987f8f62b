//! The OpenAPI description of this function's routes (feature `openapi`): one `#[utoipa::path]`
//! per entry of [`ROUTES`](crate::ROUTES), over the very types the handlers read and write.
#![allow(dead_code)] // The annotated functions and query structs exist for their descriptions.

use domain::leave::{DecisionNote, LeaveDraft, LeaveStatus, LeaveView};
use edge::openapi::{Conflict, Forbidden, InvalidValue, NotFound, Page};
use utoipa::{IntoParams, ToSchema};

/// Whose requests a listing reads.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
enum Scope {
    /// The caller's own, latest first.
    Mine,
    /// The requests the caller decides (managers and admins).
    Team,
}

/// `?scope=&status=&month=&manager=&limit=&cursor=`
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
struct LeaveFilter {
    /// `mine` (the default) or `team`.
    #[param(inline)]
    scope: Option<Scope>,
    /// Only requests in this state.
    status: Option<LeaveStatus>,
    /// `team` only: requests overlapping this month, `YYYY-MM`.
    #[param(
        pattern = r"^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])$",
        example = "2027-03"
    )]
    month: Option<String>,
    /// `team` only, admins: whose queue (a manager's username), or `none` for staff without a
    /// manager. By default the caller's own.
    manager: Option<String>,
    /// Most requests on the page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// `Idempotency-Key` of a request.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
struct Idempotency {
    /// Any 1 to 128 visible ASCII characters: a retry with the same key replays the first
    /// response (with `idempotent-replay: true`) instead of asking twice.
    #[param(rename = "Idempotency-Key", pattern = "^[!-~]{1,128}$")]
    idempotency_key: Option<String>,
}

const ID: &str = "The leave request's id.";

/// Ask for leave (staff). The approver is the caller's manager on the roster.
///
/// The cost in working days skips the company's days off and holidays; overlapping one's own
/// pending or approved leave is refused.
#[utoipa::path(
    post, path = "/leave-requests", tag = "leave",
    operation_id = "requestLeave",
    params(Idempotency),
    request_body = LeaveDraft,
    responses(
        (status = 201, description = "Requested, pending.", body = LeaveView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn request_leave() {}

/// List leave requests: the caller's own, or the team's to decide (managers and admins).
#[utoipa::path(
    get, path = "/leave-requests", tag = "leave",
    operation_id = "listLeave",
    params(LeaveFilter),
    responses(
        (status = 200, description = "A page of requests.", body = Page<LeaveView>),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn list_leave() {}

/// Approve a pending request (the employee's manager; an admin for staff without one).
///
/// An optional comment goes to the employee with the request, in the decision mail and on the
/// Slack message.
#[utoipa::path(
    post, path = "/leave-requests/{id}/approve", tag = "leave",
    operation_id = "approveLeave",
    params(("id" = String, Path, description = ID)),
    request_body(content = DecisionNote, description = "The comment to the employee; the body may be left out."),
    responses(
        (status = 200, description = "Approved.", body = LeaveView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn approve() {}

/// Reject a pending request (the employee's manager; an admin for staff without one).
///
/// The comment saying why is required; it goes to the employee with the request, in the
/// decision mail and on the Slack message.
#[utoipa::path(
    post, path = "/leave-requests/{id}/reject", tag = "leave",
    operation_id = "rejectLeave",
    params(("id" = String, Path, description = ID)),
    request_body(content = DecisionNote, description = "Why: the comment to the employee, required."),
    responses(
        (status = 200, description = "Rejected.", body = LeaveView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn reject() {}

/// Cancel one's own pending or approved request (the employee).
#[utoipa::path(
    post, path = "/leave-requests/{id}/cancel", tag = "leave",
    operation_id = "cancelLeave",
    params(("id" = String, Path, description = ID)),
    responses(
        (status = 200, description = "Cancelled.", body = LeaveView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
    security(("cognito" = []))
)]
fn cancel() {}

/// This function's operations, one per entry of [`ROUTES`](crate::ROUTES), and the schemas they use.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = crate::described_routes();
    edge::openapi::optional_post_body(&mut doc, "/leave-requests/{id}/approve");
    doc
}
