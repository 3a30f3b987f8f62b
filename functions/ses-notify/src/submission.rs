//! Which stream records are submissions: an attempt whose new image is `submitted` and whose old
//! image was not (so saves, re-reads and later writes to a submitted attempt mail nobody), and
//! which was not anonymised: an erased applicant's overdue attempt is graded as it is kept, and
//! nobody is to hear of them again.

use aws_lambda_events::event::dynamodb::EventRecord;
use domain::exam::{Attempt, AttemptStatus};

/// A submitted attempt, as the stream delivered it.
#[derive(Debug)]
pub struct Submission {
    pub attempt: Attempt,
}

fn status(image: &serde_dynamo::Item) -> Option<String> {
    match image.get("status") {
        Some(serde_dynamo::AttributeValue::S(s)) => Some(s.clone()),
        _ => None,
    }
}

impl Submission {
    /// `Ok(None)` for records that are not a submission; `Err` for one that cannot be read.
    pub fn from_record(record: &EventRecord) -> Result<Option<Submission>, String> {
        if !matches!(record.event_name.as_str(), "INSERT" | "MODIFY") {
            return Ok(None);
        }
        let submitted = AttemptStatus::Submitted.as_str();
        let now = status(&record.change.new_image);
        let before = status(&record.change.old_image);
        if now.as_deref() != Some(submitted) || before.as_deref() == Some(submitted) {
            return Ok(None);
        }
        let attempt: Attempt = serde_dynamo::from_item(record.change.new_image.clone())
            .map_err(|e| format!("new image is not an attempt: {e}"))?;
        if attempt.anonymised_at.is_some() {
            return Ok(None);
        }
        if attempt.grade.is_none() {
            return Err("a submitted attempt without a grade".into());
        }
        Ok(Some(Submission { attempt }))
    }
}
