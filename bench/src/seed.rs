//! The data the in-process benches and the scaling harness work on, built with the product's own
//! repositories and types: a company in Kathmandu, its staff, months of attended work days, and
//! a question bank.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Asia::Kathmandu;
use domain::attendance::{AttendanceDay, AttendanceRepo, Punch};
use domain::calendar::instant_of;
use domain::company::{CompanyProfile, CompanyRepo, Registration, WorkHours};
use domain::exam::{QuestionKind, QuestionRepo};
use domain::ports::{ItemStore, StoreError};
use domain::roster::{RosterEntry, StaffRole};

use crate::batch_seed::Recorder;

/// The fixtures' moment (`events/`): Wednesday 25 November 2026, 04:15 in Kathmandu.
pub const NOW: &str = "2026-11-24T22:30:00Z";

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("an RFC 3339 instant")
        .with_timezone(&Utc)
}

/// Registers `company_id` (Asia/Kathmandu, 09:00–17:00, Monday to Friday) owned by `admin`.
pub async fn company(store: &dyn ItemStore, company_id: &str, admin: &str) -> Result<(), String> {
    CompanyRepo::new(store)
        .register(&Registration {
            company_id: company_id.into(),
            owner_sub: format!("s-{admin}"),
            owner_username: admin.into(),
            owner_email: Some(admin.into()),
            profile: CompanyProfile {
                name: company_id.into(),
                time_zone: "Asia/Kathmandu".into(),
                work_hours: WorkHours {
                    end: "17:00".into(),
                    ..WorkHours::default()
                },
            },
            at: utc(NOW),
        })
        .await
        .map(|_| ())
        .map_err(|e| format!("registering {company_id}: {e}"))
}

/// An active roster entry; their email is `<username>@<company>.bench`.
pub fn staff(company_id: &str, username: &str, role: StaffRole, manager: &str) -> RosterEntry {
    let email = format!("{username}@{company_id}.bench");
    testkit::active_staff(
        company_id,
        (username, &email),
        role,
        Some(manager),
        utc(NOW),
    )
}

/// Monday to Friday of `month` (`YYYY-MM`): 22 days in October 2026.
pub fn weekdays(month: &str) -> Vec<NaiveDate> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").expect("YYYY-MM");
    first
        .iter_days()
        .take_while(|d| d.month() == first.month())
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect()
}

fn punch(date: NaiveDate, hh_mm: &str, photo: &str) -> Punch {
    let time = NaiveTime::parse_from_str(hh_mm, "%H:%M").expect("HH:MM");
    Punch {
        at: instant_of(date, time, Kathmandu),
        similarity: 97.5,
        photo_key: photo.into(),
    }
}

/// Records, as the attendance repo writes them, `username`'s closed days (in 08:55, out 17:05)
/// for every weekday of `month`.
pub async fn worked_month(
    recorder: &Recorder,
    company_id: &str,
    username: &str,
    month: &str,
) -> Result<(), StoreError> {
    let repo = AttendanceRepo::new(recorder);
    for date in weekdays(month) {
        let key = format!("attendance/{company_id}/{username}/{date}");
        let opened = AttendanceDay::checked_in(
            company_id,
            username,
            date,
            punch(date, "08:55", &format!("{key}/in.jpg")),
        );
        repo.check_out(&opened, punch(date, "17:05", &format!("{key}/out.jpg")))
            .await?;
    }
    Ok(())
}

/// Records question `n` of `category` (single choice, four options, the second one right).
pub async fn question(recorder: &Recorder, n: usize, category: &str) -> Result<(), StoreError> {
    let draft = testkit::question_draft(
        &format!("Question {n} about {category}: which option is right?"),
        QuestionKind::Single,
        category,
        2,
        &[false, true, false, false],
    );
    QuestionRepo::new(recorder)
        .create(format!("q-{category}-{n:05}"), draft, utc(NOW))
        .await
        .map(|_| ())
}
