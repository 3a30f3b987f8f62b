//! personal-details handler tests: the `events/` fixture through the real handler on SQLite and
//! the file blob store, with a clock the tests move.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::applicant::{ApplicantRepo, ApplicantRow, resume_key};
use domain::calendar::sortable;
use domain::clock::{Clock, ManualClock};
use domain::exam::{
    Answers, Attempt, AttemptRepo, Difficulty, DrawnQuestion, FrozenQuestion, QuestionDraft,
    QuestionKind, QuestionOption, Scoring,
};
use domain::ports::{BlobStore, DirectoryError, ItemStore, Key, Table, UserDirectory};
use edge::function::RestFunction;
use embedded_adapters::{FileBlobStore, LocalDirectory, SqliteStore};
use lambda_http::Body;
use personal_details::PersonalDetails;
use serde_json::{Map, Value, json};
use testkit::{edit_claims, rest_request, set_body, temp_dir};

const FIXTURE: &str = "personal-details/put-applicant.json";
/// The applicant of the fixture.
const SITA: &str = "5d1c2b3a-0000-4000-8000-applicant001";

struct World {
    app: PersonalDetails,
    store: Arc<SqliteStore>,
    blobs: Arc<FileBlobStore>,
    directory: Arc<LocalDirectory>,
    clock: Arc<ManualClock>,
}

fn world() -> World {
    let dir = temp_dir("personal-details");
    let store = Arc::new(SqliteStore::open(&dir.join("tables.sqlite3")).unwrap());
    let blobs = Arc::new(FileBlobStore::new(
        dir.join("blobs"),
        "http://127.0.0.1:3000".into(),
        b"k".repeat(32),
    ));
    let directory = Arc::new(LocalDirectory::open(&dir.join("directory.sqlite3")).unwrap());
    let clock = Arc::new(ManualClock::at(
        Utc.with_ymd_and_hms(2026, 11, 24, 4, 0, 0).unwrap(),
    ));
    let app = PersonalDetails {
        store: store.clone(),
        blobs: blobs.clone(),
        directory: directory.clone(),
        clock: clock.clone(),
    };
    World {
        app,
        store,
        blobs,
        directory,
        clock,
    }
}

fn applicant(sub: &str) -> Value {
    json!({"sub": sub, "cognito:username": sub, "email": format!("{sub}@example.test"), "cognito:groups": "applicants"})
}

fn recruiter() -> Value {
    json!({"sub": "recruiter-1", "cognito:username": "recruiter@genese.test", "email": "recruiter@genese.test", "cognito:groups": "recruiters"})
}

/// A new applicant signed up in the pool: their claims (the pool's username, not the email).
fn signed_up(w: &World, email: &str) -> Value {
    let user = w.directory.sign_up(email, "Passw0rd!long").unwrap();
    json!({"sub": user.sub, "cognito:username": user.username, "email": email, "cognito:groups": "applicants"})
}

/// A response, read.
struct Answer {
    status: u16,
    body: Value,
    content_type: String,
    disposition: Option<String>,
}

impl Answer {
    fn field(&self) -> Option<&str> {
        self.body["field"].as_str()
    }
}

/// The fixture aimed at `method target` (path and query) as `claims`, then `edit`ed.
async fn send(
    app: &PersonalDetails,
    method: &str,
    target: &str,
    claims: Value,
    edit: impl FnOnce(&mut Value),
) -> Answer {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let uid = path
        .strip_prefix("/applicants/")
        .filter(|rest| *rest != "me" && !rest.starts_with("me/"));
    let resource = if uid.is_some() {
        "/applicants/{uid}"
    } else {
        path
    };
    let query: Map<String, Value> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let response = app
        .handle(rest_request(FIXTURE, |e| {
            e["httpMethod"] = json!(method);
            e["requestContext"]["httpMethod"] = json!(method);
            e["resource"] = json!(resource);
            e["requestContext"]["resourcePath"] = json!(resource);
            e["path"] = json!(path);
            e["pathParameters"] = uid.map_or(Value::Null, |uid| json!({ "uid": uid }));
            if !query.is_empty() {
                e["multiValueQueryStringParameters"] = query
                    .iter()
                    .map(|(k, v)| (k.clone(), json!([v])))
                    .collect::<Map<_, _>>()
                    .into();
                e["queryStringParameters"] = query.into();
            }
            edit_claims(e, claims);
            e["body"] = Value::Null;
            edit(e);
        }))
        .await;
    Answer {
        status: response.status().as_u16(),
        content_type: response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string(),
        disposition: response
            .headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: match response.body() {
            Body::Text(t) => serde_json::from_str(t).unwrap(),
            _ => Value::Null,
        },
    }
}

