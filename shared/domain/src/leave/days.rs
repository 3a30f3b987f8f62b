//! How many working days a leave costs: the company's work days in the range, minus holidays,
//! with half days at 0.5.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};

use super::draft::HalfDay;
use crate::company::Weekday;

/// Working days from `start` to `end` (both included) that are work days of the company and not
/// holidays. A half at either end counts that day 0.5; on a one-day leave any half makes it 0.5.
/// An empty range (`end` before `start`) costs nothing.
pub fn working_days(
    start: NaiveDate,
    end: NaiveDate,
    start_half: Option<HalfDay>,
    end_half: Option<HalfDay>,
    work_days: &[Weekday],
    holidays: &BTreeSet<NaiveDate>,
) -> f64 {
    if end < start {
        return 0.0;
    }
    let working =
        |d: NaiveDate| work_days.contains(&Weekday::of(d.weekday())) && !holidays.contains(&d);
    let mut total = 0.0;
    for d in start.iter_days().take_while(|d| *d <= end) {
        if !working(d) {
            continue;
        }
        let half_at_start = d == start && start_half.is_some();
        let half_at_end = d == end && end_half.is_some();
        total += if half_at_start || half_at_end {
            0.5
        } else {
            1.0
        };
    }
    total
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use HalfDay::*;

    const WEEK: [Weekday; 5] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn plain(start: NaiveDate, end: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> f64 {
        working_days(start, end, None, None, &WEEK, holidays)
    }

    // 2026-03-09 is a Monday.
    fn monday() -> NaiveDate {
        day(2026, 3, 9)
    }

    /// Every (start, end) pair in a seven-week window, for the property tests.
    fn ranges() -> impl Iterator<Item = (NaiveDate, NaiveDate)> {
        let origin = day(2026, 2, 23);
        (0..49).flat_map(move |s| {
            (s..49).map(move |e| (origin + Duration::days(s), origin + Duration::days(e)))
        })
    }

    fn holidays() -> BTreeSet<NaiveDate> {
        BTreeSet::from([day(2026, 3, 11), day(2026, 3, 14), day(2026, 3, 20)])
    }

    #[test]
    fn a_work_week_is_five_days_and_a_weekend_is_none() {
        let none = BTreeSet::new();
        assert_eq!(plain(monday(), monday() + Duration::days(4), &none), 5.0);
        assert_eq!(plain(monday(), monday() + Duration::days(6), &none), 5.0);
        let saturday = monday() + Duration::days(5);
        assert_eq!(plain(saturday, saturday + Duration::days(1), &none), 0.0);
        assert_eq!(
            working_days(
                saturday,
                saturday + Duration::days(1),
                Some(Afternoon),
                Some(Morning),
                &WEEK,
                &none
            ),
            0.0,
            "halves of days off cost nothing"
        );
    }

    #[test]
    fn holidays_cost_nothing() {
        // Wednesday the 11th is a holiday; Saturday the 14th is one too but already off.
        assert_eq!(
            plain(monday(), monday() + Duration::days(6), &holidays()),
            4.0
        );
        assert_eq!(plain(day(2026, 3, 11), day(2026, 3, 11), &holidays()), 0.0);
    }

    #[test]
    fn the_company_work_days_decide_what_a_weekend_is() {
        // A Sunday-to-Thursday company.
        let week = [
            Weekday::Sun,
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
        ];
        let friday = day(2026, 3, 13);
        let none = BTreeSet::new();
        assert_eq!(
            working_days(friday, friday + Duration::days(1), None, None, &week, &none),
            0.0
        );
        assert_eq!(
            working_days(friday, friday + Duration::days(2), None, None, &week, &none),
            1.0
        );
        assert_eq!(working_days(friday, friday, None, None, &[], &none), 0.0);
    }

    #[test]
    fn halves_count_half_a_day() {
        let none = BTreeSet::new();
        let m = monday();
        assert_eq!(working_days(m, m, Some(Morning), None, &WEEK, &none), 0.5);
        assert_eq!(working_days(m, m, Some(Afternoon), None, &WEEK, &none), 0.5);
        assert_eq!(working_days(m, m, None, Some(Morning), &WEEK, &none), 0.5);
        let fri = m + Duration::days(4);
        assert_eq!(
            working_days(m, fri, Some(Afternoon), None, &WEEK, &none),
            4.5
        );
        assert_eq!(
            working_days(m, fri, Some(Afternoon), Some(Morning), &WEEK, &none),
            4.0
        );
        // A half on a holiday is still nothing.
        let wed = day(2026, 3, 11);
        assert_eq!(
            working_days(wed, fri, Some(Afternoon), None, &WEEK, &holidays()),
            2.0
        );
    }

    #[test]
    fn property_never_negative_and_never_more_than_the_calendar_days() {
        let hs = holidays();
        for (s, e) in ranges() {
            for (sh, eh) in [
                (None, None),
                (Some(Afternoon), None),
                (None, Some(Morning)),
                (Some(Afternoon), Some(Morning)),
            ] {
                let n = working_days(s, e, sh, eh, &WEEK, &hs);
                let calendar = ((e - s).num_days() + 1) as f64;
                assert!((0.0..=calendar).contains(&n), "{s}..{e}: {n}");
                assert_eq!(n * 2.0, (n * 2.0).round(), "whole or half days only");
            }
        }
        assert_eq!(
            plain(monday(), monday() - Duration::days(1), &hs),
            0.0,
            "empty range"
        );
    }

    #[test]
    fn property_additive_over_adjacent_ranges() {
        let hs = holidays();
        for (a, c) in ranges() {
            for split in 0..(c - a).num_days() {
                let b = a + Duration::days(split);
                let next = b + Duration::days(1);
                assert_eq!(
                    plain(a, b, &hs) + plain(next, c, &hs),
                    plain(a, c, &hs),
                    "{a}..{b} + {next}..{c}"
                );
            }
        }
    }

    #[test]
    fn property_splitting_a_day_at_noon_loses_nothing() {
        // a..b ending in the morning plus b..c starting in the afternoon is a..c.
        let hs = holidays();
        for (a, c) in ranges() {
            for split in 1..(c - a).num_days() {
                let b = a + Duration::days(split);
                assert_eq!(
                    working_days(a, b, None, Some(Morning), &WEEK, &hs)
                        + working_days(b, c, Some(Afternoon), None, &WEEK, &hs),
                    plain(a, c, &hs),
                    "{a}..{b}..{c}"
                );
            }
        }
    }

    #[test]
    fn property_a_full_week_always_costs_the_work_days_it_holds() {
        let none = BTreeSet::new();
        for (s, _) in ranges().filter(|(s, e)| s == e) {
            assert_eq!(plain(s, s + Duration::days(6), &none), 5.0, "week from {s}");
        }
    }
}
