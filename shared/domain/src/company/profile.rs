//! A company's editable profile and the rules it must satisfy.

use chrono::NaiveTime;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::refusal::Refusal;

/// Day of the week, as written in payloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub fn of(day: chrono::Weekday) -> Weekday {
        use chrono::Weekday as W;
        match day {
            W::Mon => Weekday::Mon,
            W::Tue => Weekday::Tue,
            W::Wed => Weekday::Wed,
            W::Thu => Weekday::Thu,
            W::Fri => Weekday::Fri,
            W::Sat => Weekday::Sat,
            W::Sun => Weekday::Sun,
        }
    }
}

fn default_work_days() -> Vec<Weekday> {
    vec![
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ]
}

/// When a company works, in its own time zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkHours {
    /// Local start of the work day, `HH:MM`.
    pub start: String,
    /// Local end of the work day, `HH:MM`, after `start`.
    pub end: String,
    /// Minutes after `start` before an arrival counts as late.
    #[serde(default)]
    pub late_after_minutes: u32,
    /// Days that are work days.
    #[serde(default = "default_work_days")]
    pub work_days: Vec<Weekday>,
}

impl Default for WorkHours {
    fn default() -> Self {
        WorkHours {
            start: "09:00".into(),
            end: "18:00".into(),
            late_after_minutes: 10,
            work_days: default_work_days(),
        }
    }
}

impl WorkHours {
    pub fn start_time(&self) -> Option<NaiveTime> {
        NaiveTime::parse_from_str(&self.start, "%H:%M").ok()
    }
    pub fn end_time(&self) -> Option<NaiveTime> {
        NaiveTime::parse_from_str(&self.end, "%H:%M").ok()
    }
}

/// What an admin sets: `POST /companies` and `PUT /company` bodies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CompanyProfile {
    pub name: String,
    /// IANA time zone, e.g. `Asia/Kathmandu`.
    pub time_zone: String,
    #[serde(default)]
    pub work_hours: WorkHours,
}

impl CompanyProfile {
    /// Checks every rule and returns the profile normalised (name trimmed, work days sorted).
    pub fn validated(mut self) -> Result<CompanyProfile, Refusal> {
        self.name = self.name.trim().to_string();
        let len = self.name.chars().count();
        if len == 0 || len > 120 {
            return Err(Refusal::invalid(
                "name",
                "the name must have 1 to 120 characters",
            ));
        }
        if self.name.chars().any(char::is_control) {
            return Err(Refusal::invalid(
                "name",
                "the name must not contain control characters",
            ));
        }
        self.time_zone = self.time_zone.trim().to_string();
        if self.time_zone.parse::<Tz>().is_err() {
            return Err(Refusal::invalid(
                "timeZone",
                format!(
                    "`{}` is not an IANA time zone such as Asia/Kathmandu",
                    self.time_zone
                ),
            ));
        }
        let hours = &mut self.work_hours;
        let start = hours
            .start_time()
            .ok_or_else(|| Refusal::invalid("workHours.start", "use 24-hour HH:MM, e.g. 09:00"))?;
        let end = hours
            .end_time()
            .ok_or_else(|| Refusal::invalid("workHours.end", "use 24-hour HH:MM, e.g. 18:00"))?;
        if end <= start {
            return Err(Refusal::invalid(
                "workHours.end",
                "the work day must end after it starts",
            ));
        }
        if hours.late_after_minutes > 240 {
            return Err(Refusal::invalid(
                "workHours.lateAfterMinutes",
                "at most 240 minutes",
            ));
        }
        hours.work_days.sort();
        hours.work_days.dedup();
        if hours.work_days.is_empty() {
            return Err(Refusal::invalid(
                "workHours.workDays",
                "at least one work day is needed",
            ));
        }
        Ok(self)
    }

    /// The parsed time zone of a validated profile.
    pub fn tz(&self) -> Tz {
        self.time_zone.parse().unwrap_or(Tz::UTC)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refusal::RefusalKind;

    fn profile(tz: &str, start: &str, end: &str) -> CompanyProfile {
        CompanyProfile {
            name: "  Acme ".into(),
            time_zone: tz.into(),
            work_hours: WorkHours {
                start: start.into(),
                end: end.into(),
                ..WorkHours::default()
            },
        }
    }

    #[test]
    fn valid_profile_is_normalised() {
        let p = profile("Asia/Kathmandu", "09:00", "17:30")
            .validated()
            .unwrap();
        assert_eq!(p.name, "Acme");
        assert_eq!(p.tz(), chrono_tz::Asia::Kathmandu);
    }

    #[test]
    fn unknown_time_zone_names_the_field() {
        let err = profile("Mars/Olympus", "09:00", "17:00")
            .validated()
            .unwrap_err();
        assert_eq!(
            (err.kind, err.field.as_deref()),
            (RefusalKind::Invalid, Some("timeZone"))
        );
    }

    #[test]
    fn work_day_must_end_after_it_starts() {
        let err = profile("UTC", "18:00", "09:00").validated().unwrap_err();
        assert_eq!(err.field.as_deref(), Some("workHours.end"));
        let err = profile("UTC", "9am", "17:00").validated().unwrap_err();
        assert_eq!(err.field.as_deref(), Some("workHours.start"));
    }
}