/// [`send`] with `payload` as the JSON body.
async fn call(
    app: &PersonalDetails,
    method: &str,
    target: &str,
    claims: Value,
    payload: Option<Value>,
) -> Answer {
    send(app, method, target, claims, |e| {
        if let Some(p) = payload {
            set_body(e, &p.to_string());
        }
    })
    .await
}

/// Valid details, as the fixture sends them.
fn details() -> Value {
    let event = testkit::load(FIXTURE);
    serde_json::from_str(event["body"].as_str().unwrap()).unwrap()
}

async fn fill_in(w: &World, sub: &str, first_name: &str) {
    let mut d = details();
    d["firstName"] = json!(first_name);
    let r = call(&w.app, "PUT", "/applicants/me", applicant(sub), Some(d)).await;
    assert_eq!(r.status, 201, "{}", r.body);
}

/// Uploads `bytes` the way a browser would through the offered URL.
async fn upload_cv(w: &World, sub: &str, bytes: &[u8]) {
    let offer = call(
        &w.app,
        "POST",
        "/applicants/me/resume",
        applicant(sub),
        Some(json!({ "size": bytes.len() })),
    )
    .await;
    assert_eq!(offer.status, 201, "{}", offer.body);
    w.blobs
        .accept_presigned_put(
            offer.body["url"].as_str().unwrap(),
            "application/pdf",
            bytes.to_vec(),
        )
        .await
        .unwrap();
}

/// An exam of two questions (5 and 3 points) whose right answer is shown first.
fn exam_questions() -> Vec<FrozenQuestion> {
    [("q1", 5), ("q2", 3)]
        .into_iter()
        .map(|(id, points)| FrozenQuestion {
            drawn: DrawnQuestion {
                question_id: id.into(),
                category: "rust".into(),
                option_order: vec![0, 1],
            },
            content: QuestionDraft {
                text: format!("question {id}"),
                kind: QuestionKind::Single,
                category: "rust".into(),
                difficulty: Difficulty::Easy,
                points,
                options: vec![
                    QuestionOption {
                        text: "right".into(),
                        correct: true,
                    },
                    QuestionOption {
                        text: "wrong".into(),
                        correct: false,
                    },
                ],
                active: true,
            },
        })
        .collect()
}

/// Starts `uid`'s exam now, with 30 minutes and 30 seconds of grace, and saves `answers`.
async fn start_exam(w: &World, uid: &str, answers: &[(&str, usize)]) -> DateTime<Utc> {
    let now = w.clock.now();
    let repo = AttemptRepo::new(w.store.as_ref());
    repo.create_once(Attempt::start(
        uid,
        None,
        exam_questions(),
        now,
        Duration::minutes(30),
        Duration::seconds(30),
        Scoring::AllOrNothing,
    ))
    .await
    .unwrap();
    let answers: Answers = answers
        .iter()
        .map(|(q, shown)| (q.to_string(), vec![*shown]))
        .collect();
    repo.change(uid, now, |a| a.save(&answers, now))
        .await
        .unwrap();
    now
}

