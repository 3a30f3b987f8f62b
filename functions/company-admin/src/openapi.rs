//! The OpenAPI description of this function's routes (feature `openapi`): one `#[utoipa::path]`
//! per entry of [`ROUTES`](crate::ROUTES), over the very types the handlers read and write.
#![allow(dead_code)] // The annotated functions exist for their descriptions only.

use domain::company::{Company, CompanyProfile};
use domain::events::{Event, EventDraft};
use domain::roster::InviteRequest;
use edge::openapi::{
    Conflict, Forbidden, InvalidValue, NotFound, Page, ServiceUnavailable, TooManyRequests,
    USERNAME_PARAM,
};
use utoipa::{IntoParams, ToSchema};

use crate::employees::{EmployeeUpdate, EmployeeView};
use crate::profile::ProfileUpdate;

/// `?limit=&cursor=` of the roster.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
struct RosterPage {
    /// Most entries on the page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// `?month=` of the calendar.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
struct CalendarMonth {
    /// The month, `YYYY-MM` (years 1970 to 9999).
    #[param(
        pattern = r"^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])$",
        example = "2026-12"
    )]
    month: String,
}

/// `GET /events`: the month's events and holidays, by date.
#[derive(ToSchema)]
struct EventList {
    items: Vec<Event>,
}

/// Register the caller's company.
///
/// A signed-up user with no role and no company registers one and becomes its admin; sign in
/// again for a token carrying the `admins` group and the company id. Once per caller: a retry
/// answers 200 with the company registered first.
#[utoipa::path(
    post, path = "/companies", tag = "company",
    operation_id = "registerCompany",
    request_body = CompanyProfile,
    responses(
        (status = 201, description = "Registered.", body = Company,
            headers(("location" = String, description = "`/company`"))),
        (status = 200, description = "Already registered by this caller (a retry): the first company.", body = Company),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn register_company() {}

/// Read the caller's company profile (admins).
#[utoipa::path(
    get, path = "/company", tag = "company",
    operation_id = "getCompany",
    responses(
        (status = 200, description = "The profile.", body = Company),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("cognito" = []))
)]
fn get_company() {}

/// Replace the caller's company profile (admins).
///
/// Send the `version` last read to have a concurrent edit refused (409) instead of overwritten.
#[utoipa::path(
    put, path = "/company", tag = "company",
    operation_id = "updateCompany",
    request_body = ProfileUpdate,
    responses(
        (status = 200, description = "The profile as saved, `version` bumped.", body = Company),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn update_company() {}

/// List the roster (admins and managers).
#[utoipa::path(
    get, path = "/employees", tag = "employees",
    operation_id = "listEmployees",
    params(RosterPage),
    responses(
        (status = 200, description = "A page of the roster.", body = Page<EmployeeView>),
        (status = 403, response = Forbidden),
    ),
    security(("cognito" = []))
)]
fn list_employees() {}

/// Invite an employee (admins).
///
/// Creates the directory user, who gets a temporary password by mail, and the roster entry
/// (`invited` until they set their password). Employees need a manager of the same company.
#[utoipa::path(
    post, path = "/employees", tag = "employees",
    operation_id = "inviteEmployee",
    request_body = InviteRequest,
    responses(
        (status = 201, description = "Invited.", body = EmployeeView,
            headers(("location" = String, description = "`/employees/{username}`"))),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = InvalidValue),
        (status = 429, response = TooManyRequests),
        (status = 503, response = ServiceUnavailable),
    ),
    security(("cognito" = []))
)]
fn invite_employee() {}

/// Read one roster entry (admins and managers).
#[utoipa::path(
    get, path = "/employees/{username}", tag = "employees",
    operation_id = "getEmployee",
    params(("username" = String, Path, description = USERNAME_PARAM)),
    responses(
        (status = 200, description = "The entry.", body = EmployeeView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("cognito" = []))
)]
fn get_employee() {}

/// Edit a roster entry (admins): name, role, manager and Slack link, at the `version` read.
#[utoipa::path(
    put, path = "/employees/{username}", tag = "employees",
    operation_id = "updateEmployee",
    params(("username" = String, Path, description = USERNAME_PARAM)),
    request_body = EmployeeUpdate,
    responses(
        (status = 200, description = "The entry as saved, `version` bumped.", body = EmployeeView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = InvalidValue),
        (status = 503, response = ServiceUnavailable),
    ),
    security(("cognito" = []))
)]
fn update_employee() {}

/// Offboard an employee (admins): disables the user and forgets their face; attendance stays.
#[utoipa::path(
    delete, path = "/employees/{username}", tag = "employees",
    operation_id = "offboardEmployee",
    params(("username" = String, Path, description = USERNAME_PARAM)),
    responses(
        (status = 204, description = "Offboarded (or already were)."),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 503, response = ServiceUnavailable),
    ),
    security(("cognito" = []))
)]
fn offboard_employee() {}

/// The company's events and holidays of a month (all staff).
#[utoipa::path(
    get, path = "/events", tag = "events",
    operation_id = "listEvents",
    params(CalendarMonth),
    responses(
        (status = 200, description = "The month's events, by date.", body = EventList),
        (status = 403, response = Forbidden),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn list_events() {}

/// Put an event or holiday on the calendar (admins).
///
/// Leave over a holiday costs nothing, and nobody is late on one.
#[utoipa::path(
    post, path = "/events", tag = "events",
    operation_id = "createEvent",
    request_body = EventDraft,
    responses(
        (status = 201, description = "Created.", body = Event),
        (status = 403, response = Forbidden),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn create_event() {}

/// Delete an event (admins).
#[utoipa::path(
    delete, path = "/events/{id}", tag = "events",
    operation_id = "deleteEvent",
    params(("id" = String, Path, description = "The event's id, as created.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("cognito" = []))
)]
fn delete_event() {}

/// This function's operations, one per entry of [`ROUTES`](crate::ROUTES), and the schemas they use.
pub fn openapi() -> utoipa::openapi::OpenApi {
    crate::described_routes()
}
