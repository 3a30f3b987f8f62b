use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::events::Month;
use domain::leave::LeaveRequest;
use domain::leave::{Actor, LeaveAction, LeaveStatus};
use domain::ports::{Condition, Item, ItemStore, Key, Query, StoreError, Table, TxOp};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tokio::sync::Barrier;

use domain::company::Weekday;
use domain::leave::*;
use domain::leave::{HalfDay, LeaveDraft, LeaveType};
use domain::ports::Page;
use domain::refusal::RefusalKind;
use domain::roster::{EmploymentStatus, RosterEntry, StaffRole};
use embedded_adapters::SqliteStore;

const WEEK: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

fn sqlite() -> SqliteStore {
    SqliteStore::open(&testkit::temp_dir("leave").join("t.sqlite3")).unwrap()
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
        face_enrolled_at: None,
        biometric_consent: None,
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

/// `action` as a decider sends it: a rejection with the reason it needs.
fn d(action: LeaveAction) -> Decision {
    let comment = (action == LeaveAction::Reject).then_some("Short-staffed that week");
    Decision::new(action, comment).unwrap()
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
    async fn put(&self, table: Table, item: Item, condition: Condition) -> Result<(), StoreError> {
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
        &d(LeaveAction::Cancel),
        &emp_actor(),
        day(3, 1),
        at(1),
    )
    .await
    .unwrap();
    repo.create(leave("b", &emp, day(3, 9), day(3, 10)))
        .await
        .unwrap();
    repo.transition(
        "c1",
        "b",
        &d(LeaveAction::Reject),
        &boss(),
        day(3, 1),
        at(2),
    )
    .await
    .unwrap();
    repo.create(leave("c", &emp, day(3, 9), day(3, 10)))
        .await
        .unwrap();
    repo.transition(
        "c1",
        "c",
        &d(LeaveAction::Approve),
        &boss(),
        day(3, 1),
        at(3),
    )
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
    // Seeded on the inner store, so the rendezvous counts only the deciders' reads.
    LeaveRepo::new(&store.inner)
        .create(leave("l1", &emp, day(3, 9), day(3, 11)))
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
                .transition("c1", "l1", &d(action), &boss(), day(3, 1), at(i))
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
        .transition("c2", "l1", &d(LeaveAction::Approve), &boss(), today, at(1))
        .await
        .unwrap_err()
        .refused();
    assert_eq!(
        err.kind,
        RefusalKind::NotFound,
        "another company's request is not found"
    );
    let err = repo
        .transition(
            "c1",
            "l1",
            &d(LeaveAction::Approve),
            &emp_actor(),
            today,
            at(1),
        )
        .await
        .unwrap_err()
        .refused();
    assert_eq!(err.kind, RefusalKind::Forbidden);
    let approved = repo
        .transition("c1", "l1", &d(LeaveAction::Approve), &boss(), today, at(1))
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
            &d(LeaveAction::Cancel),
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
            &d(LeaveAction::Cancel),
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
        &d(LeaveAction::Cancel),
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
    repo.transition(
        "c1",
        "b2",
        &d(LeaveAction::Approve),
        &boss(),
        day(3, 1),
        at(1),
    )
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