async fn submit_exam(w: &World, uid: &str, answers: &[(&str, usize)]) {
    start_exam(w, uid, answers).await;
    let now = w.clock.now();
    AttemptRepo::new(w.store.as_ref())
        .change(uid, now, |a| a.submit(now))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_applicant_fills_in_details_and_reads_them_back() {
    let w = world();
    let created = w.app.handle(rest_request(FIXTURE, |_| {})).await;
    assert_eq!(created.status(), 201);

    let read = call(&w.app, "GET", "/applicants/me", applicant(SITA), None).await;
    assert_eq!(read.status, 200, "{}", read.body);
    let me = &read.body;
    assert_eq!(me["id"], SITA);
    assert_eq!(
        (me["firstName"].as_str(), me["lastName"].as_str()),
        (Some("Sita"), Some("Rai"))
    );
    assert_eq!(
        me["email"], "sita.rai@example.test",
        "the token's email by default"
    );
    assert_eq!(me["phone"], "+9779812345678");
    assert_eq!(me["education"][0]["graduationYear"], 2025);
    assert_eq!(
        me["availability"],
        json!({"startDate": "2026-12-01", "commitment": "internship"})
    );
    assert_eq!(me["resume"], json!({"status": "none"}));
    assert_eq!(me["exam"], Value::Null);

    w.clock.advance(Duration::hours(1));
    let mut changed = details();
    changed["phone"] = json!("+14155550123");
    changed["email"] = json!("sita@work.example");
    changed["education"] = json!([]);
    let replaced = call(
        &w.app,
        "PUT",
        "/applicants/me",
        applicant(SITA),
        Some(changed),
    )
    .await;
    assert_eq!(replaced.status, 200, "a replacement is not a creation");
    assert_eq!(replaced.body["phone"], "+14155550123");
    assert_eq!(replaced.body["email"], "sita@work.example");
    assert_eq!(replaced.body["education"], json!([]));
    assert_eq!(replaced.body["createdAt"], me["createdAt"]);
    assert_ne!(replaced.body["updatedAt"], me["updatedAt"]);
    assert_eq!(
        call(&w.app, "GET", "/applicants/me", applicant(SITA), None)
            .await
            .body,
        replaced.body
    );

    let row = w
        .store
        .get(Table::Applicants, &Key::of(SITA))
        .await
        .unwrap()
        .unwrap();
    let joined = format!(
        "{}#{SITA}",
        sortable(Utc.with_ymd_and_hms(2026, 11, 24, 4, 0, 0).unwrap())
    );
    assert_eq!(
        (
            row["roster"].as_str(),
            row["joined"].as_str(),
            row["version"].as_u64()
        ),
        (Some("applicants"), Some(joined.as_str()), Some(2))
    );
}

#[tokio::test]
async fn each_bad_field_is_named_and_nothing_is_written() {
    let w = world();
    let mut two_schools = details();
    two_schools["education"] = json!([
        {"institution": "TU", "degree": "BSc", "graduationYear": 2024},
        {"institution": "KU", "degree": "MSc", "graduationYear": 1900}
    ]);
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({"firstName": ""}), 422, "firstName"),
        (json!({"lastName": " "}), 422, "lastName"),
        (json!({"phone": "9812345678"}), 422, "phone"),
        (json!({"phone": "+977 9812345678"}), 422, "phone"),
        (json!({"email": "sita@localhost"}), 422, "email"),
        (
            json!({"availability": {"startDate": "2026-02-30", "commitment": "full-time"}}),
            422,
            "availability.startDate",
        ),
        (
            json!({"availability": {"startDate": "2026-12-01", "commitment": "weekends"}}),
            400,
            "availability.commitment",
        ),
        (json!({"age": 21}), 400, "age"),
        (json!({"phone": 9812345678u64}), 400, "phone"),
    ];
    for (changes, status, field) in cases {
        let mut body = details();
        for (k, v) in changes.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = call(&w.app, "PUT", "/applicants/me", applicant(SITA), Some(body)).await;
        assert_eq!((r.status, r.field()), (status, Some(field)), "{}", r.body);
        assert_eq!(r.content_type, "application/problem+json");
    }
    let r = call(
        &w.app,
        "PUT",
        "/applicants/me",
        applicant(SITA),
        Some(two_schools),
    )
    .await;
    assert_eq!(
        (r.status, r.field()),
        (422, Some("education[1].graduationYear"))
    );

    let text = send(&w.app, "PUT", "/applicants/me", applicant(SITA), |e| {
        set_body(e, &details().to_string());
        e["headers"]["Content-Type"] = json!("text/plain");
        e["multiValueHeaders"]["Content-Type"] = json!(["text/plain"]);
    })
    .await;
    assert_eq!(text.status, 415);
    let empty = call(&w.app, "PUT", "/applicants/me", applicant(SITA), None).await;
    assert_eq!((empty.status, empty.field()), (400, Some("body")));

    assert_eq!(
        w.store
            .get(Table::Applicants, &Key::of(SITA))
            .await
            .unwrap(),
        None,
        "nothing written"
    );
    let r = call(&w.app, "GET", "/applicants/me", applicant(SITA), None).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn every_route_refuses_the_wrong_role() {
    let w = world();
    let applicant_routes = [
        ("GET", "/applicants/me"),
        ("PUT", "/applicants/me"),
        ("DELETE", "/applicants/me"),
        ("GET", "/applicants/me/export"),
        ("POST", "/applicants/me/resume"),
    ];
    let recruiter_routes = [("GET", "/applicants"), ("GET", "/applicants/someone")];
    let admin = json!({"sub": "a-1", "cognito:groups": "admins", "custom:company_id": "acme"});
    for (method, target) in applicant_routes {
        for claims in [recruiter(), admin.clone()] {
            let r = call(&w.app, method, target, claims, Some(details())).await;
            assert_eq!(
                (r.status, r.content_type.as_str()),
                (403, "application/problem+json"),
                "{method} {target}"
            );
        }
    }
    for (method, target) in recruiter_routes {
        for claims in [applicant(SITA), admin.clone()] {
            let r = call(&w.app, method, target, claims, None).await;
            assert_eq!(
                (r.status, r.content_type.as_str()),
                (403, "application/problem+json"),
                "{method} {target}"
            );
        }
    }
    let anonymous = w
        .app
        .handle(rest_request(FIXTURE, |e| {
            testkit::set_claims(e, Value::Null)
        }))
        .await;
    assert_eq!(anonymous.status(), 401);
    let r = call(&w.app, "PATCH", "/applicants/me", applicant(SITA), None).await;
    assert_eq!(r.status, 405);
    assert_eq!(
        w.store
            .get(Table::Applicants, &Key::of(SITA))
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn a_cv_upload_is_offered_after_the_details_and_within_the_size_cap() {
    let w = world();
    let early = call(
        &w.app,
        "POST",
        "/applicants/me/resume",
        applicant(SITA),
        Some(json!({"size": 1000})),
    )
    .await;
    assert_eq!(early.status, 409);
    assert!(
        early.body["detail"]
            .as_str()
            .unwrap()
            .contains("PUT /applicants/me")
    );
    assert_eq!(
        w.store
            .get(Table::Applicants, &Key::of(SITA))
            .await
            .unwrap(),
        None
    );

    fill_in(&w, SITA, "Sita").await;
    for (body, status) in [
        (json!({"size": 0}), 422),
        (json!({"size": 5 * 1024 * 1024 + 1}), 422),
        (json!({"size": -1}), 400),
        (json!({"size": "big"}), 400),
    ] {
        let r = call(
            &w.app,
            "POST",
            "/applicants/me/resume",
            applicant(SITA),
            Some(body),
        )
        .await;
        assert_eq!((r.status, r.field()), (status, Some("size")), "{}", r.body);
    }
    let row = w
        .store
        .get(Table::Applicants, &Key::of(SITA))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row["resume_key"],
        Value::Null,
        "a refused request records nothing"
    );

    let offer = call(
        &w.app,
        "POST",
        "/applicants/me/resume",
        applicant(SITA),
        Some(json!({"size": 5 * 1024 * 1024})),
    )
    .await;
    assert_eq!(offer.status, 201, "{}", offer.body);
    let key = format!("resumes/{SITA}/cv.pdf");
    assert_eq!(offer.body["method"], "PUT");
    assert_eq!(offer.body["key"], key.as_str());
    assert_eq!(offer.body["expiresIn"], 600);
    assert_eq!(offer.body["headers"]["content-type"], "application/pdf");
    assert!(offer.body["url"].as_str().unwrap().contains(&key));
    let row = w
        .store
        .get(Table::Applicants, &Key::of(SITA))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row["resume_key"], key.as_str());
    assert!(row["resume_requested_at"].is_string());

    let me = call(&w.app, "GET", "/applicants/me", applicant(SITA), None).await;
    assert_eq!(me.body["resume"], json!({"status": "missing"}));
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(48_213, b' ');
    upload_cv(&w, SITA, &pdf).await;
    let me = call(&w.app, "GET", "/applicants/me", applicant(SITA), None).await;
    assert_eq!(me.body["resume"]["status"], "uploaded");
    assert_eq!(me.body["resume"]["size"], 48_213);
}

