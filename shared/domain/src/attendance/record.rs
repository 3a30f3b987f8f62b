//! One person's attendance on one work date (Attendance table): at most one check-in and one
//! check-out, each with the similarity its selfie scored and where the photo is kept.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A verified punch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Punch {
    pub at: DateTime<Utc>,
    /// Face similarity 0–100 against the enrolled reference.
    pub similarity: f32,
    /// Blob key of the normalised selfie (admins may get a short-lived link).
    pub photo_key: String,
}

/// Which punch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum PunchKind {
    CheckIn,
    CheckOut,
}

impl PunchKind {
    /// `in` or `out`, as the photo route's `kind` parameter and blob keys say it.
    pub fn short(self) -> &'static str {
        match self {
            PunchKind::CheckIn => "in",
            PunchKind::CheckOut => "out",
        }
    }
}

/// The stored day. Keys: `person` = `company#username`, `work_date` = `YYYY-MM-DD`; the
/// `company_month` index (`company#YYYY-MM`, `username#date`) serves the company's month, and
/// the sparse `open` index (`open_on` = the date, while no check-out closed it) the reminder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttendanceDay {
    pub person: String,
    pub work_date: String,
    pub company_month: String,
    pub person_date: String,
    pub company_id: String,
    pub username: String,
    pub check_in: Option<Punch>,
    pub check_out: Option<Punch>,
    pub version: u64,
    /// The work date while the day is open; absent once checked out, so it leaves the index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_on: Option<String>,
}

/// The partition key of a person's days.
pub fn person_key(company_id: &str, username: &str) -> String {
    format!("{company_id}#{username}")
}

impl AttendanceDay {
    /// The day opened by a verified check-in.
    pub fn checked_in(company_id: &str, username: &str, date: NaiveDate, punch: Punch) -> Self {
        let date = date.format("%Y-%m-%d").to_string();
        AttendanceDay {
            person: person_key(company_id, username),
            company_month: format!("{company_id}#{}", &date[..7]),
            person_date: format!("{username}#{date}"),
            open_on: Some(date.clone()),
            work_date: date,
            company_id: company_id.to_string(),
            username: username.to_string(),
            check_in: Some(punch),
            check_out: None,
            version: 1,
        }
    }

    pub fn date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.work_date, "%Y-%m-%d").ok()
    }

    pub fn punch(&self, kind: PunchKind) -> Option<&Punch> {
        match kind {
            PunchKind::CheckIn => self.check_in.as_ref(),
            PunchKind::CheckOut => self.check_out.as_ref(),
        }
    }
}
