//! Whole handlers called in-process, as the Lambda runtime would call them: the real function
//! structs on the embedded adapters (a SQLite file, files for blobs, the local directory and
//! face matcher), fed REST proxy events from `events/` converted exactly as lambda_http does.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use attendance::{Attendance, PunchPolicy};
use chrono::Duration;
use company_admin::CompanyAdmin;
use domain::clock::ManualClock;
use domain::ids::UuidIds;
use domain::leave::LeavePolicy;
use domain::ports::{ItemStore, TxOp};
use domain::roster::StaffRole;
use embedded_adapters::{DlibFaces, FileBlobStore, LocalDirectory, SqliteStore};
use lambda_http::{Body, Request, Response};
use leave_requests::LeaveRequests;
use serde_json::{Value, json};
use testkit::{aim, edit_claims, face_data_dir, load, temp_dir};

use crate::batch_seed::{Recorder, flush};
use crate::seed;

pub const COMPANY: &str = "acme";
pub const ADMIN: &str = "admin@acme.test";
pub const MANAGER: &str = "manager@acme.test";
pub const EMPLOYEE: &str = "employee@acme.test";
/// The month `GET /attendance?month=` reads: 22 attended weekdays.
pub const MONTH: &str = "2026-10";

/// A REST proxy event, edited once; each call gets a fresh request from it (requests are not
/// `Clone`, and building one is kept out of the timed part).
pub struct Event(String);

impl Event {
    /// The fixture `events/<fixture>` after `edit`.
    pub fn from_fixture(fixture: &str, edit: impl FnOnce(&mut Value)) -> Event {
        let mut event = load(fixture);
        edit(&mut event);
        Event(event.to_string())
    }

    /// The request lambda_http would hand the handler.
    pub fn request(&self) -> Request {
        lambda_http::request::from_str(&self.0).expect("a REST proxy event")
    }
}

/// The Cognito claims API Gateway would pass for `username` in `group` of acme.
pub fn claims(username: &str, group: &str) -> Value {
    json!({
        "cognito:username": username, "email": username, "sub": format!("s-{username}"),
        "cognito:groups": group, "custom:company_id": COMPANY,
    })
}

/// Three functions over one SQLite file, with the clock at the fixtures' moment.
pub struct World {
    pub store: Arc<SqliteStore>,
    pub company_admin: CompanyAdmin,
    pub attendance: Attendance,
    pub leave: LeaveRequests,
    /// How many leave requesters exist so far (each gets a fresh name).
    requesters: AtomicUsize,
    dir: PathBuf,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// acme with its admin, manager and employee; the employee attended every weekday of [`MONTH`].
pub async fn world() -> World {
    let dir = temp_dir("bench-inproc");
    let store = Arc::new(SqliteStore::open(&dir.join("tables.sqlite3")).expect("sqlite"));
    let clock = Arc::new(ManualClock::at(seed::utc(seed::NOW)));
    let faces =
        Arc::new(DlibFaces::open(&face_data_dir(), &dir.join("faces.sqlite3")).expect("dlib"));
    seed::company(store.as_ref(), COMPANY, ADMIN)
        .await
        .expect("company");
    let recorder = Recorder::default();
    recorder
        .transact(vec![
            seed::staff(COMPANY, MANAGER, StaffRole::Manager, ADMIN).create(),
            seed::staff(COMPANY, EMPLOYEE, StaffRole::Employee, MANAGER).create(),
        ])
        .await
        .expect("recorded");
    seed::worked_month(&recorder, COMPANY, EMPLOYEE, MONTH)
        .await
        .expect("recorded");
    flush(store.as_ref(), recorder.drain(), 1)
        .await
        .expect("seeded");
    World {
        company_admin: CompanyAdmin {
            store: store.clone(),
            directory: Arc::new(
                LocalDirectory::open(&dir.join("directory.sqlite3")).expect("directory"),
            ),
            clock: clock.clone(),
            ids: Arc::new(UuidIds),
            faces: faces.clone(),
        },
        attendance: Attendance {
            store: store.clone(),
            blobs: Arc::new(FileBlobStore::new(
                dir.join("blobs"),
                "http://127.0.0.1:1".into(),
                vec![7; 32],
            )),
            faces,
            clock: clock.clone(),
            policy: PunchPolicy {
                threshold: 80.0,
                max_shift: Duration::hours(14),
            },
        },
        leave: LeaveRequests {
            store: store.clone(),
            clock,
            ids: Arc::new(UuidIds),
            policy: LeavePolicy::default(),
        },
        store,
        requesters: AtomicUsize::new(0),
        dir,
    }
}

impl World {
    /// `GET /company` as the admin.
    pub fn get_company(&self) -> Event {
        Event::from_fixture("company-admin/get-company.json", |e| {
            edit_claims(e, claims(ADMIN, "admins"))
        })
    }

    /// `GET /attendance?month=2026-10` as the employee (22 days).
    pub fn own_month(&self) -> Event {
        Event::from_fixture("attendance/post-check-in.json", |e| {
            aim(
                e,
                "GET",
                "/attendance",
                "/attendance",
                Value::Null,
                json!({ "month": MONTH }),
            );
            e["body"] = Value::Null;
            edit_claims(e, claims(EMPLOYEE, "employees"));
        })
    }

    /// `count` fixture leave requests (21–23 December), each by a new employee of the manager,
    /// so every one takes the 201 path: roster read, holidays, overlap check, transaction.
    pub async fn leave_requests(&self, count: usize) -> Vec<Event> {
        let first = self.requesters.fetch_add(count, Ordering::Relaxed);
        let names: Vec<String> = (first..first + count)
            .map(|n| format!("requester{n:06}@acme.test"))
            .collect();
        for chunk in names.chunks(100) {
            let ops: Vec<TxOp> = chunk
                .iter()
                .map(|n| seed::staff(COMPANY, n, StaffRole::Employee, MANAGER).create())
                .collect();
            self.store.transact(ops).await.expect("requesters");
        }
        names
            .iter()
            .map(|n| {
                Event::from_fixture("leave-requests/post-leave-request.json", |e| {
                    edit_claims(e, claims(n, "employees"))
                })
            })
            .collect()
    }
}

/// The status of a handler's response, for checking outside the timed part.
pub fn status(response: &Response<Body>) -> u16 {
    response.status().as_u16()
}
