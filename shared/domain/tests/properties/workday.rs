//! The work date of a punch (`domain::calendar::work_date` and friends): the calendar date in
//! the company's own zone, stable across daylight saving changes and odd offsets such as
//! Kathmandu's +05:45, and the same for the same local wall-clock time.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;
use domain::attendance::closing_date;
use domain::calendar::{instant_of, local_time, work_date};
use proptest::prelude::*;

/// Zones with daylight saving (some changing at midnight, some by 30 minutes, some with
/// quarter-hour offsets) and fixed odd offsets.
const ZONES: [Tz; 11] = [
    chrono_tz::America::New_York,
    chrono_tz::Europe::London,
    chrono_tz::Europe::Berlin,
    chrono_tz::Asia::Kathmandu,
    chrono_tz::Asia::Kolkata,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Pacific::Chatham,
    chrono_tz::America::St_Johns,
    // These two move their clocks at midnight: some local dates have no 00:00.
    chrono_tz::America::Santiago,
    chrono_tz::America::Havana,
    chrono_tz::UTC,
];

fn zone() -> impl Strategy<Value = Tz> {
    prop::sample::select(ZONES.to_vec())
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

/// The first instant of the local `date` in `zone`: its (first) midnight, or the first minute
/// after a gap that swallows midnight.
fn day_start(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    instant_of(date, NaiveTime::MIN, zone)
}

/// Whether the clock steps back across the midnight that starts `date`, so the previous date
/// comes back for a while (St John's, 1987 to 2011, went back from 00:01 to 23:01). Such a day
/// is not one stretch of time; the wall-clock property below still covers it.
fn fold_crosses_midnight(date: NaiveDate, zone: Tz) -> bool {
    let ambiguous = |at: chrono::NaiveDateTime| {
        matches!(zone.from_local_datetime(&at), LocalResult::Ambiguous(..))
    };
    ambiguous(date.and_time(NaiveTime::MIN))
        && ambiguous(date.and_time(NaiveTime::MIN) - Duration::minutes(1))
}

/// The local dates of `year` in `zone` that are not 24 hours long: its clock changes.
fn transitions(zone: Tz, year: i32) -> Vec<NaiveDate> {
    date(year, 1, 1)
        .iter_days()
        .take_while(|d| d.year() == year)
        .filter(|d| {
            day_start(*d + Duration::days(1), zone) - day_start(*d, zone) != Duration::hours(24)
        })
        .collect()
}

/// Any local date from 1990 to 2039.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    (0i64..18_262).prop_map(|d| date(1990, 1, 1) + Duration::days(d))
}

/// A zone and a date on which its clock changes (e.g. New York's second Sunday of March).
fn transition_day() -> impl Strategy<Value = (Tz, NaiveDate)> {
    (zone(), 1995i32..2039, any::<prop::sample::Index>()).prop_filter_map(
        "the zone changes its clock that year",
        |(zone, year, which)| {
            let days = transitions(zone, year);
            (!days.is_empty()).then(|| (zone, days[which.index(days.len())]))
        },
    )
}

/// A zone and a local date, half of them days on which the clock changes.
fn zone_and_day() -> impl Strategy<Value = (Tz, NaiveDate)> {
    prop_oneof![(zone(), any_date()), transition_day()]
}

proptest! {
    #![proptest_config(crate::config())]

    #[test]
    fn every_instant_of_a_local_work_day_maps_to_that_date(
        (zone, day) in zone_and_day(),
        share in 0u32..=1_000_000,
    ) {
        prop_assume!(
            !fold_crosses_midnight(day, zone) && !fold_crosses_midnight(day + Duration::days(1), zone)
        );
        let start = day_start(day, zone);
        let end = day_start(day + Duration::days(1), zone);
        let length = (end - start).num_seconds();
        prop_assert!(
            (22 * 3600..=26 * 3600).contains(&length),
            "{} in {} lasts {} s", day, zone, length
        );
        let at = start + Duration::seconds(length * i64::from(share) / 1_000_000);
        let at = if at == end { end - Duration::seconds(1) } else { at };
        prop_assert_eq!(work_date(at, zone), day, "{} in {}", at, zone);
        prop_assert_eq!(work_date(start, zone), day, "the first instant, {}", start);
        prop_assert_eq!(work_date(end - Duration::seconds(1), zone), day, "the last second");
        prop_assert!(work_date(start - Duration::seconds(1), zone) < day, "before it");
        prop_assert_eq!(work_date(end, zone), day + Duration::days(1), "after it");
    }

    #[test]
    fn the_same_local_wall_clock_time_derives_the_same_date_and_time(
        (zone, day) in zone_and_day(),
        hour in 0u32..24,
        minute in 0u32..60,
    ) {
        let time = NaiveTime::from_hms_opt(hour, minute, 0).expect("a time");
        let shown = format!("{hour:02}:{minute:02}");
        // Every instant the zone reads as that wall-clock time (two in a fold, none in a gap).
        let instants: Vec<DateTime<Utc>> = match zone.from_local_datetime(&day.and_time(time)) {
            LocalResult::Single(a) => vec![a.to_utc()],
            LocalResult::Ambiguous(a, b) => vec![a.to_utc(), b.to_utc()],
            LocalResult::None => vec![],
        };
        for at in &instants {
            prop_assert_eq!(work_date(*at, zone), day, "{} in {}", at, zone);
            prop_assert_eq!(local_time(*at, zone), shown.clone());
        }
        // The derivation back from the wall clock picks one of them (the earlier), or the first
        // minute after a gap, still on that date.
        let back = instant_of(day, time, zone);
        prop_assert_eq!(work_date(back, zone), day);
        match instants.first() {
            Some(first) => prop_assert_eq!(back, *first),
            None => {
                let after = back.with_timezone(&zone).time();
                prop_assert!(after > time, "{} after the gap at {}", after, time);
                prop_assert!(after - time <= chrono::TimeDelta::hours(3));
            }
        }
    }

    #[test]
    fn kathmandu_is_always_five_hours_forty_five_ahead(
        // 1990 to 2039: Nepal has kept +05:45 since 1986.
        seconds in 631_152_000i64..2_208_988_800,
    ) {
        let at = DateTime::from_timestamp(seconds, 0).expect("an instant");
        let local = at.naive_utc() + Duration::minutes(5 * 60 + 45);
        prop_assert_eq!(work_date(at, chrono_tz::Asia::Kathmandu), local.date());
        prop_assert_eq!(
            local_time(at, chrono_tz::Asia::Kathmandu),
            format!("{:02}:{:02}", local.hour(), local.minute())
        );
    }

    #[test]
    fn a_check_out_closes_today_or_a_shift_that_began_within_the_longest_shift(
        zone in zone(),
        seconds in 631_152_000i64..2_208_988_800,
        since in prop::option::of(0i64..40 * 3600),
        max_hours in 1i64..=24,
    ) {
        let at = DateTime::from_timestamp(seconds, 0).expect("an instant");
        let check_in = since.map(|s| at - Duration::seconds(s));
        let max_shift = Duration::hours(max_hours);
        let closed = closing_date(at, zone, check_in, max_shift);
        let today = work_date(at, zone);
        if closed != today {
            let check_in = check_in.expect("only an open shift closes another day");
            prop_assert_eq!(closed, work_date(check_in, zone));
            prop_assert!(closed < today);
            prop_assert!(at - check_in <= max_shift);
        }
    }
}
