//! company-admin handler tests: the `events/` fixtures through the real handler, on the
//! embedded adapters (a SQLite file, a local directory), with an injected clock and ids. The
//! local directory makes usernames as the pool does, so each request acts as a user it made.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use chrono::TimeZone;
use company_admin::CompanyAdmin;
use domain::clock::{Clock, ManualClock};
use domain::ids::SequentialIds;
use domain::ports::{
    DirectoryUser, FaceVerifier, ItemStore, Key, NewUser, Query, Table, UserDirectory,
};
use edge::claims::COMPANY_ID_ATTRIBUTE;
use edge::function::RestFunction;
use embedded_adapters::{DlibFaces, LocalDirectory, SqliteStore};
use lambda_http::{Body, Response};
use serde_json::{Value, json};
use testkit::{aim, edit_claims, face_data_dir, rest_request, sample_photo, set_body, temp_dir};

struct World {
    app: CompanyAdmin,
    store: Arc<SqliteStore>,
    directory: Arc<LocalDirectory>,
    faces: Arc<DlibFaces>,
    /// The one clock of this world: the handler's, and whatever the test writes directly.
    clock: Arc<ManualClock>,
    /// Signed up without a company: the caller of `POST /companies`.
    founder: DirectoryUser,
    /// acme's admin, once `registered_acme` made them: the caller of the roster routes.
    admin: OnceLock<DirectoryUser>,
}

/// Claims of `user` as the pool puts them in an id token.
fn claims_of(user: &DirectoryUser) -> Value {
    json!({ "sub": user.sub, "cognito:username": user.username, "email": user.email })
}

const REGISTER: &str = "company-admin/post-companies.json";

async fn world() -> World {
    let dir = temp_dir("company-admin");
    let store = Arc::new(SqliteStore::open(&dir.join("tables.sqlite3")).unwrap());
    let directory = Arc::new(LocalDirectory::open(&dir.join("directory.sqlite3")).unwrap());
    // The registering caller exists in the directory, signed up without a group.
    let founder = directory
        .sign_up("founder@newco.test", "Founder-Pass-1")
        .unwrap();
    let faces = Arc::new(DlibFaces::open(&face_data_dir(), &dir.join("faces.sqlite3")).unwrap());
    let clock = Arc::new(ManualClock::at(
        chrono::Utc.with_ymd_and_hms(2026, 11, 24, 4, 0, 0).unwrap(),
    ));
    let app = CompanyAdmin {
        faces: faces.clone(),
        store: store.clone(),
        directory: directory.clone(),
        clock: clock.clone(),
        ids: Arc::new(SequentialIds::new("co")),
    };
    World {
        app,
        store,
        directory,
        faces,
        clock,
        founder,
        admin: OnceLock::new(),
    }
}

/// `POST /companies` as the founder, after `edit`.
fn registration(w: &World, edit: impl FnOnce(&mut Value)) -> lambda_http::Request {
    let founder = claims_of(&w.founder);
    rest_request(REGISTER, |e| {
        edit_claims(e, founder);
        edit(e);
    })
}

fn body(response: &Response<Body>) -> Value {
    match response.body() {
        Body::Text(t) => serde_json::from_str(t).unwrap(),
        Body::Binary(b) => serde_json::from_slice(b).unwrap(),
        _ => Value::Null,
    }
}

fn assert_problem(response: &Response<Body>, status: u16, field: Option<&str>) {
    assert_eq!(response.status(), status, "{:?}", body(response));
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(
        body(response)["field"].as_str(),
        field,
        "{:?}",
        body(response)
    );
}