#[tokio::test]
async fn recruiters_list_applicants_by_score_and_newest_first() {
    let w = world();
    for (uid, first_name) in [("ana", "Ana"), ("bikash", "Bikash"), ("chandra", "Chandra")] {
        fill_in(&w, uid, first_name).await;
        w.clock.advance(Duration::minutes(1));
    }
    submit_exam(&w, "ana", &[("q1", 0), ("q2", 0)]).await; // 8 points
    submit_exam(&w, "bikash", &[("q1", 1)]).await; // 0 points
    submit_exam(&w, "dipesh", &[("q2", 0)]).await; // 3 points, never filled in details

    let first = call(
        &w.app,
        "GET",
        "/applicants?sort=score&limit=2",
        recruiter(),
        None,
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let items = first.body["items"].as_array().unwrap();
    let ids: Vec<_> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["ana", "dipesh"]);
    assert_eq!(items[0]["firstName"], "Ana");
    assert_eq!(items[0]["exam"]["score"], 8.0);
    assert_eq!(items[0]["exam"]["maxScore"], 8);
    assert_eq!(items[0]["exam"]["status"], "submitted");
    assert_eq!(items[0]["exam"]["finalisedBy"], "applicant");
    assert_eq!(items[0]["resume"], false);
    assert_eq!(
        items[1]["firstName"],
        Value::Null,
        "no details: nulls, still ranked"
    );
    assert_eq!(items[1]["exam"]["score"], 3.0);
    let cursor = first.body["nextCursor"].as_str().unwrap().to_string();
    let second = call(
        &w.app,
        "GET",
        &format!("/applicants?sort=score&limit=2&cursor={cursor}"),
        recruiter(),
        None,
    )
    .await;
    let ids: Vec<_> = second.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["bikash"]);
    assert_eq!(second.body["nextCursor"], Value::Null);

    upload_cv(&w, "chandra", b"%PDF-1.4\n").await;
    let recent = call(&w.app, "GET", "/applicants", recruiter(), None).await;
    let items = recent.body["items"].as_array().unwrap();
    let ids: Vec<_> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["chandra", "bikash", "ana"],
        "newest first; no details, no row"
    );
    assert_eq!(items[0]["exam"], Value::Null);
    assert_eq!(items[0]["resume"], true);
    assert_eq!(items[0]["email"], "chandra@example.test");
    assert_eq!(items[2]["exam"]["score"], 8.0);
    assert_eq!(items[0].as_object().unwrap().len(), 7, "{}", items[0]);

    for (query, field) in [
        ("sort=best", "sort"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("cursor=bm9wZQ", "cursor"),
        ("cursor=recent.bm9wZQ", "cursor"),
        (&format!("sort=recent&cursor={cursor}") as &str, "cursor"),
    ] {
        let r = call(
            &w.app,
            "GET",
            &format!("/applicants?{query}"),
            recruiter(),
            None,
        )
        .await;
        assert_eq!(
            (r.status, r.field()),
            (400, Some(field)),
            "{query}: {}",
            r.body
        );
    }
}

