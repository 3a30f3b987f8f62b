//! Leave requests in the item store.
//!
//! Each request is one item keyed by `leave_id`. The `employee` index (`company#employee`, by
//! `start_date`) serves "mine" and the overlap check; the `manager` index (`company#manager`, by
//! `created_at`) serves a manager's queue. Every index key starts with the company, so no query
//! reaches another company.
//!
//! **The overlap race.** Checking for overlap and then writing is two steps, so two overlapping
//! requests made at once could both pass the check. Each employee therefore has a *ledger* item
//! in the same table (`leave_id` = `ledger#company#employee`, without index attributes so no
//! index sees it) holding a version. A create reads the ledger, checks for overlap, then writes
//! the request and the ledger at version + 1 in one transaction conditional on the version it
//! read. Of two racing creates one transaction fails; that one reads again, sees the other's
//! request and is refused as a conflict (or lands, if the two do not overlap after all).
//! Creates of one employee are thereby serialised; other employees never contend. Cancelling or
//! rejecting need not touch the ledger: they only free dates, and nothing ever holds them again.
//!
//! Index queries are eventually consistent on DynamoDB, so a request written a moment ago may be
//! missing from the `employee` index. The ledger, read strongly, also lists the employee's latest
//! request ids; any of them the query did not return is read by key, so the check never misses
//! a recent request.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{Value, json};

use super::decision::Decision;
use super::policy::MAX_LEAVE_DAYS;
use super::request::LeaveRequest;
use super::status::{Actor, LeaveStatus};
use crate::calendar::{iso_date, sortable};
use crate::events::Month;
use crate::failure::Failure;
use crate::ports::{
    Condition, Cursor, Item, ItemStore, Key, Query, SortCondition, StoreError, Table, TxOp,
};
use crate::refusal::Refusal;

/// The `manager` index partition (after the company) of requests by someone without a manager,
/// which admins decide. Usernames hold no spaces, so it is nobody's username.
pub const NO_MANAGER: &str = "no manager";

/// Attempts at a write that lost a race, before telling the caller to retry.
const WRITE_ATTEMPTS: usize = 8;

/// Items read per page when the whole result is needed.
const PAGE: usize = 100;

/// Store pages a filtered listing reads at most to fill one page of results.
const FILL_ROUNDS: usize = 5;

/// How many of an employee's latest request ids the ledger keeps for the overlap check.
const RECENT: usize = 16;

fn employee_key(company_id: &str, employee: &str) -> String {
    format!("{company_id}#{employee}")
}

fn manager_key(company_id: &str, manager: Option<&str>) -> String {
    format!("{company_id}#{}", manager.unwrap_or(NO_MANAGER))
}

fn ledger_id(company_id: &str, employee: &str) -> String {
    format!("ledger#{company_id}#{employee}")
}

fn to_item(r: &LeaveRequest) -> Result<Item, StoreError> {
    let mut item = match serde_json::to_value(r) {
        Ok(Value::Object(map)) => map,
        Ok(_) => Item::new(),
        Err(e) => return Err(StoreError::Invalid(format!("leave request: {e}"))),
    };
    item.insert(
        "employee_key".into(),
        employee_key(&r.company_id, &r.employee).into(),
    );
    item.insert(
        "manager_key".into(),
        manager_key(&r.company_id, r.manager.as_deref()).into(),
    );
    // Fixed width, so the `manager` index orders by time.
    item.insert("created_at".into(), sortable(r.created_at).into());
    Ok(item)
}

fn from_item(mut item: Item) -> Result<LeaveRequest, StoreError> {
    item.remove("employee_key");
    item.remove("manager_key");
    serde_json::from_value(Value::Object(item))
        .map_err(|e| StoreError::Invalid(format!("stored leave request: {e}")))
}

/// The ledger's version (`None` before the employee's first request) and recent request ids.
fn read_ledger(item: Option<Item>) -> (Option<u64>, Vec<String>) {
    let Some(item) = item else {
        return (None, Vec::new());
    };
    let recent = item
        .get("recent")
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    (item.get("version").and_then(Value::as_u64), recent)
}

