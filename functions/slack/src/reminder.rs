//! checkout-reminder: run on a schedule (every 15 minutes in AWS), it messages on Slack, once,
//! everyone whose day is still open after their company's work day ended in its own zone.
//!
//! Open days are found on the sparse `open` index by local work date. Zones run from UTC−12 to
//! UTC+14, so the UTC dates of yesterday, today and tomorrow hold every company's "today"; each
//! day is then checked against its own company's end of work.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Days, Duration};
use domain::attendance::{AttendanceDay, AttendanceRepo};
use domain::calendar::iso_date;
use domain::calendar::{instant_of, local_time};
use domain::clock::Clock;
use domain::company::{Company, CompanyRepo};
use domain::idempotency::once_key;
use domain::ports::{ChatPoster, ItemStore, StoreError, Table};
use domain::roster::RosterRepo;
use edge::delivery::{self, OnceError};
use edge::slack::messages;

/// Tables the reminder reads or writes.
pub const REMINDER_TABLES: [Table; 4] = [
    Table::Companies,
    Table::Employees,
    Table::Attendance,
    Table::Idempotency,
];

/// Longer than one post takes.
const LEASE: i64 = 60;

/// What one run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reminded {
    /// Reminders posted, or found already posted by an earlier run.
    pub reminded: usize,
    /// Open days whose work day has not ended yet.
    pub not_yet: usize,
    /// Open days of people with no Slack link (or no longer active).
    pub unreachable: usize,
    /// Posts that failed; the next run tries them again.
    pub failed: usize,
}

/// Everything the reminder needs, built once at init.
#[derive(Clone)]
pub struct CheckoutReminder {
    pub store: Arc<dyn ItemStore>,
    pub chat: Arc<dyn ChatPoster>,
    pub clock: Arc<dyn Clock>,
}

impl CheckoutReminder {
    /// One pass over the open days; a failed post does not stop the others.
    pub async fn run(&self) -> Result<Reminded, StoreError> {
        let now = self.clock.now();
        let today = now.date_naive();
        let dates = [
            today.checked_sub_days(Days::new(1)),
            Some(today),
            today.checked_add_days(Days::new(1)),
        ];
        let mut companies: BTreeMap<String, Option<Company>> = BTreeMap::new();
        let mut done = Reminded::default();
        for date in dates.into_iter().flatten() {
            for day in AttendanceRepo::new(self.store.as_ref())
                .open_on(date)
                .await?
            {
                if !companies.contains_key(&day.company_id) {
                    let company = CompanyRepo::new(self.store.as_ref())
                        .get(&day.company_id)
                        .await?;
                    companies.insert(day.company_id.clone(), company);
                }
                let Some(Some(company)) = companies.get(&day.company_id) else {
                    continue;
                };
                self.consider(company, &day, &mut done).await?;
            }
        }
        // Quiet when there was nothing to do: the schedule runs all day.
        if done == Reminded::default() {
            tracing::debug!("check-out reminders: no open day");
        } else {
            tracing::info!(?done, "check-out reminders");
        }
        Ok(done)
    }

    async fn consider(
        &self,
        company: &Company,
        day: &AttendanceDay,
        done: &mut Reminded,
    ) -> Result<(), StoreError> {
        let zone = company.profile.tz();
        let (Some(date), Some(end), Some(check_in)) = (
            day.date(),
            company.profile.work_hours.end_time(),
            day.check_in.as_ref(),
        ) else {
            return Ok(());
        };
        let end_of_day = instant_of(date, end, zone);
        // Before the end, or a check-in after hours (overtime is no forgotten check-out).
        if self.clock.now() < end_of_day || check_in.at >= end_of_day {
            done.not_yet += usize::from(self.clock.now() < end_of_day);
            return Ok(());
        }
        let person = RosterRepo::new(self.store.as_ref())
            .get(&day.company_id, &day.username)
            .await?;
        let Some(slack) = person
            .filter(|p| p.is_active())
            .and_then(|p| p.slack_user_id)
        else {
            done.unreachable += 1;
            return Ok(());
        };
        let message =
            messages::checkout_reminder(&slack, &iso_date(date), &local_time(check_in.at, zone));
        let key = once_key(
            "checkout-reminder",
            &format!("{}/{}/{}", day.company_id, day.work_date, day.username),
        );
        let (store, chat) = (self.store.as_ref(), self.chat.as_ref());
        let lease = Duration::seconds(LEASE);
        let sent = delivery::post_once(store, chat, &key, self.clock.now(), lease, &message).await;
        match sent {
            Ok(()) => done.reminded += 1,
            Err(OnceError::Store(e)) => return Err(e),
            Err(e) => {
                tracing::warn!(error = %e, username = %day.username, "check-out reminder not sent; the next run retries");
                done.failed += 1;
            }
        }
        Ok(())
    }
}