#[tokio::test]
async fn a_recruiter_gets_a_cv_link_only_for_a_real_pdf() {
    let w = world();
    fill_in(&w, "pdf", "Pramila").await;
    fill_in(&w, "exe", "Eshan").await;
    fill_in(&w, "none", "Nabin").await;
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n".to_vec();
    upload_cv(&w, "pdf", &pdf).await;
    upload_cv(&w, "exe", b"MZ\x90\x00\x03\x00\x00\x00").await;

    let read = call(&w.app, "GET", "/applicants/pdf", recruiter(), None).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["firstName"], "Pramila");
    assert_eq!(read.body["availability"]["commitment"], "internship");
    let resume = &read.body["resume"];
    assert_eq!(
        (resume["status"].as_str(), resume["size"].as_u64()),
        (Some("uploaded"), Some(pdf.len() as u64))
    );
    assert_eq!(resume["expiresIn"], 300);
    let fetched = w
        .blobs
        .open_presigned(resume["url"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fetched.bytes, pdf);

    let read = call(&w.app, "GET", "/applicants/exe", recruiter(), None).await;
    assert_eq!(
        read.body["resume"],
        json!({"status": "rejected", "detail": "the uploaded file is not a PDF"}),
        "no URL for what is not a PDF"
    );
    let read = call(&w.app, "GET", "/applicants/none", recruiter(), None).await;
    assert_eq!(read.body["resume"], json!({"status": "none"}));

    let unknown = call(&w.app, "GET", "/applicants/nobody", recruiter(), None).await;
    assert_eq!(
        (unknown.status, unknown.content_type.as_str()),
        (404, "application/problem+json")
    );
}

