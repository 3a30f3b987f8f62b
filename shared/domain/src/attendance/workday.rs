//! Which work day a punch belongs to: the calendar date in the company's own IANA zone (never
//! the server's), and when a check-out after midnight still closes yesterday's record.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::calendar::work_date;

/// The work date a check-out at `at` closes: today's, unless yesterday's record is still open
/// and its check-in was less than `max_shift` ago (a night shift crossing midnight).
pub fn closing_date(
    at: DateTime<Utc>,
    zone: Tz,
    open_yesterday: Option<DateTime<Utc>>,
    max_shift: Duration,
) -> NaiveDate {
    let today = work_date(at, zone);
    match open_yesterday {
        Some(check_in) if at - check_in <= max_shift && work_date(check_in, zone) < today => {
            work_date(check_in, zone)
        }
        _ => today,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::{KATHMANDU, utc};

    #[test]
    fn a_late_check_out_closes_yesterday_within_the_longest_shift() {
        let check_in = utc("2026-11-24T14:15:00Z"); // 20:00 local on the 24th
        let after_midnight = utc("2026-11-24T20:15:00Z"); // 02:00 local on the 25th
        let shift = Duration::hours(14);
        assert_eq!(
            closing_date(after_midnight, KATHMANDU, Some(check_in), shift).to_string(),
            "2026-11-24"
        );
        let much_later = utc("2026-11-25T06:15:00Z"); // 12:00 local on the 25th, 16 h on
        assert_eq!(
            closing_date(much_later, KATHMANDU, Some(check_in), shift).to_string(),
            "2026-11-25"
        );
        assert_eq!(
            closing_date(after_midnight, KATHMANDU, None, shift).to_string(),
            "2026-11-25"
        );
    }
}
