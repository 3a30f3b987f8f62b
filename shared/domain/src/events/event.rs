//! A company event or holiday on the calendar, and the `POST /events` body that creates one.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::iso_date;
use crate::refusal::Refusal;

/// Most characters in an event's title.
pub const MAX_TITLE_CHARS: usize = 120;

/// Whether `date` is written with a four-digit year, so its text sorts as the date does.
pub(crate) fn sortable_year(date: NaiveDate) -> bool {
    (1970..=9999).contains(&date.year())
}

/// A new event's id: its date (`YYYYMMDD`) then a unique part, so `DELETE /events/{id}` finds
/// the item by key without an index.
pub fn event_id(date: NaiveDate, unique: &str) -> String {
    format!("{}-{unique}", date.format("%Y%m%d"))
}

/// The date an event id carries; `None` for anything that is not such an id.
pub fn date_of_event_id(id: &str) -> Option<NaiveDate> {
    let (date, unique) = id.split_at_checked(8)?;
    let unique = unique.strip_prefix('-')?;
    if unique.is_empty() || !date.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(date, "%Y%m%d").ok()
}

/// What an admin posts to `POST /events`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventDraft {
    pub date: NaiveDate,
    pub title: String,
    /// A holiday is not a work day: leave over it costs nothing.
    #[serde(default)]
    pub holiday: bool,
}

impl EventDraft {
    /// Checks every rule, naming the offending field, and returns the draft with its title trimmed.
    pub fn validated(mut self) -> Result<EventDraft, Refusal> {
        if !sortable_year(self.date) {
            return Err(Refusal::invalid("date", "the year must be 1970 to 9999"));
        }
        self.title = self.title.trim().to_string();
        let len = self.title.chars().count();
        if len == 0 || len > MAX_TITLE_CHARS {
            return Err(Refusal::invalid(
                "title",
                format!("the title must have 1 to {MAX_TITLE_CHARS} characters"),
            ));
        }
        if self.title.chars().any(char::is_control) {
            return Err(Refusal::invalid(
                "title",
                "the title must not contain control characters",
            ));
        }
        Ok(self)
    }
}

/// A stored event, as returned to staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: String,
    pub company_id: String,
    pub date: NaiveDate,
    pub title: String,
    pub holiday: bool,
    /// Username of the admin who put it on the calendar.
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl Event {
    /// Sort key in the company's partition: the date first, so a month is a prefix and a date
    /// range a `BETWEEN`; the id keeps two events of one day apart.
    pub fn date_id(&self) -> String {
        format!("{}#{}", iso_date(self.date), self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_id_carries_its_date() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
        let id = event_id(date, "0193c2d4-aaaa");
        assert_eq!(id, "20261225-0193c2d4-aaaa");
        assert_eq!(date_of_event_id(&id), Some(date));
        for bad in [
            "",
            "20261225",
            "20261225-",
            "2026122x-a",
            "20261332-a",
            "é0261225-a",
        ] {
            assert_eq!(date_of_event_id(bad), None, "{bad}");
        }
    }

    fn parse(body: &str) -> Result<EventDraft, serde_json::Error> {
        serde_json::from_str(body)
    }

    #[test]
    fn a_draft_reads_its_camel_case_body_and_trims_the_title() {
        let d = parse(r#"{"date":"2026-12-25","title":"  Christmas ","holiday":true}"#)
            .unwrap()
            .validated()
            .unwrap();
        assert_eq!(d.title, "Christmas");
        assert!(d.holiday);
        let d = parse(r#"{"date":"2026-03-02","title":"Offsite"}"#).unwrap();
        assert!(!d.holiday, "an event is not a holiday unless it says so");
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(parse(r#"{"date":"2026-12-25","title":"X","companyId":"other"}"#).is_err());
    }

    #[test]
    fn a_bad_title_or_date_names_its_field() {
        let field = |title: &str, date: NaiveDate| {
            EventDraft {
                date,
                title: title.into(),
                holiday: false,
            }
            .validated()
            .unwrap_err()
            .field
        };
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(field("   ", day), Some("title".into()));
        assert_eq!(field(&"x".repeat(121), day), Some("title".into()));
        assert_eq!(field("tab\there", day), Some("title".into()));
        let ancient = NaiveDate::from_ymd_opt(1969, 12, 31).unwrap();
        assert_eq!(field("Moon landing", ancient), Some("date".into()));
        assert!(
            EventDraft {
                date: day,
                title: "é".repeat(120),
                holiday: false
            }
            .validated()
            .is_ok(),
            "the limit counts characters, not bytes"
        );
    }

    #[test]
    fn the_sort_key_starts_with_the_date() {
        let e = Event {
            id: "ev-1".into(),
            company_id: "c1".into(),
            date: NaiveDate::from_ymd_opt(2026, 2, 3).unwrap(),
            title: "T".into(),
            holiday: false,
            created_by: "admin".into(),
            created_at: DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
        };
        assert_eq!(e.date_id(), "2026-02-03#ev-1");
    }
}