#[tokio::test]
async fn an_applicant_sees_their_exam_status_but_never_the_score() {
    let w = world();
    fill_in(&w, SITA, "Sita").await;
    submit_exam(&w, SITA, &[("q1", 0), ("q2", 0)]).await;

    let me = call(&w.app, "GET", "/applicants/me", applicant(SITA), None).await;
    let exam = &me.body["exam"];
    assert_eq!(exam["status"], "submitted");
    assert!(exam["submittedAt"].is_string() && exam["deadline"].is_string());
    let text = me.body.to_string();
    for secret in ["score", "Score", "grade", "byCategory", "correct"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let saved = call(
        &w.app,
        "PUT",
        "/applicants/me",
        applicant(SITA),
        Some(details()),
    )
    .await;
    assert_eq!(saved.body["exam"]["status"], "submitted");
    assert!(!saved.body.to_string().contains("score"));

    let recruiter_view = call(
        &w.app,
        "GET",
        &format!("/applicants/{SITA}"),
        recruiter(),
        None,
    )
    .await;
    assert_eq!(recruiter_view.body["exam"]["score"], 8.0);
    assert_eq!(
        recruiter_view.body["exam"]["byCategory"]["rust"]["maxScore"],
        8
    );
}

#[tokio::test]
async fn an_overdue_attempt_reads_as_submitted_at_its_deadline() {
    let w = world();
    fill_in(&w, SITA, "Sita").await;
    let started = start_exam(&w, SITA, &[("q1", 0)]).await;
    start_exam(&w, "late", &[("q2", 0)]).await;
    let me = call(&w.app, "GET", "/applicants/me", applicant(SITA), None).await;
    assert_eq!(me.body["exam"]["status"], "in_progress");

    w.clock.advance(Duration::minutes(31));
    let read = call(
        &w.app,
        "GET",
        &format!("/applicants/{SITA}"),
        recruiter(),
        None,
    )
    .await;
    let exam = &read.body["exam"];
    assert_eq!(exam["status"], "submitted", "{}", read.body);
    assert_eq!(exam["finalisedBy"], "deadline");
    assert_eq!(exam["score"], 5.0, "graded on the saved answers");
    let deadline = started + Duration::minutes(30);
    assert_eq!(
        exam["submittedAt"]
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok()),
        Some(deadline.fixed_offset())
    );
    let stored = AttemptRepo::new(w.store.as_ref())
        .get(SITA)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.submitted_at,
        Some(deadline),
        "finalised in the store, not only in the view"
    );

    let ranking = call(&w.app, "GET", "/applicants?sort=score", recruiter(), None).await;
    let ranked: Vec<_> = ranking.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap(), i["exam"]["score"].as_f64()))
        .collect();
    assert_eq!(
        ranked,
        [(SITA, Some(5.0)), ("late", Some(3.0))],
        "an overdue attempt nobody read is ranked too"
    );
}

