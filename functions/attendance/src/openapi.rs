//! The OpenAPI description of this function's routes (feature `openapi`): one `#[utoipa::path]`
//! per entry of [`ROUTES`](crate::ROUTES). Requests and the day summaries are the handlers'
//! own types; the small JSON answers built in place are described here field for field.
#![allow(dead_code)] // The annotated functions and schema structs exist for their descriptions.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::attendance::{DaySummary, PunchKind};
use edge::openapi::{
    Conflict, Forbidden, InvalidValue, NotFound, PayloadTooLarge, ServiceUnavailable,
    TooManyRequests, USERNAME_PARAM,
};
use edge::photo::PhotoBody;
use utoipa::{IntoParams, ToSchema};

use crate::consent::ConsentGiven;
use crate::consent_trail::ConsentTrail;
use crate::me::{ConsentView, MeView};
use crate::reading::{PersonTotals, Totals};

/// A consent, as now recorded.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConsentRecorded {
    biometric_consent: ConsentView,
    /// The roster entry's version.
    version: u64,
}

/// A reference face, enrolled.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Enrolled {
    username: String,
    /// Always `true`.
    face_enrolled: bool,
    /// The roster entry's new version.
    version: u64,
}

/// A punch, recorded.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Punched {
    /// The work date it counts for, in the company's zone (a check-out after midnight closes
    /// the day before).
    date: NaiveDate,
    kind: PunchKind,
    at: DateTime<Utc>,
    /// The instant in the company's zone, `HH:MM`.
    local_time: String,
    /// How alike the selfie and the enrolled face are, 0 to 100.
    similarity: f32,
}

/// One person's month.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PersonMonth {
    username: String,
    /// `YYYY-MM`.
    month: String,
    /// The company's IANA time zone, which the local times are in.
    time_zone: String,
    totals: Totals,
    days: Vec<DaySummary>,
}

/// The company's month: totals per person, and every day of every person.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CompanyMonth {
    /// `YYYY-MM`.
    month: String,
    time_zone: String,
    /// Username → who they are and their totals.
    people: BTreeMap<String, PersonTotals<'static>>,
    days: Vec<DaySummary>,
}

/// A short-lived link.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Link {
    url: String,
    /// Seconds the link stays valid.
    expires_in: u64,
}

/// `?month=`, by default the company's current month.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
struct MonthQuery {
    /// `YYYY-MM` (years 1970 to 9999); the company's current month when left out.
    #[param(
        pattern = r"^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])$",
        example = "2026-11"
    )]
    month: Option<String>,
}

/// The report's format.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
enum ReportFormat {
    Json,
    Csv,
}

/// `?month=&format=` of the report.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
struct ReportQuery {
    /// `YYYY-MM` (years 1970 to 9999); the company's current month when left out.
    #[param(
        pattern = r"^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])$",
        example = "2026-11"
    )]
    month: Option<String>,
    /// `csv` or `json`; when left out, CSV if `Accept` asks for `text/csv`, else JSON.
    #[param(inline)]
    format: Option<ReportFormat>,
}

/// Which punch's photo.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
enum PhotoKind {
    In,
    Out,
}

/// `?kind=` of a photo link.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
struct PhotoQuery {
    /// The check-in's photo or the check-out's.
    #[param(inline)]
    kind: PhotoKind,
}

/// `Idempotency-Key` of a punch.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
struct Idempotency {
    /// Any 1 to 128 visible ASCII characters: a retry with the same key replays the first
    /// response (with `idempotent-replay: true`) instead of punching again.
    #[param(rename = "Idempotency-Key", pattern = "^[!-~]{1,128}$")]
    idempotency_key: Option<String>,
}

/// The caller as the company knows them (staff): role, company, manager, whether their face
/// is enrolled and consented to, the consent text to show, and whether they may check in.
#[utoipa::path(
    get, path = "/me", tag = "attendance",
    operation_id = "getMe",
    responses(
        (status = 200, description = "The caller.", body = MeView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("cognito" = []))
)]
fn get_me() {}

/// Give the caller's consent to face matching (staff), for the consent text's current version.
/// Giving it again changes nothing; every change is audited.
#[utoipa::path(
    put, path = "/me/biometric-consent", tag = "attendance",
    operation_id = "giveBiometricConsent",
    request_body = ConsentGiven,
    responses(
        (status = 200, description = "Recorded (or already recorded).", body = ConsentRecorded),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = InvalidValue),
    ),
    security(("cognito" = []))
)]
fn give_consent() {}

/// Withdraw the caller's consent (staff): their reference face is deleted and face check-ins
/// stop until they consent and enrol again. Withdrawing without a consent changes nothing.
#[utoipa::path(
    delete, path = "/me/biometric-consent", tag = "attendance",
    operation_id = "withdrawBiometricConsent",
    responses(
        (status = 204, description = "Withdrawn, the face deleted."),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 429, response = TooManyRequests),
        (status = 503, response = ServiceUnavailable),
    ),
    security(("cognito" = []))
)]
fn withdraw_consent() {}

