//! attendance handler tests: the `events/` fixture through the real handler, on SQLite,
//! files, the local dlib face matcher and real photos, with the clock in the test's hand.

use std::io::Cursor;
use std::sync::Arc;

use attendance::{Attendance, PunchPolicy};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use domain::clock::ManualClock;
use domain::company::{CompanyProfile, CompanyRepo, Registration, WorkHours};
use domain::consent::{AUDIT_PREFIX, BIOMETRIC_CONSENT, ConsentAudit, ConsentChange, ConsentRepo};
use domain::ports::{ItemStore, Query, Table};
use domain::roster::RosterRepo;
use domain::roster::StaffRole;
use edge::function::RestFunction;
use embedded_adapters::{DlibFaces, FileBlobStore, SqliteStore};
use serde_json::{Value, json};
use testkit::{Call, acme, face_data_dir, outcome, sample_photo, temp_dir};

const FIXTURE: &str = "attendance/post-check-in.json";
/// acme's admin (`testkit::acme::ADMIN`), as claims.
const ADMIN: &str =
    r#"{"cognito:groups": "admins", "cognito:username": "1a2b3c4d-0000-4000-8000-acme00000001"}"#;

struct World {
    app: Attendance,
    store: Arc<SqliteStore>,
    clock: Arc<ManualClock>,
    blobs_dir: std::path::PathBuf,
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// acme (Asia/Kathmandu, 09:00 start, 10 minutes' grace) with an admin, a manager and the
/// fixture's employee reporting to the manager.
async fn world(now: &str) -> World {
    let dir = temp_dir("attendance");
    let store = Arc::new(SqliteStore::open(&dir.join("tables.sqlite3")).unwrap());
    let clock = Arc::new(ManualClock::at(utc(now)));
    let app = Attendance {
        store: store.clone(),
        blobs: Arc::new(FileBlobStore::new(
            dir.join("blobs"),
            "http://127.0.0.1:1".into(),
            vec![7; 32],
        )),
        faces: Arc::new(DlibFaces::open(&face_data_dir(), &dir.join("faces.sqlite3")).unwrap()),
        clock: clock.clone(),
        policy: PunchPolicy {
            threshold: 80.0,
            max_shift: Duration::hours(14),
        },
    };
    let profile = CompanyProfile {
        name: "Acme".into(),
        time_zone: "Asia/Kathmandu".into(),
        work_hours: WorkHours {
            start: "09:00".into(),
            end: "17:00".into(),
            late_after_minutes: 10,
            ..WorkHours::default()
        },
    };
    CompanyRepo::new(store.as_ref())
        .register(&Registration {
            company_id: "acme".into(),
            owner_sub: acme::ADMIN.into(),
            owner_username: acme::ADMIN.into(),
            owner_email: Some("admin@acme.test".into()),
            profile,
            at: utc(now),
        })
        .await
        .unwrap();
    for (person, role, manager) in [
        (
            (acme::MANAGER, "manager@acme.test"),
            StaffRole::Manager,
            Some(acme::ADMIN),
        ),
        (
            (acme::EMPLOYEE, "employee@acme.test"),
            StaffRole::Employee,
            Some(acme::MANAGER),
        ),
    ] {
        let entry = testkit::active_staff("acme", person, role, manager, utc(now));
        store.transact(vec![entry.create()]).await.unwrap();
    }
    World {
        app,
        store,
        clock,
        blobs_dir: dir.join("blobs"),
    }
}

fn photo(bytes: &[u8]) -> String {
    json!({ "photo": STANDARD.encode(bytes) }).to_string()
}

async fn call(w: &World, c: Call<'_>) -> (u16, Value) {
    outcome(&w.app.handle(c.request(FIXTURE)).await)
}

fn as_claims(text: &str) -> Option<Value> {
    Some(serde_json::from_str(text).unwrap())
}

async fn punch(w: &World, kind: &str, bytes: &[u8], headers: &[(&str, &str)]) -> (u16, Value) {
    let path = format!("/attendance/{kind}");
    call(
        w,
        Call {
            method: "POST",
            resource: &path,
            body: Some(photo(bytes)),
            headers: headers.iter().map(|(k, v)| (*k, v.to_string())).collect(),
            ..Call::default()
        },
    )
    .await
}

/// The fixture's employee gives their consent to face matching.
async fn consent(w: &World) -> (u16, Value) {
    call(
        w,
        Call {
            method: "PUT",
            resource: "/me/biometric-consent",
            body: Some(json!({ "textVersion": BIOMETRIC_CONSENT.version }).to_string()),
            ..Call::default()
        },
    )
    .await
}

async fn withdraw(w: &World) -> (u16, Value) {
    call(
        w,
        Call {
            method: "DELETE",
            resource: "/me/biometric-consent",
            ..Call::default()
        },
    )
    .await
}

async fn me(w: &World) -> Value {
    let (status, me) = call(
        w,
        Call {
            method: "GET",
            resource: "/me",
            ..Call::default()
        },
    )
    .await;
    assert_eq!(status, 200, "{me}");
    me
}

async fn trail(w: &World) -> Vec<ConsentAudit> {
    ConsentRepo::new(w.store.as_ref())
        .trail("acme", acme::EMPLOYEE)
        .await
        .unwrap()
}

async fn enrol_employee(w: &World) {
    assert_eq!(consent(w).await.0, 200);
    let (status, body) = call(
        w,
        Call {
            method: "PUT",
            resource: "/me/face",
            body: Some(photo(&sample_photo("obama.jpg"))),
            ..Call::default()
        },
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

async fn days(w: &World) -> usize {
    w.store
        .query(
            Table::Attendance,
            &Query::partition(format!("acme#{}", acme::EMPLOYEE).as_str()),
        )
        .await
        .unwrap()
        .items
        .iter()
        .filter(|i| i["work_date"].as_str().is_some_and(|d| d.starts_with("20")))
        .count()
}

#[tokio::test]
async fn the_enrolled_face_checks_in_and_out_and_another_face_is_refused() {
    let w = world("2026-11-24T03:00:00Z").await; // 08:45 in Kathmandu
    let (status, _) = punch(&w, "check-in", &sample_photo("obama2.jpg"), &[]).await;
    assert_eq!(status, 409, "no reference face yet");
    enrol_employee(&w).await;

    let (status, refused) = punch(&w, "check-in", &sample_photo("biden.jpg"), &[]).await;
    assert_eq!(
        (status, refused["field"].as_str()),
        (422, Some("photo")),
        "{refused}"
    );
    assert_eq!(days(&w).await, 0, "a refused punch is not attendance");

    let (status, first) = punch(&w, "check-in", &sample_photo("obama2.jpg"), &[]).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(
        (first["date"].as_str(), first["localTime"].as_str()),
        (Some("2026-11-24"), Some("08:45"))
    );
    assert!(first["similarity"].as_f64().unwrap() >= 80.0);
    let (status, _) = punch(&w, "check-in", &sample_photo("obama3.jpg"), &[]).await;
    assert_eq!(status, 409, "one check-in a day");

    w.clock.advance(Duration::hours(9));
    let (status, out) = punch(&w, "check-out", &sample_photo("obama3.jpg"), &[]).await;
    assert_eq!(status, 201, "{out}");
    assert_eq!(
        punch(&w, "check-out", &sample_photo("obama2.jpg"), &[])
            .await
            .0,
        409
    );

    let (status, month) = call(
        &w,
        Call {
            method: "GET",
            resource: "/attendance",
            query: json!({"month": "2026-11"}),
            ..Call::default()
        },
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(month["days"][0]["workedMinutes"], 540);
    assert_eq!(month["days"][0]["late"], false);
}

#[tokio::test]
async fn bad_photos_are_refused_by_kind_and_nothing_is_written() {
    let w = world("2026-11-24T03:00:00Z").await;
    enrol_employee(&w).await;
    let jpeg = sample_photo("obama2.jpg");
    let blank = {
        let mut out = Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            300,
            300,
            image::Rgb([90, 90, 90]),
        ))
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
        out.into_inner()
    };
    for (bytes, status) in [
        (blank, 422),
        (
            [&jpeg[..4], &b"\x00garbage, not entropy-coded data"[..]].concat(),
            400,
        ),
        (b"GIF89a\x01\x00\x01\x00".to_vec(), 415),
        (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec(), 415),
        // Over the 4 MiB cap, yet small enough for its event to reach the function.
        (vec![0xFF; 4 * 1024 * 1024 + 1024], 413),
    ] {
        let (got, problem) = punch(&w, "check-in", &bytes, &[]).await;
        assert_eq!(
            (got, problem["field"].as_str()),
            (status, Some("photo")),
            "{problem}"
        );
    }
    let (got, problem) = call(
        &w,
        Call {
            method: "POST",
            resource: "/attendance/check-in",
            body: Some("{\"photo\": 12}".into()),
            ..Call::default()
        },
    )
    .await;
    assert_eq!((got, problem["field"].as_str()), (400, Some("photo")));
    assert_eq!(days(&w).await, 0);
}

#[tokio::test]
async fn the_work_day_is_kathmandus_and_a_late_check_out_closes_yesterday() {
    // 23:55 on the 24th in Kathmandu (UTC+05:45).
    let w = world("2026-11-24T18:10:00Z").await;
    enrol_employee(&w).await;
    let (_, checked_in) = punch(&w, "check-in", &sample_photo("obama2.jpg"), &[]).await;
    assert_eq!(checked_in["date"], "2026-11-24");
    w.clock.advance(Duration::minutes(10)); // 00:05 on the 25th
    let (status, out) = punch(&w, "check-out", &sample_photo("obama3.jpg"), &[]).await;
    assert_eq!(status, 201, "{out}");
    assert_eq!(out["date"], "2026-11-24", "closes the shift it belongs to");
    // The next morning is a new day.
    w.clock.advance(Duration::hours(9));
    let (_, next) = punch(&w, "check-in", &sample_photo("obama2.jpg"), &[]).await;
    assert_eq!(next["date"], "2026-11-25");
}

#[tokio::test]
async fn twenty_identical_check_ins_store_one_and_a_retry_replays_the_first_answer() {
    let w = Arc::new(world("2026-11-24T03:00:00Z").await);
    enrol_employee(&w).await;
    let jpeg = Arc::new(sample_photo("obama2.jpg"));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (w, jpeg) = (w.clone(), jpeg.clone());
        tasks.push(tokio::spawn(async move {
            punch(&w, "check-in", &jpeg, &[("Idempotency-Key", "tap-1")])
                .await
                .0
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    assert!(statuses.contains(&201));
    assert_eq!(days(&w).await, 1);
    let stored = walkdir(&w.blobs_dir.join("objects"));
    assert_eq!(stored, 1, "losers' photos are removed");
    // Later retries with the key get the first answer again.
    let (status, replay) = punch(&w, "check-in", &jpeg, &[("Idempotency-Key", "tap-1")]).await;
    assert_eq!(status, 201, "{replay}");
    assert_eq!(replay["date"], "2026-11-24");
}

fn walkdir(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| {
            if e.path().is_dir() {
                walkdir(&e.path())
            } else {
                usize::from(e.path().extension().is_some_and(|x| x == "jpg"))
            }
        })
        .sum()
}

#[tokio::test]
async fn reports_and_photo_links_keep_to_roles_and_companies() {
    let w = world("2026-11-24T03:40:00Z").await; // 09:25 local: late
    enrol_employee(&w).await;
    punch(&w, "check-in", &sample_photo("obama2.jpg"), &[]).await;
    let report = |query: Value, who: &'static str| {
        let w = &w;
        async move {
            call(
                w,
                Call {
                    method: "GET",
                    resource: "/attendance/report",
                    query,
                    claims: as_claims(who),
                    ..Call::default()
                },
            )
            .await
        }
    };
    let (status, json_report) = report(json!({"month": "2026-11"}), ADMIN).await;
    assert_eq!(status, 200);
    let employee = &json_report["people"][acme::EMPLOYEE];
    assert_eq!(
        (employee["lateDays"].as_u64(), employee["email"].as_str()),
        (Some(1), Some("employee@acme.test")),
        "{json_report}"
    );
    let (_, csv) = report(json!({"month": "2026-11", "format": "csv"}), ADMIN).await;
    let csv = csv.as_str().unwrap();
    assert!(
        csv.lines().nth(1).unwrap().starts_with(&format!(
            "{},employee@acme.test,,2026-11-24,09:25,,",
            acme::EMPLOYEE
        )),
        "{csv}"
    );
    assert_eq!(
        report(json!({"month": "2026-13"}), ADMIN).await.1["field"],
        "month"
    );
    assert_eq!(
        report(
            json!({"month": "2026-11"}),
            r#"{"cognito:groups": "managers"}"#
        )
        .await
        .0,
        403
    );

    let someone = |who: &'static str| {
        let w = &w;
        async move {
            call(
                w,
                Call {
                    method: "GET",
                    resource: "/attendance/{username}",
                    path: Some(format!("/attendance/{}", acme::EMPLOYEE)),
                    params: json!({"username": acme::EMPLOYEE}),
                    query: json!({"month": "2026-11"}),
                    claims: as_claims(who),
                    ..Call::default()
                },
            )
            .await
            .0
        }
    };
    assert_eq!(
        someone(r#"{"cognito:groups": "managers", "cognito:username": "1a2b3c4d-0000-4000-8000-acme00000002"}"#).await,
        200
    );
    assert_eq!(
        someone(r#"{"cognito:groups": "managers", "cognito:username": "another-manager"}"#).await,
        403
    );
    assert_eq!(
        someone(r#"{"custom:company_id": "globex", "cognito:groups": "admins"}"#).await,
        404
    );

    let link = |who: &'static str| {
        let w = &w;
        async move {
            call(
                w,
                Call {
                    method: "GET",
                    resource: "/attendance/{username}/{date}/photo",
                    path: Some(format!("/attendance/{}/2026-11-24/photo", acme::EMPLOYEE)),
                    params: json!({"username": acme::EMPLOYEE, "date": "2026-11-24"}),
                    query: json!({"kind": "in"}),
                    claims: as_claims(who),
                    ..Call::default()
                },
            )
            .await
        }
    };
    let (status, issued) = link(ADMIN).await;
    assert_eq!(status, 200, "{issued}");
    assert!(issued["url"].as_str().unwrap().contains("/local/blobs/"));
    assert_eq!(link(r#"{"cognito:groups": "employees"}"#).await.0, 403);
    assert_eq!(
        link(r#"{"custom:company_id": "globex", "cognito:groups": "admins"}"#)
            .await
            .0,
        404
    );
    let audits = w
        .store
        .query(
            Table::Attendance,
            &Query::partition(format!("acme#{}", acme::EMPLOYEE).as_str()),
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|i| {
            // Photo-link audits, not the consent trail kept beside them.
            let key = i["work_date"].as_str().unwrap();
            key.starts_with("audit#") && !key.starts_with(AUDIT_PREFIX)
        })
        .count();
    assert_eq!(
        audits, 1,
        "every issued link is audited, refusals issue none"
    );
}

#[tokio::test]
async fn consent_gates_face_work_and_withdrawing_it_deletes_the_face() {
    let w = world("2026-11-24T03:00:00Z").await;
    let before = me(&w).await;
    assert_eq!(before["biometricConsent"], Value::Null);
    assert_eq!(before["mayCheckIn"], false);
    assert_eq!(before["consentText"]["version"], BIOMETRIC_CONSENT.version);
    assert_eq!(before["manager"]["name"], "manager@acme.test");
    assert_eq!(before["company"]["name"], "Acme");

    // Without consent neither the person nor an admin enrols a face, and nothing punches.
    let enrol = |claims: Option<Value>, resource: &'static str, path: Option<String>| Call {
        method: "PUT",
        resource,
        path,
        claims,
        body: Some(photo(&sample_photo("obama.jpg"))),
        ..Call::default()
    };
    for c in [
        enrol(None, "/me/face", None),
        enrol(
            as_claims(ADMIN),
            "/employees/{username}/face",
            Some(format!("/employees/{}/face", acme::EMPLOYEE)),
        ),
    ] {
        let (status, refused) = call(
            &w,
            Call {
                params: json!({"username": acme::EMPLOYEE}),
                ..c
            },
        )
        .await;
        assert_eq!(
            (status, refused["field"].as_str()),
            (409, Some("consent")),
            "{refused}"
        );
    }
    let (status, refused) = punch(&w, "check-in", &sample_photo("obama2.jpg"), &[]).await;
    assert_eq!(
        (status, refused["field"].as_str()),
        (409, Some("consent")),
        "{refused}"
    );

    // A text other than the current one is not consent to it.
    let (status, refused) = call(
        &w,
        Call {
            method: "PUT",
            resource: "/me/biometric-consent",
            body: Some(r#"{"textVersion": "2020-01-01"}"#.into()),
            ..Call::default()
        },
    )
    .await;
    assert_eq!(
        (status, refused["field"].as_str()),
        (409, Some("textVersion"))
    );
    assert!(trail(&w).await.is_empty(), "a refusal changes nothing");

    enrol_employee(&w).await;
    let enrolled = me(&w).await;
    assert_eq!(enrolled["face"]["enrolled"], true);
    assert_eq!(enrolled["face"]["enrolledAt"], "2026-11-24T03:00:00Z");
    assert_eq!(
        enrolled["biometricConsent"]["textVersion"],
        BIOMETRIC_CONSENT.version
    );
    assert_eq!(enrolled["mayCheckIn"], true);
    assert_eq!(
        punch(&w, "check-in", &sample_photo("obama2.jpg"), &[])
            .await
            .0,
        201
    );
    let face_id = RosterRepo::new(w.store.as_ref())
        .get("acme", acme::EMPLOYEE)
        .await
        .unwrap()
        .and_then(|e| e.face_id)
        .expect("enrolled");

    w.clock.advance(Duration::hours(1));
    assert_eq!(withdraw(&w).await.0, 204);
    let after = me(&w).await;
    assert_eq!(
        (
            &after["face"]["enrolled"],
            &after["biometricConsent"],
            &after["mayCheckIn"]
        ),
        (&json!(false), &Value::Null, &json!(false))
    );
    // The face service forgot the template itself, not only the roster its id.
    assert!(
        w.app
            .faces
            .compare("acme", &face_id, &sample_photo("obama2.jpg"))
            .await
            .is_err(),
        "the withdrawn face still matches"
    );
    let (status, refused) = punch(&w, "check-out", &sample_photo("obama2.jpg"), &[]).await;
    assert_eq!((status, refused["field"].as_str()), (409, Some("consent")));
    // Consenting again does not bring the old face back.
    assert_eq!(consent(&w).await.0, 200);
    let (status, refused) = punch(&w, "check-out", &sample_photo("obama2.jpg"), &[]).await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(me(&w).await["face"]["enrolled"], false);

    let changes: Vec<(ConsentChange, bool, String)> = trail(&w)
        .await
        .into_iter()
        .map(|a| (a.change, a.face_deleted, a.by))
        .collect();
    let by = acme::EMPLOYEE.to_string();
    assert_eq!(
        changes,
        vec![
            (ConsentChange::Given, false, by.clone()),
            (ConsentChange::Withdrawn, true, by.clone()),
            (ConsentChange::Given, false, by),
        ]
    );

    // The company's admin reads the same trail; nobody else's people are theirs to read.
    let read_trail = |username: &'static str| {
        call(
            &w,
            Call {
                method: "GET",
                resource: "/employees/{username}/consent-trail",
                path: Some(format!("/employees/{username}/consent-trail")),
                params: json!({ "username": username }),
                claims: as_claims(ADMIN),
                ..Call::default()
            },
        )
    };
    let (status, shown) = read_trail(acme::EMPLOYEE).await;
    assert_eq!(status, 200, "{shown}");
    let seen: Vec<(&str, &Value, bool)> = shown["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["change"].as_str().unwrap(),
                &i["textVersion"],
                i["faceDeleted"] == true,
            )
        })
        .collect();
    let version = json!(BIOMETRIC_CONSENT.version);
    assert_eq!(
        seen,
        vec![
            ("given", &version, false),
            ("withdrawn", &Value::Null, true),
            ("given", &version, false),
        ],
        "oldest first"
    );
    assert_eq!(read_trail("someone-of-globex").await.0, 404);
}

#[tokio::test]
async fn twenty_identical_consents_and_withdrawals_change_and_audit_once_each() {
    let w = world("2026-11-24T03:00:00Z").await;
    let gives = futures_util::future::join_all((0..20).map(|_| consent(&w))).await;
    assert!(gives.iter().all(|(s, _)| *s == 200), "{gives:?}");
    assert_eq!(trail(&w).await.len(), 1);
    let withdrawals = futures_util::future::join_all((0..20).map(|_| withdraw(&w))).await;
    assert!(
        withdrawals.iter().all(|(s, _)| *s == 204),
        "{withdrawals:?}"
    );
    let changes: Vec<ConsentChange> = trail(&w).await.into_iter().map(|a| a.change).collect();
    assert_eq!(
        changes,
        vec![ConsentChange::Given, ConsentChange::Withdrawn]
    );
    // Withdrawing what is not given changes nothing.
    assert_eq!(withdraw(&w).await.0, 204);
    assert_eq!(trail(&w).await.len(), 2);
}
