//! Which LeaveRequests stream records concern people: a request made (inserted pending), and a
//! status change (decided or cancelled). Other writes, and the per-employee ledger items that
//! share the table, notify nobody.

use aws_lambda_events::event::dynamodb::EventRecord;
use domain::leave::{LeaveRequest, LeaveStatus};
use serde_dynamo::{AttributeValue, Item};

/// A change somebody must hear about.
#[derive(Debug, PartialEq)]
pub enum Change {
    /// A new pending request, for its approvers.
    Requested(LeaveRequest),
    /// The request moved on from `before`; `after` is how it stands now.
    Moved {
        before: LeaveStatus,
        after: LeaveRequest,
    },
}

fn text<'a>(image: &'a Item, name: &str) -> Option<&'a str> {
    match image.get(name) {
        Some(AttributeValue::S(s)) => Some(s),
        _ => None,
    }
}

fn status(image: &Item) -> Result<Option<LeaveStatus>, String> {
    text(image, "status")
        .map(|s| LeaveStatus::parse("status", s).map_err(|e| e.detail))
        .transpose()
}

impl Change {
    /// `Ok(None)` for records nobody is told about; `Err` for one that cannot be read.
    pub fn from_record(record: &EventRecord) -> Result<Option<Change>, String> {
        if !matches!(record.event_name.as_str(), "INSERT" | "MODIFY") {
            return Ok(None);
        }
        let image = &record.change.new_image;
        match text(image, "leave_id") {
            None => return Err("a leave record without a leave_id".into()),
            Some(id) if id.starts_with("ledger#") => return Ok(None),
            Some(_) => {}
        }
        let before = status(&record.change.old_image)?;
        let now = status(image)?;
        if now.is_none() || before == now {
            return Ok(None);
        }
        // The index attributes the repository adds are simply not fields of the request.
        let request: LeaveRequest = serde_dynamo::from_item(image.clone())
            .map_err(|e| format!("new image is not a leave request: {e}"))?;
        Ok(Some(match before {
            None if request.status == LeaveStatus::Pending => Change::Requested(request),
            None => return Err("a leave request created other than pending".into()),
            Some(before) => Change::Moved {
                before,
                after: request,
            },
        }))
    }
}
