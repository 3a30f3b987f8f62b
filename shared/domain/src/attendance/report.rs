//! A month of attendance as people read it: local in/out times, hours worked, late arrivals
//! against the company's start plus grace (never on a holiday), and check-outs that never came.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::AttendanceDay;
use crate::calendar::{local_time, work_date};
use crate::company::WorkHours;

/// One day of one person, summarised.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DaySummary {
    pub username: String,
    /// Who the day is of, from the roster: filled in by views that list several people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub date: String,
    pub check_in: Option<String>,
    pub check_out: Option<String>,
    /// Minutes between check-in and check-out, when both exist.
    pub worked_minutes: Option<i64>,
    pub late: bool,
    /// Checked in, never out, and the day is over.
    pub missing_check_out: bool,
    /// A company holiday: whoever came in worked a day off, and nobody is late.
    pub holiday: bool,
    pub check_in_similarity: Option<f32>,
    pub check_out_similarity: Option<f32>,
}

fn start_of_day(hours: &WorkHours) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(&hours.start, "%H:%M").ok()
}

/// Summarises `day` in `zone` under `hours` and the company's `holidays`, as of `now`.
pub fn summarise(
    day: &AttendanceDay,
    zone: Tz,
    hours: &WorkHours,
    holidays: &BTreeSet<NaiveDate>,
    now: DateTime<Utc>,
) -> DaySummary {
    let check_in = day.check_in.as_ref();
    let check_out = day.check_out.as_ref();
    let holiday = day.date().is_some_and(|d| holidays.contains(&d));
    let late = match (check_in, start_of_day(hours)) {
        _ if holiday => false,
        (Some(p), Some(start)) => {
            let arrived = p.at.with_timezone(&zone).time();
            arrived > start + Duration::minutes(i64::from(hours.late_after_minutes))
        }
        _ => false,
    };
    let day_over = day.date().is_some_and(|d| d < work_date(now, zone));
    DaySummary {
        username: day.username.clone(),
        email: None,
        name: None,
        date: day.work_date.clone(),
        check_in: check_in.map(|p| local_time(p.at, zone)),
        check_out: check_out.map(|p| local_time(p.at, zone)),
        worked_minutes: match (check_in, check_out) {
            (Some(i), Some(o)) => Some((o.at - i.at).num_minutes()),
            _ => None,
        },
        late,
        missing_check_out: check_in.is_some() && check_out.is_none() && day_over,
        holiday,
        check_in_similarity: check_in.map(|p| p.similarity),
        check_out_similarity: check_out.map(|p| p.similarity),
    }
}

/// The month as CSV (RFC 4180), one row per person and day, with a header.
pub fn to_csv(days: &[DaySummary]) -> String {
    fn field(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    }
    let mut out = String::from(
        "username,email,name,date,check_in,check_out,worked_minutes,late,missing_check_out,holiday\r\n",
    );
    for d in days {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\r\n",
            field(&d.username),
            field(d.email.as_deref().unwrap_or("")),
            field(d.name.as_deref().unwrap_or("")),
            d.date,
            d.check_in.as_deref().unwrap_or(""),
            d.check_out.as_deref().unwrap_or(""),
            d.worked_minutes.map(|m| m.to_string()).unwrap_or_default(),
            d.late,
            d.missing_check_out,
            d.holiday
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::attendance::Punch;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn punch(s: &str) -> Punch {
        Punch {
            at: at(s),
            similarity: 91.5,
            photo_key: "k".into(),
        }
    }

    fn hours() -> WorkHours {
        WorkHours {
            start: "09:00".into(),
            end: "17:00".into(),
            late_after_minutes: 10,
            ..WorkHours::default()
        }
    }

    #[test]
    fn a_day_is_read_in_local_time_with_hours_and_lateness() {
        let zone = chrono_tz::Asia::Kathmandu;
        let date = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        // 03:30 UTC = 09:15 local (late after 09:10); 11:45 UTC = 17:30 local.
        let mut day =
            AttendanceDay::checked_in("acme", "ram@acme.test", date, punch("2026-11-24T03:30:00Z"));
        day.check_out = Some(punch("2026-11-24T11:45:00Z"));
        let s = summarise(
            &day,
            zone,
            &hours(),
            &BTreeSet::new(),
            at("2026-11-30T00:00:00Z"),
        );
        assert_eq!(
            (s.check_in.as_deref(), s.check_out.as_deref()),
            (Some("09:15"), Some("17:30"))
        );
        assert_eq!(
            (s.worked_minutes, s.late, s.missing_check_out),
            (Some(495), true, false)
        );

        let on_time =
            AttendanceDay::checked_in("acme", "ram@acme.test", date, punch("2026-11-24T03:20:00Z"));
        let open = summarise(
            &on_time,
            zone,
            &hours(),
            &BTreeSet::new(),
            at("2026-11-24T12:00:00Z"),
        );
        assert!(
            !open.late && !open.missing_check_out,
            "the day is not over yet"
        );
        let later = summarise(
            &on_time,
            zone,
            &hours(),
            &BTreeSet::new(),
            at("2026-11-25T12:00:00Z"),
        );
        assert!(later.missing_check_out);
        // The same late arrival on a holiday is no lateness.
        let holidays = BTreeSet::from([date]);
        let s = summarise(&day, zone, &hours(), &holidays, at("2026-11-30T00:00:00Z"));
        assert!(s.holiday && !s.late);
    }

    #[test]
    fn csv_has_a_header_and_quotes_what_needs_it() {
        let zone = chrono_tz::UTC;
        let date = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let day = AttendanceDay::checked_in("acme", "u-1", date, punch("2026-11-24T09:00:00Z"));
        let summary = DaySummary {
            email: Some("oneil@acme.test".into()),
            name: Some("Seán \"Sean\" O'Neil, Jr".into()),
            ..summarise(
                &day,
                zone,
                &hours(),
                &BTreeSet::new(),
                at("2026-11-24T10:00:00Z"),
            )
        };
        let csv = to_csv(&[summary]);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "username,email,name,date,check_in,check_out,worked_minutes,late,missing_check_out,holiday"
        );
        assert_eq!(
            lines[1],
            "u-1,oneil@acme.test,\"Seán \"\"Sean\"\" O'Neil, Jr\",2026-11-24,09:00,,,false,false,false"
        );
    }
}
