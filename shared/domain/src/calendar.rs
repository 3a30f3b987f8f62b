//! Dates and instants as the product writes and reads them: the work day of an instant in a
//! company's own zone (never the server's), and the fixed-width texts keys sort by.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;

/// The local calendar date of `at` in `zone`.
pub fn work_date(at: DateTime<Utc>, zone: Tz) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

/// The local wall-clock time of `at` in `zone`, to the minute, as `HH:MM`.
pub fn local_time(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%H:%M").to_string()
}

/// The instant a local `date` `time` happens in `zone` (the earlier one if the clock repeats;
/// the first valid minute after a gap if it skips).
pub fn instant_of(date: NaiveDate, time: NaiveTime, zone: Tz) -> DateTime<Utc> {
    let local = date.and_time(time);
    let mut probe = local;
    for _ in 0..180 {
        if let Some(at) = zone.from_local_datetime(&probe).earliest() {
            return at.with_timezone(&Utc);
        }
        probe += Duration::minutes(1);
    }
    // No zone skips three hours; fall back to reading the wall clock as UTC.
    Utc.from_utc_datetime(&local)
}

/// Instants in index keys: fixed width, so text order is time order.
pub fn sortable(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A date as keys and payloads write it, `YYYY-MM-DD`.
pub fn iso_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An instant from its RFC 3339 text.
    pub(crate) fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// UTC+05:45: a zone whose midnight no whole-hour offset finds.
    pub(crate) const KATHMANDU: Tz = chrono_tz::Asia::Kathmandu;

    #[test]
    fn the_work_date_is_kathmandus_around_its_midnight() {
        // 18:14 UTC is 23:59 in Kathmandu (UTC+05:45); 18:15 UTC is 00:00 the next day.
        assert_eq!(
            work_date(utc("2026-11-24T18:14:00Z"), KATHMANDU).to_string(),
            "2026-11-24"
        );
        assert_eq!(
            work_date(utc("2026-11-24T18:15:00Z"), KATHMANDU).to_string(),
            "2026-11-25"
        );
        assert_eq!(local_time(utc("2026-11-24T18:15:00Z"), KATHMANDU), "00:00");
        // The same instant is still the 24th in UTC: the server's zone never decides.
        assert_eq!(
            work_date(utc("2026-11-24T18:15:00Z"), chrono_tz::UTC).to_string(),
            "2026-11-24"
        );
    }

    #[test]
    fn local_instants_survive_daylight_saving_gaps_and_folds() {
        let berlin = chrono_tz::Europe::Berlin;
        let day = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(); // 02:00 → 03:00
        let skipped = instant_of(day, NaiveTime::from_hms_opt(2, 30, 0).unwrap(), berlin);
        assert_eq!(
            skipped,
            utc("2026-03-29T01:00:00Z"),
            "the first minute after the gap"
        );
        let fold = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap(); // 03:00 → 02:00
        let twice = instant_of(fold, NaiveTime::from_hms_opt(2, 30, 0).unwrap(), berlin);
        assert_eq!(twice, utc("2026-10-25T00:30:00Z"), "the earlier of the two");
    }
}
