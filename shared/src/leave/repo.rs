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

use super::policy::MAX_LEAVE_DAYS;
use super::request::LeaveRequest;
use super::status::{Actor, LeaveAction, LeaveStatus};
use crate::events::{Month, iso_date};
use crate::exam::sortable;
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
        action: LeaveAction,
        actor: &Actor,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<LeaveRequest, Failure> {
        for _ in 0..WRITE_ATTEMPTS {
            let current = self
                .get(company_id, leave_id)
                .await?
                .ok_or_else(|| Refusal::not_found("no such leave request"))?;
            let next = current.decide(action, actor, today, now)?;
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

#[cfg(all(test, feature = "embedded"))]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use async_trait::async_trait;
    use tokio::sync::Barrier;

    use super::*;
    use crate::adapters::embedded::SqliteStore;
    use crate::company::Weekday;
    use crate::leave::{HalfDay, LeaveDraft, LeaveType};
    use crate::ports::Page;
    use crate::refusal::RefusalKind;
    use crate::roster::{EmploymentStatus, RosterEntry, StaffRole};

    const WEEK: [Weekday; 5] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];

    fn sqlite() -> SqliteStore {
        SqliteStore::open(&crate::fixtures::temp_dir("leave").join("t.sqlite3")).unwrap()
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap() + Duration::minutes(minute)
    }

    fn staff(company: &str, username: &str, manager: Option<&str>) -> RosterEntry {
        RosterEntry {
            company_id: company.into(),
            username: username.into(),
            sub: format!("sub-{username}"),
            email: format!("{username}@example.com"),
            role: StaffRole::Employee,
            manager: manager.map(str::to_string),
            status: EmploymentStatus::Active,
            created_at: at(0),
            name: None,
            face_id: None,
            version: 1,
            offboarded_at: None,
            slack_user_id: None,
        }
    }

    fn leave(id: &str, who: &RosterEntry, start: NaiveDate, end: NaiveDate) -> LeaveRequest {
        halves(id, who, start, end, None, None)
    }

    fn halves(
        id: &str,
        who: &RosterEntry,
        start: NaiveDate,
        end: NaiveDate,
        start_half: Option<HalfDay>,
        end_half: Option<HalfDay>,
    ) -> LeaveRequest {
        let draft = LeaveDraft {
            leave_type: LeaveType::Annual,
            start_date: start,
            end_date: end,
            start_half,
            end_half,
            reason: "Away".into(),
        };
        // Each request made later than the one before, so the `manager` index order is the
        // order of the calls.
        static MINUTE: AtomicI64 = AtomicI64::new(10);
        let minute = MINUTE.fetch_add(1, Ordering::SeqCst);
        LeaveRequest::new(id.into(), who, draft, &WEEK, &BTreeSet::new(), at(minute)).unwrap()
    }

    fn boss() -> Actor {
        Actor {
            username: "boss".into(),
            role: StaffRole::Manager,
        }
    }

    fn emp_actor() -> Actor {
        Actor {
            username: "emp".into(),
            role: StaffRole::Employee,
        }
    }

    /// Makes the first `n` callers wait for each other, so all of them have done what came
    /// before before any goes on: the interleaving a race needs, made certain.
    struct Rendezvous {
        barrier: Barrier,
        left: AtomicUsize,
    }

    impl Rendezvous {
        fn new(n: usize) -> Self {
            Rendezvous {
                barrier: Barrier::new(n.max(1)),
                left: AtomicUsize::new(n),
            }
        }
        async fn meet(&self) {
            let mine = self
                .left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| l.checked_sub(1))
                .is_ok();
            if mine {
                self.barrier.wait().await;
            }
        }
    }

    /// SQLite with staged timing: a rendezvous after reads by key and after index queries, and
    /// an index that lags (leave ids in `unindexed` are missing from index queries, as a write
    /// not yet propagated to a DynamoDB GSI).
    struct Staged {
        inner: SqliteStore,
        gets: Rendezvous,
        queries: Rendezvous,
        unindexed: Mutex<BTreeSet<String>>,
    }

    impl Staged {
        fn new(gets: usize, queries: usize) -> Self {
            Staged {
                inner: sqlite(),
                gets: Rendezvous::new(gets),
                queries: Rendezvous::new(queries),
                unindexed: Mutex::new(BTreeSet::new()),
            }
        }
    }

    #[async_trait]
    impl ItemStore for Staged {
        async fn get(&self, table: Table, key: &Key) -> Result<Option<Item>, StoreError> {
            let item = self.inner.get(table, key).await;
            self.gets.meet().await;
            item
        }
        async fn put(
            &self,
            table: Table,
            item: Item,
            condition: Condition,
        ) -> Result<(), StoreError> {
            self.inner.put(table, item, condition).await
        }
        async fn delete(
            &self,
            table: Table,
            key: &Key,
            condition: Condition,
        ) -> Result<(), StoreError> {
            self.inner.delete(table, key, condition).await
        }
        async fn query(&self, table: Table, query: &Query) -> Result<Page, StoreError> {
            let page = self.inner.query(table, query).await;
            self.queries.meet().await;
            let mut page = page?;
            if query.index.is_some() {
                let hidden = self.unindexed.lock().unwrap().clone();
                page.items
                    .retain(|i| !hidden.contains(i["leave_id"].as_str().unwrap_or_default()));
            }
            Ok(page)
        }
        async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
            self.inner.transact(ops).await
        }
    }

    #[tokio::test]
    async fn a_created_request_reads_back_only_within_its_company() {
        let store = sqlite();
        let repo = LeaveRepo::new(&store);
        let emp = staff("c1", "emp", Some("boss"));
        let created = repo
            .create(leave("l1", &emp, day(3, 9), day(3, 11)))
            .await
            .unwrap();
        assert_eq!(repo.get("c1", "l1").await.unwrap(), Some(created));
        assert_eq!(repo.get("c2", "l1").await.unwrap(), None);
        assert_eq!(repo.get("c1", "ledger#c1#emp").await.unwrap(), None);
        assert_eq!(repo.get("c1", "nope").await.unwrap(), None);
    }

    #[tokio::test]
    async fn an_overlapping_request_is_refused_naming_the_one_in_the_way() {
        let store = sqlite();
        let repo = LeaveRepo::new(&store);
        let emp = staff("c1", "emp", Some("boss"));
        repo.create(leave("l1", &emp, day(3, 9), day(3, 13)))
            .await
            .unwrap();
        for (id, start, end) in [
            ("inside", day(3, 10), day(3, 10)),
            ("around", day(3, 2), day(3, 20)),
            ("tail", day(3, 13), day(3, 17)),
            ("head", day(3, 5), day(3, 9)),
        ] {
            let err = repo
                .create(leave(id, &emp, start, end))
                .await
                .unwrap_err()
                .refused();
            assert_eq!(err.kind, RefusalKind::Conflict, "{id}");
            assert_eq!(err.field.as_deref(), Some("startDate"));
            assert!(
                err.detail.contains("l1") && err.detail.contains("pending"),
                "{}",
                err.detail
            );
            assert_eq!(repo.get("c1", id).await.unwrap(), None, "nothing written");
        }
        // Adjacent, another employee, or the same dates in another company: all fine.
        repo.create(leave("next", &emp, day(3, 16), day(3, 17)))
            .await
            .unwrap();
        let peer = staff("c1", "peer", Some("boss"));
        repo.create(leave("peer", &peer, day(3, 9), day(3, 13)))
            .await
            .unwrap();
        let twin = staff("c2", "emp", Some("boss"));
        repo.create(leave("twin", &twin, day(3, 9), day(3, 13)))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn halves_of_one_day_can_be_taken_by_two_requests() {
        let store = sqlite();
        let repo = LeaveRepo::new(&store);
        let emp = staff("c1", "emp", Some("boss"));
        let (m, a) = (Some(HalfDay::Morning), Some(HalfDay::Afternoon));
        repo.create(halves("am", &emp, day(3, 9), day(3, 11), None, m))
            .await
            .unwrap();
        repo.create(halves("pm", &emp, day(3, 11), day(3, 12), a, None))
            .await
            .unwrap();
        let err = repo
            .create(halves("again", &emp, day(3, 11), day(3, 11), m, None))
            .await
            .unwrap_err()
            .refused();
        assert_eq!(err.kind, RefusalKind::Conflict);
    }

    #[tokio::test]
    async fn a_long_leave_that_started_long_ago_is_still_found() {
        let store = sqlite();
        let repo = LeaveRepo::new(&store);
        let emp = staff("c1", "emp", Some("boss"));
        // Starts almost a year before the new one and runs into it.
        let long = leave("long", &emp, day(1, 5), day(12, 31));
        assert_eq!((long.end_date - long.start_date).num_days() + 1, 361);
        repo.create(long).await.unwrap();
        let err = repo
            .create(leave("late", &emp, day(12, 28), day(12, 30)))
            .await
            .unwrap_err()
            .refused();
        assert_eq!(err.kind, RefusalKind::Conflict);
    }

    #[tokio::test]
    async fn cancelled_and_rejected_requests_free_their_dates() {
        let store = sqlite();
        let repo = LeaveRepo::new(&store);
        let emp = staff("c1", "emp", Some("boss"));
        repo.create(leave("a", &emp, day(3, 9), day(3, 10)))
            .await
            .unwrap();
        repo.transition(
            "c1",
            "a",
            LeaveAction::Cancel,
            &emp_actor(),
            day(3, 1),
            at(1),
        )
        .await
        .unwrap();
        repo.create(leave("b", &emp, day(3, 9), day(3, 10)))
            .await
            .unwrap();
        repo.transition("c1", "b", LeaveAction::Reject, &boss(), day(3, 1), at(2))
            .await
            .unwrap();
        repo.create(leave("c", &emp, day(3, 9), day(3, 10)))
            .await
            .unwrap();
        repo.transition("c1", "c", LeaveAction::Approve, &boss(), day(3, 1), at(3))
            .await
            .unwrap();
        let err = repo
            .create(leave("d", &emp, day(3, 10), day(3, 10)))
            .await
            .unwrap_err()
            .refused();
        assert!(err.detail.contains("approved"), "{}", err.detail);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn racing_overlapping_creates_both_pass_the_check_but_only_one_lands() {
        // Both creates finish their overlap query before either writes: the race itself.
        let store = Arc::new(Staged::new(0, 2));
        let emp = staff("c1", "emp", Some("boss"));
        let mut tasks = Vec::new();
        for (id, start, end) in [("x", day(3, 9), day(3, 12)), ("y", day(3, 11), day(3, 13))] {
            let (store, request) = (store.clone(), leave(id, &emp, start, end));
            tasks.push(tokio::spawn(async move {
                LeaveRepo::new(store.as_ref()).create(request).await
            }));
        }
        let mut landed = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                Ok(r) => landed.push(r.leave_id),
                Err(e) => assert_eq!(e.refused().kind, RefusalKind::Conflict),
            }
        }
        assert_eq!(
            landed.len(),
            1,
            "exactly one of two overlapping creates lands"
        );
        let (mine, _) = LeaveRepo::new(store.as_ref())
            .mine("c1", "emp", None, 10, None)
            .await
            .unwrap();
        assert_eq!(mine.len(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn racing_creates_that_do_not_overlap_all_land() {
        let store = Arc::new(Staged::new(0, 2));
        let emp = staff("c1", "emp", Some("boss"));
        let mut tasks = Vec::new();
        for (id, d) in [("mon", day(3, 9)), ("tue", day(3, 10))] {
            let (store, request) = (store.clone(), leave(id, &emp, d, d));
            tasks.push(tokio::spawn(async move {
                LeaveRepo::new(store.as_ref()).create(request).await
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ten_concurrent_overlapping_creates_land_once() {
        let store = Arc::new(sqlite());
        let emp = staff("c1", "emp", Some("boss"));
        let mut tasks = Vec::new();
        for i in 0..10 {
            let (store, request) = (
                store.clone(),
                leave(&format!("r{i}"), &emp, day(3, 9), day(3, 9 + i % 3)),
            );
            tasks.push(tokio::spawn(async move {
                LeaveRepo::new(store.as_ref()).create(request).await
            }));
        }
        let mut landed = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => landed += 1,
                Err(e) => assert_eq!(e.refused().kind, RefusalKind::Conflict),
            }
        }
        assert_eq!(landed, 1);
    }

    #[tokio::test]
    async fn a_request_not_yet_in_the_index_still_blocks_an_overlap() {
        let store = Staged::new(0, 0);
        let repo = LeaveRepo::new(&store);
        let emp = staff("c1", "emp", Some("boss"));
        store.unindexed.lock().unwrap().insert("fresh".into());
        repo.create(leave("fresh", &emp, day(3, 9), day(3, 11)))
            .await
            .unwrap();
        let (listed, _) = repo.mine("c1", "emp", None, 10, None).await.unwrap();
        assert!(listed.is_empty(), "the index lags behind");
        let err = repo
            .create(leave("dup", &emp, day(3, 10), day(3, 10)))
            .await
            .unwrap_err()
            .refused();
        assert_eq!(err.kind, RefusalKind::Conflict);
        assert!(err.detail.contains("fresh"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn twenty_racing_decisions_exactly_one_lands() {
        // All twenty read the pending request before any writes.
        let store = Arc::new(Staged::new(20, 0));
        let emp = staff("c1", "emp", Some("boss"));
        store
            .inner
            .transact(vec![TxOp::Put {
                table: Table::LeaveRequests,
                item: to_item(&leave("l1", &emp, day(3, 9), day(3, 11))).unwrap(),
                condition: Condition::Absent,
            }])
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for i in 0..20 {
            let store = store.clone();
            let action = if i % 2 == 0 {
                LeaveAction::Approve
            } else {
                LeaveAction::Reject
            };
            tasks.push(tokio::spawn(async move {
                LeaveRepo::new(store.as_ref())
                    .transition("c1", "l1", action, &boss(), day(3, 1), at(i))
                    .await
            }));
        }
        let mut winners = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                Ok(r) => winners.push(r),
                Err(e) => {
                    let e = e.refused();
                    assert_eq!(e.kind, RefusalKind::Conflict);
                    assert!(
                        e.detail.contains("approved") || e.detail.contains("rejected"),
                        "names the state it found: {}",
                        e.detail
                    );
                }
            }
        }
        assert_eq!(winners.len(), 1);
        let stored = LeaveRepo::new(store.as_ref())
            .get("c1", "l1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored, winners[0]);
        assert_eq!(stored.version, 2, "written once");
    }

    #[tokio::test]
    async fn transitions_are_refused_by_company_role_and_state() {
        let store = sqlite();
        let repo = LeaveRepo::new(&store);
        let emp = staff("c1", "emp", Some("boss"));
        repo.create(leave("l1", &emp, day(3, 9), day(3, 11)))
            .await
            .unwrap();
        let today = day(3, 1);
        let err = repo
            .transition("c2", "l1", LeaveAction::Approve, &boss(), today, at(1))
            .await
            .unwrap_err()
            .refused();
        assert_eq!(
            err.kind,
            RefusalKind::NotFound,
            "another company's request is not found"
        );
        let err = repo
            .transition("c1", "l1", LeaveAction::Approve, &emp_actor(), today, at(1))
            .await
            .unwrap_err()
            .refused();
        assert_eq!(err.kind, RefusalKind::Forbidden);
        let approved = repo
            .transition("c1", "l1", LeaveAction::Approve, &boss(), today, at(1))
            .await
            .unwrap();
        assert_eq!(
            (approved.status, approved.decided_by.as_deref()),
            (LeaveStatus::Approved, Some("boss"))
        );
        // On its first day (company time) an approved leave can no longer be cancelled.
        let err = repo
            .transition(
                "c1",
                "l1",
                LeaveAction::Cancel,
                &emp_actor(),
                day(3, 9),
                at(2),
            )
            .await
            .unwrap_err()
            .refused();
        assert_eq!(err.kind, RefusalKind::Conflict);
        let cancelled = repo
            .transition(
                "c1",
                "l1",
                LeaveAction::Cancel,
                &emp_actor(),
                day(3, 8),
                at(2),
            )
            .await
            .unwrap();
        assert_eq!(
            (cancelled.status, cancelled.version),
            (LeaveStatus::Cancelled, 3)
        );
        assert_eq!(repo.get("c1", "l1").await.unwrap(), Some(cancelled));
    }

    #[tokio::test]
    async fn mine_pages_through_own_requests_latest_first_and_filters_by_status() {
        let store = sqlite();
        let repo = LeaveRepo::new(&store);
        let emp = staff("c1", "emp", Some("boss"));
        // Work days of April 2026.
        for (i, d) in [1, 2, 3, 6, 7, 8, 9].into_iter().enumerate() {
            let d = day(4, d);
            repo.create(leave(&format!("m{i}"), &emp, d, d))
                .await
                .unwrap();
        }
        repo.create(leave(
            "peer",
            &staff("c1", "peer", Some("boss")),
            day(4, 1),
            day(4, 1),
        ))
        .await
        .unwrap();
        repo.transition(
            "c1",
            "m2",
            LeaveAction::Cancel,
            &emp_actor(),
            day(3, 1),
            at(1),
        )
        .await
        .unwrap();
        let mut ids = Vec::new();
        let mut cursor = None;
        loop {
            let (page, next) = repo.mine("c1", "emp", None, 3, cursor).await.unwrap();
            assert!(page.len() <= 3);
            ids.extend(page.into_iter().map(|r| r.leave_id));
            match next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(ids, ["m6", "m5", "m4", "m3", "m2", "m1", "m0"]);
        let (pending, _) = repo
            .mine("c1", "emp", Some(LeaveStatus::Pending), 10, None)
            .await
            .unwrap();
        assert_eq!(pending.len(), 6);
        let (cancelled, _) = repo
            .mine("c1", "emp", Some(LeaveStatus::Cancelled), 10, None)
            .await
            .unwrap();
        assert_eq!(
            cancelled
                .iter()
                .map(|r| r.leave_id.as_str())
                .collect::<Vec<_>>(),
            ["m2"]
        );
        assert!(
            repo.mine("c2", "emp", None, 10, None)
                .await
                .unwrap()
                .0
                .is_empty()
        );
    }

    #[tokio::test]
    async fn team_lists_a_managers_queue_by_status_and_month_across_pages() {
        let store = sqlite();
        let repo = LeaveRepo::new(&store);
        let (a, b) = (
            staff("c1", "a", Some("boss")),
            staff("c1", "b", Some("boss")),
        );
        let other_team = staff("c1", "z", Some("someone-else"));
        let lonely_admin = staff("c1", "root", None);
        repo.create(leave("a1", &a, day(3, 30), day(4, 2)))
            .await
            .unwrap();
        repo.create(leave("a2", &a, day(5, 4), day(5, 5)))
            .await
            .unwrap();
        repo.create(leave("b1", &b, day(4, 14), day(4, 14)))
            .await
            .unwrap();
        repo.create(leave("b2", &b, day(4, 20), day(4, 21)))
            .await
            .unwrap();
        repo.create(leave("b3", &b, day(6, 1), day(6, 1)))
            .await
            .unwrap();
        repo.create(leave("z1", &other_team, day(4, 14), day(4, 14)))
            .await
            .unwrap();
        repo.create(leave("r1", &lonely_admin, day(4, 14), day(4, 14)))
            .await
            .unwrap();
        repo.transition("c1", "b2", LeaveAction::Approve, &boss(), day(3, 1), at(1))
            .await
            .unwrap();

        let ids = |rs: Vec<LeaveRequest>| rs.into_iter().map(|r| r.leave_id).collect::<Vec<_>>();
        let (all, next) = repo.team("c1", "boss", None, None, 10, None).await.unwrap();
        assert_eq!(ids(all), ["b3", "b2", "b1", "a2", "a1"], "newest first");
        assert!(next.is_none());

        let april = Some(Month::parse("month", "2026-04").unwrap());
        let pending = Some(LeaveStatus::Pending);
        // One at a time: the filters skip items, yet paging neither loses nor repeats any.
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let (page, next) = repo
                .team("c1", "boss", pending, april, 1, cursor)
                .await
                .unwrap();
            seen.extend(ids(page));
            match next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(seen, ["b1", "a1"], "pending and touching April");

        let (approved, _) = repo
            .team("c1", "boss", Some(LeaveStatus::Approved), None, 10, None)
            .await
            .unwrap();
        assert_eq!(ids(approved), ["b2"]);
        let (admins, _) = repo
            .team("c1", NO_MANAGER, None, None, 10, None)
            .await
            .unwrap();
        assert_eq!(
            ids(admins),
            ["r1"],
            "requests of staff without a manager go to admins"
        );
        assert!(
            repo.team("c2", "boss", None, None, 10, None)
                .await
                .unwrap()
                .0
                .is_empty()
        );
    }
}