#[tokio::test]
async fn an_applicant_exports_everything_held_about_them() {
    let w = world();
    let export_of =
        |sub: &'static str| call(&w.app, "GET", "/applicants/me/export", applicant(sub), None);
    let early = export_of(SITA).await;
    assert_eq!(early.status, 200, "{}", early.body);
    assert_eq!(
        (&early.body["details"], &early.body["exam"]),
        (&Value::Null, &Value::Null),
        "nothing held yet, and said so"
    );
    assert_eq!(early.body["resume"], json!({"status": "none"}));

    fill_in(&w, SITA, "Sita").await;
    upload_cv(&w, SITA, b"%PDF-1.7 cv").await;
    submit_exam(&w, SITA, &[("q1", 0), ("q2", 1)]).await;
    let export = export_of(SITA).await;
    assert_eq!(export.status, 200, "{}", export.body);
    assert_eq!(
        export.disposition.as_deref(),
        Some("attachment; filename=\"career-genese-my-data.json\"")
    );
    let body = &export.body;
    assert_eq!(body["account"]["id"], SITA);
    assert_eq!(body["account"]["email"], format!("{SITA}@example.test"));
    assert_eq!(body["details"]["firstName"], "Sita");
    assert_eq!(body["details"]["education"][0]["graduationYear"], 2025);
    assert!(body["createdAt"].is_string() && body["updatedAt"].is_string());
    assert_eq!(body["resume"]["status"], "uploaded");
    let link = body["resume"]["url"].as_str().expect("a link to the PDF");
    assert!(link.contains(&resume_key(SITA)), "{link}");
    let exam = &body["exam"];
    assert_eq!(exam["status"], "submitted");
    assert_eq!(exam["questions"][0]["options"], json!(["right", "wrong"]));
    assert!(
        !exam["questions"].to_string().contains("correct"),
        "the key of the bank is not theirs: {exam}"
    );
    assert_eq!(exam["answers"], json!({"q1": [0], "q2": [1]}));
    assert_eq!(
        (
            exam["grade"]["score"].as_f64(),
            exam["grade"]["maxScore"].as_u64()
        ),
        (Some(5.0), Some(8)),
        "what is held about them includes their grade"
    );

    let other = export_of("someone-else").await;
    assert_eq!(other.status, 200);
    assert_eq!(other.body["details"], Value::Null, "only their own");
}

#[tokio::test]
async fn erasure_removes_details_cv_and_account_and_keeps_the_exam_anonymised() {
    let w = world();
    let sita = signed_up(&w, "sita@example.test");
    let uid = sita["sub"].as_str().unwrap().to_string();
    let username = sita["cognito:username"].as_str().unwrap().to_string();
    let d = details();
    assert_eq!(
        call(
            &w.app,
            "PUT",
            "/applicants/me",
            sita.clone(),
            Some(d.clone())
        )
        .await
        .status,
        201
    );
    upload_cv(&w, &uid, b"%PDF-1.7 cv").await;
    submit_exam(&w, &uid, &[("q1", 0), ("q2", 0)]).await;
    // The attempt names them as a started one does (POST /exams keeps the token's email).
    let key = Key::with_sort(&uid, domain::exam::ATTEMPT_ID);
    let mut item = w
        .store
        .get(Table::ExamAttempts, &key)
        .await
        .unwrap()
        .unwrap();
    item.insert("email".into(), json!("sita@example.test"));
    w.store
        .put(Table::ExamAttempts, item, domain::ports::Condition::Always)
        .await
        .unwrap();
    let attempts = AttemptRepo::new(w.store.as_ref());

    let erased = call(&w.app, "DELETE", "/applicants/me", sita.clone(), None).await;
    assert_eq!(erased.status, 204, "{}", erased.body);

    assert!(matches!(
        ApplicantRepo::new(w.store.as_ref())
            .read(&uid)
            .await
            .unwrap(),
        ApplicantRow::Erased { .. }
    ));
    let mark = w
        .store
        .get(Table::Applicants, &Key::of(&uid))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mark.len(), 2, "only the key and when: {mark:?}");
    assert!(
        w.blobs.peek(&resume_key(&uid), 5).await.unwrap().is_none(),
        "the CV is gone"
    );
    assert_eq!(
        w.directory.get_user(&username).await,
        Err(DirectoryError::UserNotFound),
        "the sign-in account is gone"
    );
    let kept = attempts.get(&uid).await.unwrap().unwrap();
    assert_eq!(kept.email, None);
    assert!(kept.anonymised_at.is_some());
    assert_eq!(
        kept.grade.as_ref().map(|g| g.score),
        Some(8.0),
        "the statistics keep it"
    );

    // The token outlives the account: everything it asks for now is 410, nothing is written.
    for (method, target, body) in [
        ("GET", "/applicants/me", None),
        ("PUT", "/applicants/me", Some(d.clone())),
        ("POST", "/applicants/me/resume", Some(json!({"size": 100}))),
        ("GET", "/applicants/me/export", None),
    ] {
        let r = call(&w.app, method, target, sita.clone(), body).await;
        assert_eq!(
            (method, target, r.status),
            (method, target, 410),
            "{}",
            r.body
        );
        assert_eq!(r.content_type, "application/problem+json");
    }
    assert_eq!(
        w.store
            .get(Table::Applicants, &Key::of(&uid))
            .await
            .unwrap()
            .unwrap(),
        mark,
        "the mark is all there is"
    );
    let again = call(&w.app, "DELETE", "/applicants/me", sita.clone(), None).await;
    assert_eq!(again.status, 204, "asking again answers the same");

    let ranked = call(&w.app, "GET", "/applicants?sort=score", recruiter(), None).await;
    let row = &ranked.body["items"][0];
    assert_eq!(row["id"], uid.as_str());
    assert_eq!(
        (
            &row["firstName"],
            &row["email"],
            row["exam"]["score"].as_f64()
        ),
        (&Value::Null, &Value::Null, Some(8.0)),
        "ranked, naming no one"
    );
    let recent = call(&w.app, "GET", "/applicants", recruiter(), None).await;
    assert_eq!(recent.body["items"], json!([]), "no longer an applicant");
}

