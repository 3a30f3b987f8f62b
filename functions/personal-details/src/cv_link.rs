//! A CV as a reader with the right to it sees it: its state and, only while what arrived is a
//! real PDF, a short-lived download link (anything else uploaded is never handed out).

use std::time::Duration;

use domain::applicant::ResumeState;
use edge::ApiError;
use serde_json::Value;

use crate::{PersonalDetails, views};

/// How long a CV link stays valid.
const CV_LINK_TTL: Duration = Duration::from_secs(5 * 60);

/// The view of the CV under `key` (none if no upload was asked for), with its link.
pub async fn linked_resume(app: &PersonalDetails, key: Option<&str>) -> Result<Value, ApiError> {
    let state = ResumeState::inspect(app.blobs.as_ref(), key).await?;
    let link = match (state, key) {
        (ResumeState::Uploaded { .. }, Some(key)) => Some((
            app.blobs.presign_get(key, CV_LINK_TTL).await?,
            CV_LINK_TTL.as_secs(),
        )),
        _ => None,
    };
    Ok(views::resume(state, link))
}
