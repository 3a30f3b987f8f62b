//! Reading months: one's own, a report's (their manager or an admin), the whole company's
//! (JSON or CSV). Months are key-prefix queries; nothing scans.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use domain::attendance::{AttendanceRepo, DaySummary, summarise, to_csv};
use domain::calendar::work_date;
use domain::company::Company;
use domain::events::{EventRepo, Month};
use domain::roster::{RosterEntry, RosterRepo};
use edge::ApiError;
use edge::claims::{Claims, Role};
use edge::http::{json, path_param, query_param};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Serialize;
use serde_json::json;

use crate::Attendance;
use crate::members::{company, member};

/// Totals of a person's month.
#[derive(Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct Totals {
    days_present: u32,
    late_days: u32,
    missing_check_outs: u32,
    worked_minutes: i64,
}

/// A person's totals in the company report, with who they are.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct PersonTotals<'a> {
    email: Option<&'a str>,
    name: Option<&'a str>,
    #[serde(flatten)]
    totals: Totals,
}

fn totals<'a>(days: impl Iterator<Item = &'a DaySummary>) -> Totals {
    let mut t = Totals::default();
    for d in days {
        t.days_present += 1;
        t.late_days += u32::from(d.late);
        t.missing_check_outs += u32::from(d.missing_check_out);
        t.worked_minutes += d.worked_minutes.unwrap_or(0);
    }
    t
}

/// `?month=YYYY-MM`, by default the company's current month.
fn month(request: &Request, app: &Attendance, company: &Company) -> Result<Month, ApiError> {
    let asked = match query_param(request, "month") {
        None => Month::of(work_date(app.clock.now(), company.profile.tz())),
        Some(m) => Month::parse("month", m).ok(),
    };
    asked.ok_or_else(|| ApiError::bad_request("month", "use YYYY-MM, e.g. 2026-11"))
}

/// The company's holidays in `month`.
async fn holidays(
    app: &Attendance,
    tenant: &str,
    month: Month,
) -> Result<BTreeSet<NaiveDate>, ApiError> {
    Ok(EventRepo::new(app.store.as_ref())
        .holidays_between(tenant, month.first_day(), month.last_day())
        .await?)
}

async fn person_month(
    app: &Attendance,
    tenant: &str,
    username: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let company = company(app, tenant).await?;
    let month = month(request, app, &company)?;
    let holidays = holidays(app, tenant, month).await?;
    let now = app.clock.now();
    let zone = company.profile.tz();
    let days: Vec<DaySummary> = AttendanceRepo::new(app.store.as_ref())
        .person_month(tenant, username, &month.to_string())
        .await?
        .iter()
        .map(|d| summarise(d, zone, &company.profile.work_hours, &holidays, now))
        .collect();
    Ok(json(
        StatusCode::OK,
        &json!({
            "username": username, "month": month.to_string(), "timeZone": company.profile.time_zone,
            "totals": totals(days.iter()), "days": days,
        }),
    ))
}

/// `GET /attendance?month=` (any staff, their own).
pub async fn own_month(
    app: &Attendance,
    claims: &Claims,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let me = member(app, tenant, &claims.username).await?;
    person_month(app, tenant, &me.username, request).await
}

/// `GET /attendance/{username}?month=` (their manager, or an admin).
pub async fn someones_month(
    app: &Attendance,
    claims: &Claims,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let person = member(app, tenant, &path_param(request, "username")?).await?;
    let allowed =
        claims.has(Role::Admin) || person.manager.as_deref() == Some(claims.username.as_str());
    if !allowed {
        return Err(ApiError::forbidden(
            "only their manager or an admin may read this",
        ));
    }
    person_month(app, tenant, &person.username, request).await
}

/// `GET /attendance/report?month=&format=csv|json` (admins); `Accept: text/csv` works too.
pub async fn company_month(
    app: &Attendance,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let company = company(app, tenant).await?;
    let month = month(request, app, &company)?;
    let accepts_csv = request
        .headers()
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/csv"));
    let csv = match query_param(request, "format") {
        None => accepts_csv,
        Some("csv") => true,
        Some("json") => false,
        Some(_) => return Err(ApiError::bad_request("format", "use csv or json")),
    };
    let holidays = holidays(app, tenant, month).await?;
    let now = app.clock.now();
    let zone = company.profile.tz();
    // Usernames are the pool's UUIDs: a report people read names everyone.
    let roster: BTreeMap<String, RosterEntry> = RosterRepo::new(app.store.as_ref())
        .everyone(tenant)
        .await?
        .into_iter()
        .map(|e| (e.username.clone(), e))
        .collect();
    let days: Vec<DaySummary> = AttendanceRepo::new(app.store.as_ref())
        .company_month(tenant, &month.to_string())
        .await?
        .iter()
        .map(|d| {
            let person = roster.get(&d.username);
            DaySummary {
                email: person.map(|p| p.email.clone()),
                name: person.and_then(|p| p.name.clone()),
                ..summarise(d, zone, &company.profile.work_hours, &holidays, now)
            }
        })
        .collect();
    if csv {
        return Response::builder()
            .status(StatusCode::OK)
            .header("content-type", "text/csv; charset=utf-8")
            .header(
                "content-disposition",
                format!("attachment; filename=\"attendance-{tenant}-{month}.csv\""),
            )
            .body(Body::Text(to_csv(&days)))
            .map_err(|e| ApiError::internal(e.to_string()));
    }
    let mut people: BTreeMap<&str, Vec<&DaySummary>> = BTreeMap::new();
    for d in &days {
        people.entry(d.username.as_str()).or_default().push(d);
    }
    let people: BTreeMap<&str, PersonTotals> = people
        .into_iter()
        .map(|(u, ds)| {
            let person = roster.get(u);
            let totals = PersonTotals {
                email: person.map(|p| p.email.as_str()),
                name: person.and_then(|p| p.name.as_deref()),
                totals: totals(ds.into_iter()),
            };
            (u, totals)
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        &json!({ "month": month.to_string(), "timeZone": company.profile.time_zone, "people": people, "days": days }),
    ))
}
