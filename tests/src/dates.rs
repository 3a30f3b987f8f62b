//! Dates for end-to-end tests, computed from the clock the stack under test reads: the stack is
//! a child process on this machine, so its clock is this wall clock (libfaketime included, which
//! the date run in `make test` sets for both).
//!
//! A date a test writes must hold whatever today is: a weekday a company works (not today plus
//! N days, which lands on a weekend one day in seven), far enough ahead that neither a run across
//! midnight nor the company's own time zone (Asia/Kathmandu is up to a day ahead of UTC) moves it
//! into the past. And a punch a test makes lands at the wall clock's hour, so a company whose
//! day must not end during the test works in [`NoonZone`].

use chrono::{
    DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveTime, SecondsFormat, Timelike, Utc,
};

/// Today in UTC.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The first Monday at least `days` days from today: a work day in the default work week
/// (Monday to Friday), as are the four days after it.
pub fn monday_after(days: u64) -> NaiveDate {
    let ahead = today() + Days::new(days);
    let to_monday = (7 - u64::from(ahead.weekday().num_days_from_monday())) % 7;
    ahead + Days::new(to_monday)
}

/// `date` plus `days`, as the API writes it (`YYYY-MM-DD`).
pub fn plus(date: NaiveDate, days: u64) -> String {
    (date + Days::new(days)).to_string()
}

/// A time zone in which it is about noon now: a test whose punches must fall inside a work day
/// (or before its end) holds at any hour when its company works in this zone.
#[derive(Clone, Debug)]
pub struct NoonZone {
    /// Its IANA name, `Etc/GMT±N` (the sign is POSIX's: `Etc/GMT-6` is six hours ahead of UTC).
    pub name: String,
    pub offset: FixedOffset,
}

impl NoonZone {
    /// The whole-hour zone where the local hour is now 11 or 12 (UTC−11 to UTC+12).
    pub fn now() -> NoonZone {
        let hours_ahead = 12 - i32::try_from(Utc::now().hour()).unwrap_or(0);
        let name = match hours_ahead {
            0 => "UTC".to_string(),
            h => format!("Etc/GMT{:+}", -h),
        };
        NoonZone {
            name,
            offset: FixedOffset::east_opt(hours_ahead * 3600).expect("a whole-hour offset"),
        }
    }

    /// The UTC instant (RFC 3339, `Z`: safe in a query string) of `time` (`HH:MM`) on `date` in this zone.
    pub fn instant(&self, date: NaiveDate, time: &str) -> String {
        let time = NaiveTime::parse_from_str(time, "%H:%M").expect("an HH:MM time");
        let local = date.and_time(time) - self.offset;
        DateTime::<Utc>::from_naive_utc_and_offset(local, Utc)
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    #[test]
    fn monday_after_is_a_monday_within_a_week_of_the_distance() {
        for days in 0..15 {
            let monday = monday_after(days);
            assert_eq!(monday.weekday(), Weekday::Mon);
            let distance = (monday - today()).num_days();
            assert!(
                (days as i64..days as i64 + 7).contains(&distance),
                "{days}: {monday}"
            );
        }
    }

    #[test]
    fn it_is_about_noon_in_the_noon_zone() {
        let zone = NoonZone::now();
        let local = Utc::now().with_timezone(&zone.offset);
        assert!(
            (11..=13).contains(&local.hour()),
            "{local} in {}",
            zone.name
        );
        let tz: chrono_tz::Tz = zone.name.parse().expect("an IANA zone");
        assert_eq!(
            Utc::now().with_timezone(&tz).hour(),
            local.hour(),
            "{} is the offset it names",
            zone.name
        );
        let day = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
        let at: DateTime<Utc> = zone.instant(day, "23:58").parse().unwrap();
        assert_eq!(
            at.with_timezone(&tz).format("%F %R").to_string(),
            "2027-01-31 23:58"
        );
    }
}