#[tokio::test]
async fn an_unfinished_exam_goes_with_its_applicant_and_an_overdue_one_is_graded_and_kept() {
    let w = world();
    let attempts = AttemptRepo::new(w.store.as_ref());
    fill_in(&w, "u-running", "Ram").await;
    start_exam(&w, "u-running", &[("q1", 0)]).await;
    assert_eq!(
        call(
            &w.app,
            "DELETE",
            "/applicants/me",
            applicant("u-running"),
            None
        )
        .await
        .status,
        204
    );
    assert!(
        attempts.get("u-running").await.unwrap().is_none(),
        "an unfinished exam says nothing"
    );

    start_exam(&w, "u-late", &[("q1", 0)]).await;
    w.clock.advance(Duration::hours(1));
    assert_eq!(
        call(
            &w.app,
            "DELETE",
            "/applicants/me",
            applicant("u-late"),
            None
        )
        .await
        .status,
        204,
        "an applicant without details may erase what they have"
    );
    let kept = attempts.get("u-late").await.unwrap().unwrap();
    assert_eq!(
        kept.finalised_by,
        Some(domain::exam::Finalisation::Deadline)
    );
    assert!(kept.anonymised_at.is_some());
}

#[tokio::test]
async fn twenty_concurrent_erasures_and_saves_end_erased_once() {
    let w = world();
    let sita = signed_up(&w, "sita@example.test");
    let uid = sita["sub"].as_str().unwrap().to_string();
    assert_eq!(
        call(
            &w.app,
            "PUT",
            "/applicants/me",
            sita.clone(),
            Some(details())
        )
        .await
        .status,
        201
    );
    submit_exam(&w, &uid, &[("q1", 0)]).await;
    let submitted = AttemptRepo::new(w.store.as_ref())
        .get(&uid)
        .await
        .unwrap()
        .unwrap();
    let tasks: Vec<_> = (0..20)
        .map(|n| {
            let app = w.app.clone();
            let sita = sita.clone();
            tokio::spawn(async move {
                if n % 4 == 0 {
                    let r = call(&app, "PUT", "/applicants/me", sita, Some(details())).await;
                    assert!(matches!(r.status, 200 | 410), "{} {}", r.status, r.body);
                    None
                } else {
                    Some(
                        call(&app, "DELETE", "/applicants/me", sita, None)
                            .await
                            .status,
                    )
                }
            })
        })
        .collect();
    for task in tasks {
        if let Some(status) = task.await.unwrap() {
            assert_eq!(status, 204);
        }
    }
    assert!(matches!(
        ApplicantRepo::new(w.store.as_ref())
            .read(&uid)
            .await
            .unwrap(),
        ApplicantRow::Erased { .. }
    ));
    let kept = AttemptRepo::new(w.store.as_ref())
        .get(&uid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.version, submitted.version + 1, "anonymised once");
}
