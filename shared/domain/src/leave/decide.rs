//! The one way a leave request changes state, whether the click came over REST or from a Slack
//! button: the actor's role from the roster (not from the caller's say-so), the company's own
//! today, and the conditional transition.

use chrono::{DateTime, Utc};

use super::decision::Decision;
use super::repo::LeaveRepo;
use super::request::LeaveRequest;
use super::status::Actor;
use crate::calendar::work_date;
use crate::company::members;
use crate::failure::Failure;
use crate::ports::ItemStore;

/// Has the active staff member `username` of `tenant` take `decision` on the request `leave_id`.
pub async fn decide(
    store: &dyn ItemStore,
    tenant: &str,
    leave_id: &str,
    decision: &Decision,
    username: &str,
    now: DateTime<Utc>,
) -> Result<LeaveRequest, Failure> {
    let me = members::active_self(store, tenant, username).await?;
    let company = members::company(store, tenant).await?;
    let today = work_date(now, company.profile.tz());
    let actor = Actor {
        username: me.username,
        role: me.role,
    };
    LeaveRepo::new(store)
        .transition(tenant, leave_id, decision, &actor, today, now)
        .await
}
