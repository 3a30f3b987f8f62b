//! The working days a leave costs (`domain::leave::working_days`): never negative, never more
//! than the calendar days, in whole and half days, and additive over adjacent ranges whatever
//! the company's work week and holidays.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};
use domain::company::Weekday;
use domain::leave::{HalfDay, working_days};
use proptest::prelude::*;

const ALL_DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// Up to 90 days from a date between 1970 and 2100: a range `a..=c`, with offsets in it.
#[derive(Clone, Debug)]
struct Span {
    start: NaiveDate,
    days: i64,
}

impl Span {
    fn at(&self, offset: i64) -> NaiveDate {
        self.start + Duration::days(offset)
    }
    fn end(&self) -> NaiveDate {
        self.at(self.days - 1)
    }
}

fn span() -> impl Strategy<Value = Span> {
    (0i64..47_482, 1i64..=90).prop_map(|(from, days)| Span {
        start: NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date") + Duration::days(from),
        days,
    })
}

/// Any work week, from none to all seven days.
fn work_week() -> impl Strategy<Value = Vec<Weekday>> {
    prop::sample::subsequence(ALL_DAYS.to_vec(), 0..=7)
}

/// A span and holidays in it (and just around it).
fn span_with_holidays() -> impl Strategy<Value = (Span, BTreeSet<NaiveDate>)> {
    span().prop_flat_map(|s| {
        let holidays = prop::collection::btree_set(-3..s.days + 3, 0..12).prop_map({
            let s = s.clone();
            move |offsets| offsets.into_iter().map(|o| s.at(o)).collect()
        });
        (Just(s), holidays)
    })
}

fn half() -> impl Strategy<Value = Option<HalfDay>> {
    prop_oneof![
        Just(None),
        Just(Some(HalfDay::Morning)),
        Just(Some(HalfDay::Afternoon))
    ]
}

proptest! {
    #![proptest_config(crate::config())]

    #[test]
    fn a_leave_costs_zero_to_its_calendar_days_in_halves(
        (span, holidays) in span_with_holidays(),
        week in work_week(),
        start_half in half(),
        end_half in half(),
    ) {
        let n = working_days(span.start, span.end(), start_half, end_half, &week, &holidays);
        prop_assert!(n >= 0.0, "{}", n);
        prop_assert!(n <= span.days as f64, "{} over {} days", n, span.days);
        prop_assert_eq!(n * 2.0, (n * 2.0).round(), "whole or half days only");
        let whole = working_days(span.start, span.end(), None, None, &week, &holidays);
        prop_assert!(n <= whole && whole - n <= 1.0, "halves take at most a day: {} vs {}", n, whole);
        if week.is_empty() {
            prop_assert_eq!(n, 0.0, "a company without work days");
        }
    }

    #[test]
    fn an_empty_range_costs_nothing(
        (span, holidays) in span_with_holidays(),
        week in work_week(),
        start_half in half(),
        end_half in half(),
        before in 1i64..30,
    ) {
        let end = span.start - Duration::days(before);
        prop_assert_eq!(working_days(span.start, end, start_half, end_half, &week, &holidays), 0.0);
    }

    #[test]
    fn days_are_additive_over_adjacent_ranges(
        (span, holidays) in span_with_holidays(),
        week in work_week(),
        split in any::<prop::sample::Index>(),
    ) {
        // days(a..=b) + days(b+1..=c) == days(a..=c), for every b from a to c.
        let (a, c) = (span.start, span.end());
        let b = span.at(split.index(span.days as usize) as i64);
        let days = |from, to| working_days(from, to, None, None, &week, &holidays);
        prop_assert_eq!(
            days(a, b) + days(b + Duration::days(1), c),
            days(a, c),
            "{}..={} + {}..={}", a, b, b + Duration::days(1), c
        );
    }

    #[test]
    fn splitting_a_day_at_noon_loses_and_adds_nothing(
        (span, holidays) in span_with_holidays(),
        week in work_week(),
        split in any::<prop::sample::Index>(),
    ) {
        // a..=b ending at noon plus b..=c starting at noon is a..=c.
        let (a, c) = (span.start, span.end());
        let b = span.at(split.index(span.days as usize) as i64);
        prop_assert_eq!(
            working_days(a, b, None, Some(HalfDay::Morning), &week, &holidays)
                + working_days(b, c, Some(HalfDay::Afternoon), None, &week, &holidays),
            working_days(a, c, None, None, &week, &holidays),
            "{}..={}..={}", a, b, c
        );
    }

    #[test]
    fn holidays_and_days_off_cost_nothing_and_work_days_one(
        (span, holidays) in span_with_holidays(),
        week in work_week(),
    ) {
        // The total is the count of days in the range that are work days and not holidays.
        let expected = (0..span.days)
            .map(|o| span.at(o))
            .filter(|d| {
                week.contains(&Weekday::of(chrono::Datelike::weekday(d))) && !holidays.contains(d)
            })
            .count() as f64;
        prop_assert_eq!(
            working_days(span.start, span.end(), None, None, &week, &holidays),
            expected
        );
    }
}