/// Leave request storage on the item-store port.
pub struct LeaveRepo<'a> {
    store: &'a dyn ItemStore,
}

impl<'a> LeaveRepo<'a> {
    pub fn new(store: &'a dyn ItemStore) -> Self {
        LeaveRepo { store }
    }

    /// The company's request `leave_id`; `None` for a missing one or another company's.
    pub async fn get(
        &self,
        company_id: &str,
        leave_id: &str,
    ) -> Result<Option<LeaveRequest>, StoreError> {
        // Generated ids hold no `#`; ledgers do.
        if leave_id.is_empty() || leave_id.contains('#') {
            return Ok(None);
        }
        let Some(item) = self
            .store
            .get(Table::LeaveRequests, &Key::of(leave_id))
            .await?
        else {
            return Ok(None);
        };
        let request = from_item(item)?;
        Ok((request.company_id == company_id).then_some(request))
    }

    /// Stores a new request unless it overlaps one of the employee's pending or approved
    /// requests (a conflict naming `startDate` and the request in the way). Safe under concurrent
    /// creates; see the module documentation.
    pub async fn create(&self, request: LeaveRequest) -> Result<LeaveRequest, Failure> {
        let ledger = ledger_id(&request.company_id, &request.employee);
        for _ in 0..WRITE_ATTEMPTS {
            let current = self
                .store
                .get(Table::LeaveRequests, &Key::of(&ledger))
                .await?;
            let (version, mut recent) = read_ledger(current);
            if let Some(clash) = self.first_clash(&request, &recent).await? {
                return Err(Refusal::conflict(format!(
                    "the leave overlaps your {} request {} from {} to {}",
                    clash.status.as_str(),
                    clash.leave_id,
                    iso_date(clash.start_date),
                    iso_date(clash.end_date)
                ))
                .with_field("startDate")
                .into());
            }
            recent.insert(0, request.leave_id.clone());
            recent.truncate(RECENT);
            let next_ledger = match json!({
                "leave_id": ledger,
                "version": version.unwrap_or(0) + 1,
                "recent": recent,
            }) {
                Value::Object(item) => item,
                _ => Item::new(),
            };
            let ops = vec![
                TxOp::Put {
                    table: Table::LeaveRequests,
                    item: to_item(&request)?,
                    condition: Condition::Absent,
                },
                TxOp::Put {
                    table: Table::LeaveRequests,
                    item: next_ledger,
                    condition: match version {
                        Some(v) => Condition::equals("version", v),
                        None => Condition::Absent,
                    },
                },
            ];
            match self.store.transact(ops).await {
                Ok(()) => return Ok(request),
                // Another request of this employee landed since the ledger was read: check again.
                Err(StoreError::ConditionFailed) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(
            Refusal::conflict("your leave requests are being changed by another request; retry")
                .into(),
        )
    }

    /// The first of the employee's requests holding dates that `request` wants.
    async fn first_clash(
        &self,
        request: &LeaveRequest,
        recent: &[String],
    ) -> Result<Option<LeaveRequest>, StoreError> {
        // A request overlapping this one starts no later than its end, and (being at most
        // MAX_LEAVE_DAYS long) no earlier than that many days before its start.
        let earliest = request.start_date - Duration::days(MAX_LEAVE_DAYS - 1);
        let range = SortCondition::Between(iso_date(earliest), iso_date(request.end_date));
        let mut seen = BTreeSet::new();
        let mut cursor = None;
        loop {
            let query = Query::index(
                "employee",
                employee_key(&request.company_id, &request.employee),
            )
            .sort(range.clone())
            .limit(PAGE)
            .after(cursor);
            let page = self.store.query(Table::LeaveRequests, &query).await?;
            for item in page.items {
                let other = from_item(item)?;
                if other.clashes_with(request) {
                    return Ok(Some(other));
                }
                seen.insert(other.leave_id);
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        // Recent requests the index may not show yet, read strongly by key.
        for id in recent.iter().filter(|id| !seen.contains(*id)) {
            if let Some(other) = self.get(&request.company_id, id).await?
                && other.employee == request.employee
                && other.clashes_with(request)
            {
                return Ok(Some(other));
            }
        }
        Ok(None)
    }

    /// Has `actor` take `action` on the company's request `leave_id` at `now` (`today` being the
    /// company's local date). The write is conditional on the status and version it decided on;
    /// when another decision got there first, it decides again on what that one left, so of
    /// racing decisions exactly one lands and the rest are refused as a conflict naming the new
    /// status.
    pub async fn transition(
        &self,
        company_id: &str,
        leave_id: &str,
        decision: &Decision,
        actor: &Actor,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<LeaveRequest, Failure> {
        for _ in 0..WRITE_ATTEMPTS {
            let current = self
                .get(company_id, leave_id)
                .await?
                .ok_or_else(|| Refusal::not_found("no such leave request"))?;
            let next = current.decide(decision, actor, today, now)?;
            let condition = Condition::Equals(vec![
                ("status".into(), current.status.as_str().into()),
                ("version".into(), current.version.into()),
            ]);
            match self
                .store
                .put(Table::LeaveRequests, to_item(&next)?, condition)
                .await
            {
                Ok(()) => return Ok(next),
                Err(StoreError::ConditionFailed) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(
            Refusal::conflict("the leave request is being changed by another request; retry")
                .into(),
        )
    }

    /// One page of the employee's own requests, latest start first, optionally in one status.
    pub async fn mine(
        &self,
        company_id: &str,
        employee: &str,
        status: Option<LeaveStatus>,
        limit: usize,
        cursor: Option<Cursor>,
    ) -> Result<(Vec<LeaveRequest>, Option<Cursor>), StoreError> {
        let query = Query::index("employee", employee_key(company_id, employee)).descending();
        self.filtered(query, limit, cursor, |r| {
            status.is_none_or(|s| r.status == s)
        })
        .await
    }

    /// One page of the requests `manager` decides (pass [`NO_MANAGER`] for those of staff without
    /// a manager), newest first, optionally in one status and touching one month. The filters
    /// apply to what the key query returns, so a page may hold fewer than `limit` with more to
    /// follow; the cursor says so.
    pub async fn team(
        &self,
        company_id: &str,
        manager: &str,
        status: Option<LeaveStatus>,
        month: Option<Month>,
        limit: usize,
        cursor: Option<Cursor>,
    ) -> Result<(Vec<LeaveRequest>, Option<Cursor>), StoreError> {
        let manager = (manager != NO_MANAGER).then_some(manager);
        let query = Query::index("manager", manager_key(company_id, manager)).descending();
        self.filtered(query, limit, cursor, |r| {
            status.is_none_or(|s| r.status == s)
                && month.is_none_or(|m| m.overlaps(r.start_date, r.end_date))
        })
        .await
    }

    /// Up to `limit` requests of `query` that `keep` accepts, reading further store pages (at
    /// most [`FILL_ROUNDS`]) while the page is short. The cursor returned is the store's own after
    /// the last item read, so nothing is skipped or repeated.
    async fn filtered(
        &self,
        query: Query,
        limit: usize,
        mut cursor: Option<Cursor>,
        keep: impl Fn(&LeaveRequest) -> bool,
    ) -> Result<(Vec<LeaveRequest>, Option<Cursor>), StoreError> {
        let limit = limit.max(1);
        let mut found = Vec::new();
        for _ in 0..FILL_ROUNDS {
            let page = self
                .store
                .query(
                    Table::LeaveRequests,
                    &query.clone().limit(limit - found.len()).after(cursor),
                )
                .await?;
            for item in page.items {
                let request = from_item(item)?;
                if keep(&request) {
                    found.push(request);
                }
            }
            cursor = page.next;
            if found.len() >= limit || cursor.is_none() {
                break;
            }
        }
        Ok((found, cursor))
    }
}