/// Every change of one person's biometric consent, oldest first (admins): the text version
/// agreed to, by whom and when, and whether the face was deleted with a withdrawal.
#[utoipa::path(
    get, path = "/employees/{username}/consent-trail", tag = "attendance",
    operation_id = "getConsentTrail",
    params(("username" = String, Path, description = USERNAME_PARAM)),
    responses(
        (status = 200, description = "The trail.", body = ConsentTrail),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("cognito" = []))
)]
fn consent_trail() {}

/// Enrol someone's reference face (admins): one face, sharp, frontal. The photo is not kept.
#[utoipa::path(
    put, path = "/employees/{username}/face", tag = "attendance",
    operation_id = "enrolFace",
    params(("username" = String, Path, description = USERNAME_PARAM)),
    request_body = PhotoBody,
    responses(
        (status = 200, description = "Enrolled, replacing any earlier face.", body = Enrolled),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = InvalidValue),
        (status = 429, response = TooManyRequests),
        (status = 503, response = ServiceUnavailable),
    ),
    security(("cognito" = []))
)]
fn enrol_someone() {}

/// Enrol the caller's own reference face (staff).
#[utoipa::path(
    put, path = "/me/face", tag = "attendance",
    operation_id = "enrolMyFace",
    request_body = PhotoBody,
    responses(
        (status = 200, description = "Enrolled, replacing any earlier face.", body = Enrolled),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = InvalidValue),
        (status = 429, response = TooManyRequests),
        (status = 503, response = ServiceUnavailable),
    ),
    security(("cognito" = []))
)]
fn enrol_me() {}

/// Check in with a selfie (staff): matched to the enrolled face; one entry a work day.
#[utoipa::path(
    post, path = "/attendance/check-in", tag = "attendance",
    operation_id = "checkIn",
    params(Idempotency),
    request_body = PhotoBody,
    responses(
        (status = 201, description = "Checked in.", body = Punched),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = InvalidValue),
        (status = 429, response = TooManyRequests),
        (status = 503, response = ServiceUnavailable),
    ),
    security(("cognito" = []))
)]
fn check_in() {}

/// Check out with a selfie (staff): closes today's day, or yesterday's within the longest shift.
#[utoipa::path(
    post, path = "/attendance/check-out", tag = "attendance",
    operation_id = "checkOut",
    params(Idempotency),
    request_body = PhotoBody,
    responses(
        (status = 201, description = "Checked out.", body = Punched),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = InvalidValue),
        (status = 429, response = TooManyRequests),
        (status = 503, response = ServiceUnavailable),
    ),
    security(("cognito" = []))
)]
fn check_out() {}

/// The caller's own month (staff).
#[utoipa::path(
    get, path = "/attendance", tag = "attendance",
    operation_id = "myAttendance",
    params(MonthQuery),
    responses(
        (status = 200, description = "The month.", body = PersonMonth),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("cognito" = []))
)]
fn own_month() {}

/// The company's month (admins), as JSON or CSV.
#[utoipa::path(
    get, path = "/attendance/report", tag = "attendance",
    operation_id = "attendanceReport",
    params(ReportQuery),
    responses(
        (status = 200, description = "The month.",
            content(
                (CompanyMonth = "application/json"),
                (String = "text/csv", example = "username,email,name,date,check_in,check_out,worked_minutes,late,missing_check_out,holiday\r\n")
            )),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("cognito" = []))
)]
fn report() {}

/// Someone's month (their manager, or an admin).
#[utoipa::path(
    get, path = "/attendance/{username}", tag = "attendance",
    operation_id = "personAttendance",
    params(("username" = String, Path, description = USERNAME_PARAM), MonthQuery),
    responses(
        (status = 200, description = "The month.", body = PersonMonth),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("cognito" = []))
)]
fn someones_month() {}

/// A 5-minute link to a punch photo (admins); every link issued is audited.
#[utoipa::path(
    get, path = "/attendance/{username}/{date}/photo", tag = "attendance",
    operation_id = "punchPhoto",
    params(
        ("username" = String, Path, description = USERNAME_PARAM),
        ("date" = NaiveDate, Path, description = "The work date, `YYYY-MM-DD`."),
        PhotoQuery
    ),
    responses(
        (status = 200, description = "The link.", body = Link),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 503, response = ServiceUnavailable),
    ),
    security(("cognito" = []))
)]
fn photo_link() {}

/// This function's operations, one per entry of [`ROUTES`](crate::ROUTES), and the schemas they use.
pub fn openapi() -> utoipa::openapi::OpenApi {
    crate::described_routes()
}
