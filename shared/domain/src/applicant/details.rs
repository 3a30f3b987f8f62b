//! An applicant's personal details as they write them (`PUT /applicants/me`), and the rules
//! those must satisfy.

use std::ops::RangeInclusive;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::contact::{email_domain, is_e164};
use crate::refusal::Refusal;

/// Most education entries an applicant may list.
pub const MAX_EDUCATION: usize = 10;

/// Graduation years accepted, past or expected.
const GRADUATION_YEARS: RangeInclusive<i64> = 1950..=2100;

/// How much of their time an applicant offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Commitment {
    FullTime,
    PartTime,
    Internship,
}

/// When and how an applicant can start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Availability {
    /// First day they can start, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(format = Date, example = "2027-01-04"))]
    pub start_date: String,
    pub commitment: Commitment,
}

/// One school or university attended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Education {
    pub institution: String,
    pub degree: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_of_study: Option<String>,
    /// Year of graduation, past or expected.
    pub graduation_year: i64,
}

/// Everything an applicant tells about themselves; replaced whole by each `PUT`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Details {
    pub first_name: String,
    pub last_name: String,
    /// Where recruiters write to; the account's own address when not given.
    #[serde(default)]
    pub email: Option<String>,
    /// E.164, such as `+9779812345678`.
    #[cfg_attr(feature = "openapi", schema(example = "+9779812345678"))]
    pub phone: String,
    #[serde(default)]
    pub education: Vec<Education>,
    pub availability: Availability,
}

/// `value` trimmed, if it has 1 to `max` characters and no control characters.
fn text(field: &str, value: &str, max: usize) -> Result<String, Refusal> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(Refusal::invalid(
            field,
            format!("needs 1 to {max} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Refusal::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_string())
}

/// A calendar date written exactly `YYYY-MM-DD`.
fn iso_date(value: &str) -> Option<NaiveDate> {
    let shaped = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shaped
        .then(|| NaiveDate::parse_from_str(value, "%Y-%m-%d").ok())
        .flatten()
}

impl Education {
    fn validated(self, at: &str) -> Result<Education, Refusal> {
        let field = |name: &str| format!("{at}.{name}");
        let institution = text(&field("institution"), &self.institution, 200)?;
        let degree = text(&field("degree"), &self.degree, 100)?;
        let field_of_study = match self.field_of_study.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(f) => Some(text(&field("fieldOfStudy"), f, 100)?),
        };
        if !GRADUATION_YEARS.contains(&self.graduation_year) {
            return Err(Refusal::invalid(
                field("graduationYear"),
                format!(
                    "use a year from {} to {}",
                    GRADUATION_YEARS.start(),
                    GRADUATION_YEARS.end()
                ),
            ));
        }
        Ok(Education {
            institution,
            degree,
            field_of_study,
            graduation_year: self.graduation_year,
        })
    }
}

impl Details {
    /// Checks every rule, naming the offending field, and returns the details trimmed, with the
    /// email defaulting to `account_email` (the token's).
    pub fn validated(self, account_email: Option<&str>) -> Result<Details, Refusal> {
        let first_name = text("firstName", &self.first_name, 100)?;
        let last_name = text("lastName", &self.last_name, 100)?;
        let email = match self.email.as_deref().map(str::trim) {
            Some(given) if email_domain(given).is_some() => Some(given.to_string()),
            Some(_) => {
                return Err(Refusal::invalid(
                    "email",
                    "not a valid email address; leave it out to use your account's",
                ));
            }
            None => account_email
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_string),
        };
        let phone = self.phone.trim().to_string();
        if !is_e164(&phone) {
            return Err(Refusal::invalid(
                "phone",
                "use the international E.164 form: `+`, the country code and the number, digits only (e.g. +9779812345678)",
            ));
        }
        if self.education.len() > MAX_EDUCATION {
            return Err(Refusal::invalid(
                "education",
                format!("list at most {MAX_EDUCATION} entries"),
            ));
        }
        let education = self
            .education
            .into_iter()
            .enumerate()
            .map(|(i, e)| e.validated(&format!("education[{i}]")))
            .collect::<Result<_, _>>()?;
        if iso_date(self.availability.start_date.trim()).is_none() {
            return Err(Refusal::invalid(
                "availability.startDate",
                "use a calendar date written YYYY-MM-DD",
            ));
        }
        Ok(Details {
            first_name,
            last_name,
            email,
            phone,
            education,
            availability: Availability {
                start_date: self.availability.start_date.trim().to_string(),
                commitment: self.availability.commitment,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::refusal::RefusalKind;

    fn form(edit: impl FnOnce(&mut Value)) -> Details {
        let mut v = json!({
            "firstName": "  Sita ", "lastName": "Rai", "email": null, "phone": "+9779812345678",
            "education": [
                {"institution": "Tribhuvan University", "degree": "BSc CSIT", "fieldOfStudy": null, "graduationYear": 2025},
                {"institution": "Kathmandu University", "degree": "MSc", "fieldOfStudy": " ", "graduationYear": 2027}
            ],
            "availability": {"startDate": "2026-12-01", "commitment": "internship"}
        });
        edit(&mut v);
        serde_json::from_value(v).unwrap()
    }

    fn refusal(details: Details) -> (RefusalKind, String) {
        let e = details.validated(Some("sita@example.com")).unwrap_err();
        (e.kind, e.field.unwrap_or_default())
    }

    #[test]
    fn valid_details_are_trimmed_and_take_the_account_email() {
        let d = form(|_| {}).validated(Some("sita@example.com")).unwrap();
        assert_eq!(d.first_name, "Sita");
        assert_eq!(d.email.as_deref(), Some("sita@example.com"));
        assert_eq!(d.education[1].field_of_study, None, "blank means none");
        let own = form(|v| v["email"] = json!(" sita.rai@work.example "))
            .validated(Some("sita@example.com"))
            .unwrap();
        assert_eq!(own.email.as_deref(), Some("sita.rai@work.example"));
    }

    #[test]
    fn each_broken_rule_names_its_field() {
        let school = form(|_| {}).education[0].clone();
        let cases = [
            ("/firstName", json!("   "), "firstName"),
            ("/lastName", json!("x".repeat(101)), "lastName"),
            ("/email", json!("sita@"), "email"),
            ("/phone", json!("9812345678"), "phone"),
            (
                "/education/1/graduationYear",
                json!(1949),
                "education[1].graduationYear",
            ),
            (
                "/education/0/institution",
                json!(""),
                "education[0].institution",
            ),
            (
                "/education/0/fieldOfStudy",
                json!("f".repeat(101)),
                "education[0].fieldOfStudy",
            ),
            (
                "/availability/startDate",
                json!("2026-02-30"),
                "availability.startDate",
            ),
            ("/education", json!(vec![school; 11]), "education"),
        ];
        for (pointer, value, field) in cases {
            let details = form(|v| *v.pointer_mut(pointer).unwrap() = value);
            assert_eq!(
                refusal(details),
                (RefusalKind::Invalid, field.to_string()),
                "{pointer}"
            );
        }
    }

    #[test]
    fn start_dates_are_strict_calendar_dates() {
        assert!(iso_date("2028-02-29").is_some());
        for bad in [
            "2027-02-29",
            "2026-1-05",
            "01-12-2026",
            "2026/12/01",
            "+2026-12-1",
        ] {
            assert_eq!(iso_date(bad), None, "{bad}");
        }
    }
}
