//! A calendar month as written in payloads and query strings: `YYYY-MM`.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::refusal::Refusal;

/// One calendar month of the proleptic Gregorian calendar, years 1970 to 9999 (so every date in it
/// is written with a four-digit year and sorts as text).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// Reads `YYYY-MM`; anything else is refused as invalid, naming `field`.
    pub fn parse(field: &str, text: &str) -> Result<Month, Refusal> {
        let bad = || Refusal::invalid(field, format!("`{text}` is not a month; use YYYY-MM"));
        let shaped = text.len() == 7
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !shaped {
            return Err(bad());
        }
        let year: i32 = text[..4].parse().map_err(|_| bad())?;
        let month: u32 = text[5..].parse().map_err(|_| bad())?;
        Month::new(year, month).ok_or_else(bad)
    }

    /// The month, if `year` is 1970 to 9999 and `month` 1 to 12.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1970..=9999).contains(&year) && (1..=12).contains(&month))
            .then_some(Month { year, month })
    }

    /// The month holding `date`.
    pub fn of(date: NaiveDate) -> Option<Month> {
        Month::new(date.year(), date.month())
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        let next = if self.month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.month + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
    }

    /// Whether the inclusive range `start..=end` shares at least one day with the month.
    pub fn overlaps(self, start: NaiveDate, end: NaiveDate) -> bool {
        start <= self.last_day() && end >= self.first_day()
    }

    /// The prefix every `YYYY-MM-DD…` key of the month starts with: `YYYY-MM-`.
    pub fn key_prefix(self) -> String {
        format!("{self}-")
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refusal::RefusalKind;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_month_reads_and_writes_as_yyyy_mm() {
        let m = Month::parse("month", "2028-02").unwrap();
        assert_eq!(m.to_string(), "2028-02");
        assert_eq!(
            (m.first_day(), m.last_day()),
            (day(2028, 2, 1), day(2028, 2, 29))
        );
        assert_eq!(
            Month::parse("month", "2026-12").unwrap().last_day(),
            day(2026, 12, 31)
        );
        assert_eq!(m.key_prefix(), "2028-02-");
    }

    #[test]
    fn anything_but_yyyy_mm_names_the_field() {
        for bad in [
            "2026-13",
            "2026-00",
            "2026-1",
            "26-01",
            "2026/01",
            "1969-12",
            "2026-01-01",
            "",
        ] {
            let err = Month::parse("month", bad).unwrap_err();
            assert_eq!(
                (err.kind, err.field.as_deref()),
                (RefusalKind::Invalid, Some("month")),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_range_overlaps_a_month_when_they_share_a_day() {
        let jan = Month::parse("month", "2026-01").unwrap();
        assert!(jan.overlaps(day(2025, 12, 31), day(2026, 1, 1)));
        assert!(jan.overlaps(day(2026, 1, 31), day(2026, 2, 3)));
        assert!(!jan.overlaps(day(2025, 12, 1), day(2025, 12, 31)));
        assert!(!jan.overlaps(day(2026, 2, 1), day(2026, 2, 1)));
    }
}