#[tokio::test]
async fn registering_creates_the_company_its_admin_and_the_admin_claims() {
    let w = world().await;
    let response = w.app.handle(registration(&w, |_| {})).await;
    assert_eq!(response.status(), 201, "{:?}", body(&response));
    let company = body(&response);
    assert_eq!(company["id"], "co-1");
    assert_eq!(company["timeZone"], "Asia/Kathmandu");
    assert_eq!(company["workHours"]["lateAfterMinutes"], 15);

    let roster = w
        .store
        .query(Table::Employees, &Query::partition("co-1"))
        .await
        .unwrap();
    assert_eq!(roster.items.len(), 1);
    assert_eq!(roster.items[0]["role"], "admin");
    let user = w.directory.get_user(&w.founder.username).await.unwrap();
    assert_eq!(user.groups, vec!["admins"]);
    assert_eq!(roster.items[0]["username"], w.founder.username.as_str());
    assert_eq!(user.attributes[COMPANY_ID_ATTRIBUTE], "co-1");
}

#[tokio::test]
async fn a_retried_registration_returns_the_first_company_and_writes_nothing_new() {
    let w = world().await;
    let first = w.app.handle(registration(&w, |_| {})).await;
    let again = w.app.handle(registration(&w, |_| {})).await;
    assert_eq!(
        (first.status().as_u16(), again.status().as_u16()),
        (201, 200)
    );
    assert_eq!(body(&again)["id"], "co-1");
    assert!(
        w.store
            .get(Table::Companies, &Key::of("co-2"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        w.store
            .query(Table::Employees, &Query::partition("co-2"))
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn twenty_concurrent_registrations_create_one_company() {
    let w = world().await;
    let calls = (0..20).map(|_| {
        let app = w.app.clone();
        let request = registration(&w, |_| {});
        tokio::spawn(async move { app.handle(request).await })
    });
    let mut created = 0;
    let mut ids = Vec::new();
    for call in calls {
        let response = call.await.unwrap();
        assert!(
            matches!(response.status().as_u16(), 200 | 201),
            "{:?}",
            body(&response)
        );
        created += usize::from(response.status() == 201);
        ids.push(body(&response)["id"].as_str().unwrap().to_string());
    }
    assert_eq!(created, 1);
    ids.dedup();
    assert_eq!(ids.len(), 1, "every caller sees the one company");
    let first = &ids[0];
    for n in 1..=20 {
        let id = format!("co-{n}");
        let stored = w
            .store
            .get(Table::Companies, &Key::of(id.as_str()))
            .await
            .unwrap();
        assert_eq!(stored.is_some(), id == *first, "{id}");
    }
}

#[tokio::test]
async fn a_member_of_a_company_or_a_careers_user_cannot_register() {
    let w = world().await;
    let member = w
        .app
        .handle(registration(&w, |e| {
            edit_claims(
                e,
                json!({"custom:company_id": "acme", "cognito:groups": "employees"}),
            )
        }))
        .await;
    assert_problem(&member, 409, None);
    let applicant = w
        .app
        .handle(registration(&w, |e| {
            edit_claims(e, json!({"cognito:groups": "applicants"}))
        }))
        .await;
    assert_problem(&applicant, 403, None);
}

#[tokio::test]
async fn bad_registration_bodies_name_the_field_and_write_nothing() {
    let w = world().await;
    let cases: [(&str, u16, Option<&str>); 6] = [
        (
            r#"{"name":"X","timeZone":"Mars/Olympus"}"#,
            422,
            Some("timeZone"),
        ),
        (r#"{"name":"","timeZone":"UTC"}"#, 422, Some("name")),
        (
            r#"{"name":"X","timeZone":"UTC","workHours":{"start":"18:00","end":"09:00"}}"#,
            422,
            Some("workHours.end"),
        ),
        (r#"{"name":"X","timeZone":42}"#, 400, Some("timeZone")),
        (
            r#"{"name":"X","timeZone":"UTC","companyId":"acme"}"#,
            400,
            Some("companyId"),
        ),
        (r#"{"name":"X","#, 400, Some("body")),
    ];
    for (text, status, field) in cases {
        let response = w.app.handle(registration(&w, |e| set_body(e, text))).await;
        assert_problem(&response, status, field);
    }
    let none = w
        .store
        .get(
            Table::Idempotency,
            &Key::of(format!("company-registration#{}", w.founder.sub).as_str()),
        )
        .await;
    assert!(none.unwrap().is_none());
    assert!(
        w.directory
            .get_user("founder@newco.test")
            .await
            .unwrap()
            .groups
            .is_empty()
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_unsupported_media_type() {
    let w = world().await;
    let response = w
        .app
        .handle(registration(&w, |e| {
            e["headers"]["Content-Type"] = json!("text/plain");
            e["multiValueHeaders"]["Content-Type"] = json!(["text/plain"]);
        }))
        .await;
    assert_problem(&response, 415, None);
}

/// acme, registered through the handler by its admin (ids fixed to `acme`); the admin's username.
async fn registered_acme(w: &World) -> String {
    let admin = w
        .directory
        .create_user(&NewUser {
            email: "admin@acme.test".into(),
            temporary_password: None,
            groups: vec![],
            attributes: BTreeMap::new(),
        })
        .await
        .unwrap();
    let app = CompanyAdmin {
        ids: Arc::new(FixedId("acme")),
        ..w.app.clone()
    };
    let claims = claims_of(&admin);
    let response = app
        .handle(rest_request(REGISTER, |e| edit_claims(e, claims)))
        .await;
    assert_eq!(response.status(), 201, "{:?}", body(&response));
    let username = admin.username.clone();
    w.admin.set(admin).expect("acme is registered once");
    username
}

/// Claims of acme's admin, then `edit`: a roster route's caller.
fn as_admin(w: &World, edit: &Value) -> Value {
    let mut claims = claims_of(w.admin.get().expect("registered_acme first"));
    if let (Some(claims), Some(edit)) = (claims.as_object_mut(), edit.as_object()) {
        claims.extend(edit.clone());
    }
    claims
}

struct FixedId(&'static str);
impl domain::ids::IdGenerator for FixedId {
    fn new_id(&self) -> String {
        self.0.to_string()
    }
}

#[tokio::test]
async fn the_admin_reads_and_updates_the_profile_with_a_version_check() {
    let w = world().await;
    registered_acme(&w).await;
    let read = w
        .app
        .handle(rest_request("company-admin/get-company.json", |_| {}))
        .await;
    assert_eq!(read.status(), 200);
    assert_eq!(body(&read)["version"], 1);

    let updated = w
        .app
        .handle(rest_request("company-admin/put-company.json", |_| {}))
        .await;
    assert_eq!(updated.status(), 200, "{:?}", body(&updated));
    assert_eq!(body(&updated)["name"], "Acme Trading Pvt. Ltd.");
    assert_eq!(body(&updated)["version"], 2);
    assert_eq!(
        body(&updated)["workHours"]["workDays"],
        json!(["Mon", "Tue", "Wed", "Thu", "Fri", "Sun"])
    );

    // The same body again carries version 1, now stale.
    let stale = w
        .app
        .handle(rest_request("company-admin/put-company.json", |_| {}))
        .await;
    assert_problem(&stale, 409, Some("version"));
    let bad = w
        .app
        .handle(rest_request("company-admin/put-company.json", |e| {
            set_body(e, r#"{"name":"A","timeZone":"Nowhere/Land"}"#)
        }))
        .await;
    assert_problem(&bad, 422, Some("timeZone"));
    assert_eq!(
        body(
            &w.app
                .handle(rest_request("company-admin/get-company.json", |_| {}))
                .await
        )["version"],
        2
    );
}

#[tokio::test]
async fn staff_without_the_admin_group_are_forbidden_and_anonymous_callers_unauthorized() {
    let w = world().await;
    registered_acme(&w).await;
    for group in ["employees", "managers", "recruiters", "applicants"] {
        let response = w
            .app
            .handle(rest_request("company-admin/get-company.json", |e| {
                edit_claims(e, json!({"cognito:groups": group}))
            }))
            .await;
        assert_problem(&response, 403, None);
    }
    let anonymous = w
        .app
        .handle(rest_request("company-admin/get-company.json", |e| {
            testkit::set_claims(e, Value::Null)
        }))
        .await;
    assert_problem(&anonymous, 401, None);
}

#[tokio::test]
async fn an_admin_of_an_unknown_company_gets_not_found() {
    let w = world().await;
    registered_acme(&w).await;
    let response = w
        .app
        .handle(rest_request("company-admin/get-company.json", |e| {
            edit_claims(e, json!({"custom:company_id": "globex"}))
        }))
        .await;
    assert_problem(&response, 404, None);
}

// ---------- the roster ----------

const INVITE: &str = "company-admin/post-employees.json";

/// The invite fixture re-aimed at `method path`, with claims changes and a body.
fn roster_request(
    w: &World,
    method: &str,
    username: Option<&str>,
    claims: Value,
    payload: Option<Value>,
) -> lambda_http::Request {
    let (resource, path, params) = match username {
        Some(u) => (
            "/employees/{username}",
            format!("/employees/{u}"),
            json!({ "username": u }),
        ),
        None => ("/employees", "/employees".to_string(), Value::Null),
    };
    rest_request(INVITE, |e| {
        aim(e, method, resource, &path, params, Value::Null);
        edit_claims(e, as_admin(w, &claims));
        match &payload {
            Some(p) => set_body(e, &p.to_string()),
            None => e["body"] = Value::Null,
        }
    })
}

async fn roster_call(
    w: &World,
    method: &str,
    username: Option<&str>,
    claims: Value,
    payload: Option<Value>,
) -> (u16, Value) {
    let response = w
        .app
        .handle(roster_request(w, method, username, claims, payload))
        .await;
    (response.status().as_u16(), body(&response))
}

fn invite(email: &str, role: &str, manager: Option<&str>) -> Value {
    json!({ "email": email, "role": role, "manager": manager })
}

#[tokio::test]
async fn an_admin_invites_changes_and_offboards_an_employee() {
    let w = world().await;
    let admin = registered_acme(&w).await;
    let (status, ravi) = roster_call(
        &w,
        "POST",
        None,
        json!({}),
        Some(invite("Ravi@Acme.test", "employee", Some(&admin))),
    )
    .await;
    assert_eq!(status, 201, "{ravi}");
    // The pool made the username; the email is data.
    let user = w.directory.get_user("ravi@acme.test").await.unwrap();
    let username = ravi["username"].as_str().unwrap().to_string();
    assert_eq!(
        (
            username.as_str(),
            ravi["email"].as_str(),
            ravi["status"].as_str()
        ),
        (
            user.username.as_str(),
            Some("ravi@acme.test"),
            Some("invited")
        )
    );
    assert_ne!(username, "ravi@acme.test");
    assert_eq!(user.groups, vec!["employees"]);
    assert_eq!(user.attributes[COMPANY_ID_ATTRIBUTE], "acme");
    let (status, again) = roster_call(
        &w,
        "POST",
        None,
        json!({}),
        Some(invite("ravi@acme.test", "employee", Some(&admin))),
    )
    .await;
    assert_eq!((status, again["field"].as_str()), (409, Some("email")));

    // First sign-in with a password of their own activates them (the trigger's job), found by
    // the username the trigger event carries.
    let activated = domain::roster::RosterRepo::new(w.store.as_ref())
        .activate(&user.username, &user.sub, w.clock.now())
        .await
        .unwrap();
    assert!(matches!(
        activated,
        domain::roster::Activation::Activated(_)
    ));
    let (_, listed) =
        roster_call(&w, "GET", None, json!({"cognito:groups": "managers"}), None).await;
    let mut names: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["email"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["admin@acme.test", "ravi@acme.test"]);

    let (status, _) = roster_call(
        &w,
        "PUT",
        Some(&username),
        json!({}),
        Some(json!({"role": "manager", "manager": admin, "version": 1})),
    )
    .await;
    assert_eq!(status, 409, "a stale version");
    let (status, promoted) = roster_call(
        &w,
        "PUT",
        Some(&username),
        json!({}),
        Some(json!({"role": "manager", "manager": admin, "version": 2})),
    )
    .await;
    assert_eq!(status, 200, "{promoted}");
    assert_eq!(
        w.directory.get_user(&username).await.unwrap().groups,
        vec!["managers"]
    );
    let (status, problem) = roster_call(
        &w,
        "PUT",
        Some(&username),
        json!({}),
        Some(json!({"role": "manager", "manager": username, "version": 3})),
    )
    .await;
    assert_eq!((status, problem["field"].as_str()), (422, Some("manager")));

    // Their enrolled face goes with them; their roster row stays, offboarded.
    let face = w
        .faces
        .enrol("acme", &username, &sample_photo("obama.jpg"))
        .await
        .unwrap();
    let roster = domain::roster::RosterRepo::new(w.store.as_ref());
    let current = roster.get("acme", &username).await.unwrap().unwrap();
    let enrolled = domain::roster::RosterEntry {
        face_id: Some(face.clone()),
        version: current.version + 1,
        ..current.clone()
    };
    roster.replace(&current, &enrolled).await.unwrap();
    for _ in 0..2 {
        let (status, _) = roster_call(&w, "DELETE", Some(&username), json!({}), None).await;
        assert_eq!(status, 204, "offboarding is idempotent");
    }
    assert!(!w.directory.get_user(&username).await.unwrap().enabled);
    assert_eq!(
        w.faces
            .compare("acme", &face, &sample_photo("obama2.jpg"))
            .await,
        Err(domain::ports::FaceError::NotFound)
    );
    let (_, gone) = roster_call(&w, "GET", Some(&username), json!({}), None).await;
    assert_eq!(
        (gone["status"].as_str(), gone["faceEnrolled"].as_bool()),
        (Some("offboarded"), Some(false))
    );
    let (status, _) = roster_call(&w, "DELETE", Some(&admin), json!({}), None).await;
    assert_eq!(status, 409, "nobody offboards themselves");
}

#[tokio::test]
async fn bad_invitations_name_their_field_and_write_nothing() {
    let w = world().await;
    registered_acme(&w).await;
    for (payload, status, field) in [
        (invite("ravi@acme.test", "employee", None), 422, "manager"),
        (
            invite("ravi@acme.test", "employee", Some("nobody")),
            422,
            "manager",
        ),
        // A manager is named by username; the email is refused with a pointer to it.
        (
            invite("ravi@acme.test", "employee", Some("admin@acme.test")),
            422,
            "manager",
        ),
        (invite("ravi@", "admin", None), 422, "email"),
        (invite("ravi@acme.test", "boss", None), 400, "role"),
        (
            json!({"email": "ravi@acme.test", "role": "admin", "companyId": "globex"}),
            400,
            "companyId",
        ),
    ] {
        let (got, problem) = roster_call(&w, "POST", None, json!({}), Some(payload.clone())).await;
        assert_eq!(
            (got, problem["field"].as_str()),
            (status, Some(field)),
            "{payload}: {problem}"
        );
    }
    // Somebody the pool already has (signed up by themselves): refused, nothing written.
    let taken = w
        .directory
        .sign_up("taken@acme.test", "Taken-Pass-1")
        .unwrap();
    let (status, _) = roster_call(
        &w,
        "POST",
        None,
        json!({}),
        Some(invite("taken@acme.test", "admin", None)),
    )
    .await;
    assert_eq!(status, 409);
    let page = w
        .store
        .query(Table::Employees, &Query::partition("acme"))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1, "only the registering admin");
    assert!(
        w.store
            .get(Table::Invitations, &Key::of(taken.username.as_str()))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        w.directory
            .get_user(&taken.username)
            .await
            .unwrap()
            .groups
            .is_empty()
    );
}

#[tokio::test]
async fn the_roster_keeps_to_roles_and_to_its_company() {
    let w = world().await;
    let admin = registered_acme(&w).await;
    let (_, ravi) = roster_call(
        &w,
        "POST",
        None,
        json!({}),
        Some(invite("ravi@acme.test", "employee", Some(&admin))),
    )
    .await;
    let ravi = ravi["username"].as_str().unwrap().to_string();
    let manager =
        json!({"cognito:groups": "managers", "cognito:username": "a-manager", "sub": "a-manager"});
    assert_eq!(
        roster_call(&w, "GET", Some(&ravi), manager.clone(), None)
            .await
            .0,
        200
    );
    assert_eq!(
        roster_call(
            &w,
            "POST",
            None,
            manager.clone(),
            Some(invite("x@acme.test", "admin", None))
        )
        .await
        .0,
        403
    );
    assert_eq!(
        roster_call(&w, "DELETE", Some(&ravi), manager, None)
            .await
            .0,
        403
    );
    assert_eq!(
        roster_call(
            &w,
            "GET",
            None,
            json!({"cognito:groups": "employees"}),
            None
        )
        .await
        .0,
        403
    );
    // An admin of another company never sees acme's people.
    let globex = json!({"custom:company_id": "globex", "cognito:username": "globex-admin", "sub": "globex-admin"});
    assert_eq!(
        roster_call(&w, "GET", Some(&ravi), globex.clone(), None)
            .await
            .0,
        404
    );
    assert_eq!(
        roster_call(&w, "DELETE", Some(&ravi), globex.clone(), None)
            .await
            .0,
        404
    );
    let (_, listed) = roster_call(&w, "GET", None, globex, None).await;
    assert_eq!(listed["items"], json!([]));
}

/// The invite fixture re-aimed at the calendar: `/events`, or `/events/{id}` given an id.
async fn events_call(
    w: &World,
    method: &str,
    id: Option<&str>,
    query: Value,
    claims: Value,
    payload: Option<Value>,
) -> (u16, Value) {
    let (resource, path, params) = match id {
        Some(id) => ("/events/{id}", format!("/events/{id}"), json!({ "id": id })),
        None => ("/events", "/events".to_string(), Value::Null),
    };
    let response = w
        .app
        .handle(rest_request(INVITE, |e| {
            aim(e, method, resource, &path, params.clone(), query.clone());
            edit_claims(e, as_admin(w, &claims));
            match &payload {
                Some(p) => set_body(e, &p.to_string()),
                None => e["body"] = Value::Null,
            }
        }))
        .await;
    (response.status().as_u16(), body(&response))
}

#[tokio::test]
async fn the_calendar_is_by_month_admin_written_and_kept_to_its_company() {
    let w = world().await;
    registered_acme(&w).await;
    let admin = json!({});
    let employee = json!({"cognito:groups": "employees", "cognito:username": "an-employee", "sub": "an-employee"});
    let december = json!({ "month": "2026-12" });
    for (date, title, holiday) in [
        ("2026-12-25", "Christmas", true),
        ("2026-12-10", "Town hall", false),
        ("2027-01-01", "New year", true),
    ] {
        let (status, event) = events_call(
            &w,
            "POST",
            None,
            Value::Null,
            admin.clone(),
            Some(json!({ "date": date, "title": title, "holiday": holiday })),
        )
        .await;
        assert_eq!(status, 201, "{event}");
        assert!(
            event["id"]
                .as_str()
                .unwrap()
                .starts_with(&date.replace('-', ""))
        );
    }
    let (status, listed) =
        events_call(&w, "GET", None, december.clone(), employee.clone(), None).await;
    assert_eq!(status, 200, "{listed}");
    let titles: Vec<_> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].clone())
        .collect();
    assert_eq!(titles, [json!("Town hall"), json!("Christmas")]);
    assert_eq!(listed["items"][1]["holiday"], true);

    // Staff read; only admins write.
    let party = Some(json!({ "date": "2026-12-18", "title": "Party" }));
    assert_eq!(
        events_call(&w, "POST", None, Value::Null, employee.clone(), party)
            .await
            .0,
        403
    );
    let christmas = listed["items"][1]["id"].as_str().unwrap().to_string();
    assert_eq!(
        events_call(&w, "DELETE", Some(&christmas), Value::Null, employee, None)
            .await
            .0,
        403
    );

    // Another company sees none of it and cannot delete it.
    let outsider = json!({ "custom:company_id": "globex", "cognito:username": "globex-boss", "sub": "globex-boss" });
    let (_, theirs) = events_call(&w, "GET", None, december.clone(), outsider.clone(), None).await;
    assert_eq!(theirs["items"], json!([]));
    assert_eq!(
        events_call(&w, "DELETE", Some(&christmas), Value::Null, outsider, None)
            .await
            .0,
        404
    );

    // Bad input names its field; nothing is written.
    for (payload, field) in [
        (json!({ "date": "2026-02-30", "title": "x" }), "date"),
        (json!({ "date": "2026-12-11", "title": "  " }), "title"),
        (
            json!({ "date": "2026-12-11", "title": "x", "colour": "red" }),
            "colour",
        ),
    ] {
        let (status, problem) = events_call(
            &w,
            "POST",
            None,
            Value::Null,
            admin.clone(),
            Some(payload.clone()),
        )
        .await;
        assert!(status == 400 || status == 422, "{payload}: {status}");
        assert!(problem.to_string().contains(field), "{payload}: {problem}");
    }
    for query in [Value::Null, json!({ "month": "2026-13" })] {
        let (status, problem) = events_call(&w, "GET", None, query, admin.clone(), None).await;
        assert!(status == 400 || status == 422, "{problem}");
        assert_eq!(problem["field"], "month");
    }
    let (_, still) = events_call(&w, "GET", None, december.clone(), admin.clone(), None).await;
    assert_eq!(still["items"].as_array().unwrap().len(), 2);

    // Deleted once; then gone; a made-up id is simply not found.
    assert_eq!(
        events_call(
            &w,
            "DELETE",
            Some(&christmas),
            Value::Null,
            admin.clone(),
            None
        )
        .await
        .0,
        204
    );
    assert_eq!(
        events_call(
            &w,
            "DELETE",
            Some(&christmas),
            Value::Null,
            admin.clone(),
            None
        )
        .await
        .0,
        404
    );
    assert_eq!(
        events_call(
            &w,
            "DELETE",
            Some("not-an-id"),
            Value::Null,
            admin.clone(),
            None
        )
        .await
        .0,
        404
    );
    let (_, after) = events_call(&w, "GET", None, december, admin, None).await;
    assert_eq!(after["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_admin_links_each_slack_user_to_one_person() {
    let w = world().await;
    let admin = registered_acme(&w).await;
    let (status, invited) = roster_call(
        &w,
        "POST",
        None,
        json!({}),
        Some(invite("ravi@acme.test", "employee", Some(&admin))),
    )
    .await;
    assert_eq!(status, 201);
    let username = invited["username"].as_str().unwrap().to_string();
    let link = |slack: Value, version: u64| {
        Some(
            json!({ "role": "employee", "manager": admin, "slackUserId": slack, "version": version }),
        )
    };
    let (status, ravi) = roster_call(
        &w,
        "PUT",
        Some(&username),
        json!({}),
        link(json!("U0RAVI"), 1),
    )
    .await;
    assert_eq!(status, 200, "{ravi}");
    assert_eq!(ravi["slackUserId"], "U0RAVI");
    let linked = domain::roster::RosterRepo::new(w.store.as_ref())
        .by_slack_user("U0RAVI")
        .await
        .unwrap();
    assert_eq!(linked.len(), 1);
    // The same Slack user for the admin too: a conflict naming the field.
    let (status, problem) = roster_call(
        &w,
        "PUT",
        Some(&admin),
        json!({}),
        Some(json!({ "role": "admin", "slackUserId": "U0RAVI", "version": 1 })),
    )
    .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (409, Some("slackUserId")),
        "{problem}"
    );
    let (status, problem) = roster_call(
        &w,
        "PUT",
        Some(&username),
        json!({}),
        link(json!("#general"), 2),
    )
    .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("slackUserId")),
        "{problem}"
    );
    // Leaving it out unlinks.
    let (status, ravi) = roster_call(
        &w,
        "PUT",
        Some(&username),
        json!({}),
        Some(json!({ "role": "employee", "manager": admin, "version": 2 })),
    )
    .await;
    assert_eq!(
        (status, ravi["slackUserId"].clone()),
        (200, Value::Null),
        "{ravi}"
    );
}

#[tokio::test]
async fn a_retried_invitation_finishes_what_an_earlier_try_left() {
    let w = world().await;
    let admin = registered_acme(&w).await;
    // An earlier try made the directory user (the pool mailed them) and failed before the
    // roster was written; the admin retries, asking for another role.
    let left = w
        .directory
        .create_user(&NewUser {
            email: "ravi@acme.test".into(),
            temporary_password: None,
            groups: vec!["employees".into()],
            attributes: BTreeMap::from([(COMPANY_ID_ATTRIBUTE.to_string(), "acme".to_string())]),
        })
        .await
        .unwrap();
    let (status, ravi) = roster_call(
        &w,
        "POST",
        None,
        json!({}),
        Some(invite("ravi@acme.test", "manager", Some(&admin))),
    )
    .await;
    assert_eq!(status, 201, "{ravi}");
    assert_eq!(
        ravi["username"],
        left.username.as_str(),
        "the user the first try made"
    );
    assert_eq!(
        w.directory.get_user(&left.username).await.unwrap().groups,
        vec!["managers"]
    );
    assert!(
        w.store
            .get(Table::Invitations, &Key::of(left.username.as_str()))
            .await
            .unwrap()
            .is_some()
    );
    // Done once: a third try is a conflict, and the roster holds them once.
    let (status, _) = roster_call(
        &w,
        "POST",
        None,
        json!({}),
        Some(invite("ravi@acme.test", "manager", Some(&admin))),
    )
    .await;
    assert_eq!(status, 409);
    let page = w
        .store
        .query(Table::Employees, &Query::partition("acme"))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);

    // Somebody of another company, or who has signed in since, is never taken over.
    for (email, company) in [("sam@globex.test", "globex"), ("sita@acme.test", "acme")] {
        let user = w
            .directory
            .create_user(&NewUser {
                email: email.into(),
                temporary_password: Some("Temp-Pass-123".into()),
                groups: vec!["employees".into()],
                attributes: BTreeMap::from([(
                    COMPANY_ID_ATTRIBUTE.to_string(),
                    company.to_string(),
                )]),
            })
            .await
            .unwrap();
        if company == "acme" {
            w.directory
                .set_password(&user.username, "Sita-Pass-123")
                .unwrap();
        }
        let (status, problem) = roster_call(
            &w,
            "POST",
            None,
            json!({}),
            Some(invite(email, "employee", Some(&admin))),
        )
        .await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (409, Some("email")),
            "{email}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_racing_invitations_of_one_email_record_one() {
    let w = world().await;
    let admin = registered_acme(&w).await;
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let app = w.app.clone();
            let request = roster_request(
                &w,
                "POST",
                None,
                json!({}),
                Some(invite("ravi@acme.test", "employee", Some(&admin))),
            );
            tokio::spawn(async move { app.handle(request).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for call in calls {
        statuses.push(call.await.unwrap().status().as_u16());
    }
    statuses.sort();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| matches!(s, 201 | 409)),
        "{statuses:?}"
    );
    let page = w
        .store
        .query(Table::Employees, &Query::partition("acme"))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2, "the admin and Ravi, once");
    let ravi = w.directory.get_user("ravi@acme.test").await.unwrap();
    assert!(
        page.items
            .iter()
            .any(|e| e["username"] == ravi.username.as_str())
    );
}
