//! The Career Genese journey end to end through the real stack: a recruiter builds the bank,
//! a new applicant signs up, fills in details, starts, saves and submits; the recruiter sees
//! the score, and the mail pair is written once, however many submits race; a recruiter gives
//! her extra time and her deadline moves; then she exports
//! her data and erases herself.

use std::time::Duration;

use genese_tests::local_stack::LocalStack;
use serde_json::{Value, json};

const DEMO_PASSWORD: &str = "Demo-Password-1";
/// The test's own categories, so the demo bank never enters the draw.
const POLICY: &str = "e2e-go=4,e2e-net=4,e2e-math=4";

struct Client<'a> {
    stack: &'a LocalStack,
    token: String,
}

impl Client<'_> {
    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .stack
            .http
            .request(method, self.stack.url(path))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn an_applicant_takes_the_exam_and_the_recruiter_sees_the_score() {
    let stack = LocalStack::start_with(&[("EXAM_QUESTIONS_PER_CATEGORY", POLICY)]);
    let recruiter = Client {
        stack: &stack,
        token: stack.token("recruiter@genese.test", DEMO_PASSWORD).await,
    };
    for category in ["e2e-go", "e2e-net", "e2e-math"] {
        for i in 0..4 {
            let (status, body) = recruiter
                .send(
                    "POST",
                    "/questions",
                    Some(json!({
                        "text": format!("{category} question {i}"), "kind": "single",
                        "category": category, "difficulty": "easy", "points": 2,
                        "options": [{"text": "wrong", "correct": false}, {"text": "right", "correct": true},
                                    {"text": "also wrong", "correct": false}]
                    })),
                )
                .await;
            assert_eq!(status, 201, "{body}");
        }
    }

    let sub = stack
        .sign_up_applicant("meera@example.org", "Meera-Pass-2026")
        .await;
    let applicant = Client {
        stack: &stack,
        token: stack.token("meera@example.org", "Meera-Pass-2026").await,
    };

    // Personal details first: refused by field, then saved.
    assert_eq!(applicant.send("GET", "/applicants/me", None).await.0, 404);
    let (status, _) = applicant
        .send("POST", "/applicants/me/resume", Some(json!({"size": 1000})))
        .await;
    assert_eq!(status, 409, "a CV needs details first");
    let mut details = json!({
        "firstName": "Meera", "lastName": "Shrestha", "phone": "98123",
        "education": [{"institution": "Tribhuvan University", "degree": "BSc CSIT", "graduationYear": 2026}],
        "availability": {"startDate": "2027-01-04", "commitment": "internship"}
    });
    let (status, problem) = applicant
        .send("PUT", "/applicants/me", Some(details.clone()))
        .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("phone")),
        "{problem}"
    );
    details["phone"] = json!("+9779812345678");
    let (status, saved) = applicant
        .send("PUT", "/applicants/me", Some(details.clone()))
        .await;
    assert_eq!(status, 201, "{saved}");
    assert_eq!(
        saved["email"], "meera@example.org",
        "the account email by default"
    );

    // The CV: a size over the cap is refused; a non-PDF is stored but never handed out.
    let (status, problem) = applicant
        .send(
            "POST",
            "/applicants/me/resume",
            Some(json!({"size": 6 * 1024 * 1024})),
        )
        .await;
    assert_eq!((status, problem["field"].as_str()), (422, Some("size")));
    let fake = b"MZ\x90\x00 not a pdf at all".to_vec();
    upload_cv(&stack, &applicant, &fake).await;
    let (_, seen) = recruiter
        .send("GET", &format!("/applicants/{sub}"), None)
        .await;
    assert_eq!(seen["resume"]["status"], "rejected", "{seen}");
    assert!(seen["resume"]["url"].is_null());
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    upload_cv(&stack, &applicant, &pdf).await;
    let (_, seen) = recruiter
        .send("GET", &format!("/applicants/{sub}"), None)
        .await;
    assert_eq!(seen["resume"]["status"], "uploaded", "{seen}");
    let link = seen["resume"]["url"].as_str().unwrap();
    let downloaded = stack
        .http
        .get(link)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(downloaded.as_ref(), pdf.as_slice());

    // Twenty racing starts: one creates the attempt, all see the same frozen draw.
    let starts = futures_join(20, || applicant.send("POST", "/exams", None)).await;
    assert_eq!(starts.iter().filter(|(s, _)| *s == 201).count(), 1);
    assert!(starts.iter().all(|(s, _)| *s == 200 || *s == 201));
    let exam = starts[0].1.clone();
    assert!(
        starts
            .iter()
            .all(|(_, e)| e["questions"] == exam["questions"])
    );
    let questions = exam["questions"].as_array().unwrap().clone();
    assert_eq!(questions.len(), 12);
    assert!(!exam.to_string().contains("correct"), "no answers leak");

    // The recruiter grants her a quarter of an hour more; her deadline moves with it.
    let grant = json!({ "minutes": 15, "reason": "Dyslexia: extra time agreed at interview" });
    let (status, held) = recruiter
        .send("PUT", &format!("/exams/{sub}/extra-time"), Some(grant))
        .await;
    assert_eq!(
        (status, held["minutes"].as_u64()),
        (200, Some(15)),
        "{held}"
    );
    let (_, now_current) = applicant.send("GET", "/exams/current", None).await;
    assert_eq!(now_current["extraMinutes"], 15, "{now_current}");
    let deadline =
        |v: &Value| chrono::DateTime::parse_from_rfc3339(v["deadline"].as_str().unwrap()).unwrap();
    assert_eq!(
        deadline(&now_current) - deadline(&exam),
        chrono::Duration::minutes(15)
    );

    // Pick "right" in six questions, as shown to this applicant.
    let right = |q: &Value| {
        q["options"]
            .as_array()
            .unwrap()
            .iter()
            .position(|o| o == "right")
            .unwrap()
    };
    let mut answers = serde_json::Map::new();
    for q in &questions[..6] {
        answers.insert(q["id"].as_str().unwrap().into(), json!([right(q)]));
    }
    let (status, saved) = applicant
        .send(
            "PUT",
            "/exams/current/answers",
            Some(json!({ "answers": answers })),
        )
        .await;
    assert_eq!(
        (status, saved["answered"].as_u64()),
        (200, Some(6)),
        "{saved}"
    );

    // Bad answers: refused by field, nothing saved.
    let first = questions[6]["id"].as_str().unwrap();
    for (body, field) in [
        (
            json!({"answers": {"no-such-question": [0]}}),
            "answers.no-such-question",
        ),
        (
            json!({"answers": {first: [3]}}),
            &*format!("answers.{first}"),
        ),
        (
            json!({"answers": {first: "right"}}),
            &*format!("answers.{first}"),
        ),
    ] {
        let (status, problem) = applicant
            .send("PUT", "/exams/current/answers", Some(body.clone()))
            .await;
        assert!(status == 400 || status == 422, "{body}: {status}");
        assert_eq!(problem["field"], field, "{problem}");
    }

    // Twenty racing submits: all answered with the one final state, graded once.
    let submits = futures_join(20, || applicant.send("POST", "/exams/current/submit", None)).await;
    assert!(submits.iter().all(|(s, _)| *s == 200), "{submits:?}");
    assert!(submits.iter().all(|(_, v)| v["status"] == "submitted"));
    assert!(!submits[0].1.to_string().contains("score"));
    let (status, _) = applicant
        .send(
            "PUT",
            "/exams/current/answers",
            Some(json!({ "answers": {} })),
        )
        .await;
    assert_eq!(status, 409, "no answers after submit");

    // The recruiter sees the score and its breakdown.
    let (_, ranked) = recruiter.send("GET", "/exams", None).await;
    let mine = ranked["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == sub.as_str())
        .cloned()
        .unwrap();
    assert_eq!(
        (mine["score"].as_f64(), mine["maxScore"].as_u64()),
        (Some(12.0), Some(24))
    );
    let (status, detail) = recruiter.send("GET", &format!("/exams/{sub}"), None).await;
    assert_eq!(status, 200);
    let by_category = detail["byCategory"].as_object().unwrap();
    assert_eq!(by_category.len(), 3);
    assert_eq!(
        by_category
            .values()
            .map(|c| c["correct"].as_u64().unwrap())
            .sum::<u64>(),
        6
    );
    // Item analysis: every drawn question once; the six answered right are all of it, and
    // one attempt tells nobody apart.
    let (status, statistics) = recruiter.send("GET", "/exam-statistics", None).await;
    assert_eq!(
        (status, &statistics["attempts"]),
        (200, &json!(1)),
        "{statistics}"
    );
    let items = statistics["items"].as_array().unwrap();
    assert_eq!(items.len(), 12);
    let easy = items.iter().filter(|i| i["facility"] == 1.0).count();
    assert_eq!(easy, 6, "{statistics}");
    assert!(items.iter().all(|i| i["discrimination"].is_null()));
    // The applicants listing ranks by score, with the details next to it.
    let row = ranked_row(&recruiter, &sub).await;
    assert_eq!(row["firstName"], "Meera");
    assert_eq!(row["exam"]["score"].as_f64(), Some(12.0));
    let (_, own) = applicant.send("GET", "/applicants/me", None).await;
    assert_eq!(own["exam"]["status"], "submitted");
    assert!(!own.to_string().contains("score"), "{own}");
    // Applicants cannot read results.
    assert_eq!(
        applicant
            .send("GET", &format!("/exams/{sub}"), None)
            .await
            .0,
        403
    );

    // One mail to the recruiters and one to the applicant, written once.
    let mail = stack.wait_for_mail(2, Duration::from_secs(15)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mail_now = stack.mail();
    assert_eq!((mail.len(), mail_now.len()), (2, 2), "{mail_now:?}");
    assert!(
        mail_now
            .iter()
            .any(|m| m.contains("To: recruiter@genese.test"))
    );
    assert!(mail_now.iter().any(|m| m.contains("To: meera@example.org")));
    assert!(mail_now.iter().any(|m| m.contains("scored 12 / 24")));

    // Her data is hers: the export holds all of it, the grade included.
    let (status, export) = applicant.send("GET", "/applicants/me/export", None).await;
    assert_eq!(status, 200, "{export}");
    assert_eq!(export["account"]["id"], sub.as_str());
    assert_eq!(export["details"]["firstName"], "Meera");
    assert_eq!(export["resume"]["status"], "uploaded");
    assert!(export["resume"]["url"].is_string(), "{export}");
    assert_eq!(export["exam"]["grade"]["score"].as_f64(), Some(12.0));
    assert_eq!(
        export["extraTime"]["changes"][0]["reason"],
        "Dyslexia: extra time agreed at interview"
    );
    let cv = stack
        .http
        .get(export["resume"]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        cv.bytes().await.unwrap().as_ref(),
        pdf.as_slice(),
        "the CV itself"
    );

    // She erases herself: details, CV and account go, her score stays in the ranking, unnamed.
    assert_eq!(
        applicant.send("DELETE", "/applicants/me", None).await.0,
        204
    );
    for (method, path) in [
        ("GET", "/applicants/me"),
        ("GET", "/applicants/me/export"),
        ("POST", "/exams"),
    ] {
        let (status, problem) = applicant.send(method, path, None).await;
        assert_eq!(
            status, 410,
            "{method} {path} with a token that outlived her: {problem}"
        );
    }
    let row = ranked_row(&recruiter, &sub).await;
    assert_eq!(
        (&row["firstName"], &row["email"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(row["exam"]["score"].as_f64(), Some(12.0));
    let (_, seen) = recruiter
        .send("GET", &format!("/applicants/{sub}"), None)
        .await;
    assert_eq!(seen["resume"]["status"], "none", "no CV is left: {seen}");
    let (_, results) = recruiter.send("GET", &format!("/exams/{sub}"), None).await;
    assert_eq!(results["email"], Value::Null, "{results}");
    let signin = stack
        .http
        .post(stack.url("/local/auth/token"))
        .json(&json!({ "username": "meera@example.org", "password": "Meera-Pass-2026" }))
        .send()
        .await
        .unwrap();
    assert!(signin.status().is_client_error(), "her account is gone");
    let again = stack
        .sign_up_applicant("meera@example.org", "Meera-Pass-2027")
        .await;
    assert_ne!(again, sub, "signing up again is a new applicant");
    assert_eq!(stack.mail().len(), 2, "erasure mails no one");
}

/// `sub`'s row in the recruiters' ranking by score.
async fn ranked_row(recruiter: &Client<'_>, sub: &str) -> Value {
    let (_, listed) = recruiter.send("GET", "/applicants?sort=score", None).await;
    listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == sub)
        .cloned()
        .unwrap_or_else(|| panic!("{sub} is ranked: {listed}"))
}

/// Asks for a CV upload URL sized for `bytes` and performs the upload as a browser would.
async fn upload_cv(stack: &LocalStack, applicant: &Client<'_>, bytes: &[u8]) {
    let (status, offer) = applicant
        .send(
            "POST",
            "/applicants/me/resume",
            Some(json!({"size": bytes.len()})),
        )
        .await;
    assert_eq!(status, 201, "{offer}");
    assert_eq!(offer["method"], "PUT");
    let mut put = stack.http.put(offer["url"].as_str().unwrap());
    for (name, value) in offer["headers"].as_object().unwrap() {
        // The client computes the length from the body it sends.
        if !name.eq_ignore_ascii_case("content-length") {
            put = put.header(name, value.as_str().unwrap());
        }
    }
    let stored = put.body(bytes.to_vec()).send().await.unwrap();
    assert!(stored.status().is_success(), "{}", stored.status());
    // One byte more than signed is refused.
    let mut longer = bytes.to_vec();
    longer.push(b'x');
    let refused = stack
        .http
        .put(offer["url"].as_str().unwrap())
        .header("content-type", "application/pdf")
        .body(longer)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}

/// Runs `n` copies of one request concurrently and collects their outcomes in order.
async fn futures_join<F, Fut>(n: usize, request: F) -> Vec<(u16, Value)>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = (u16, Value)>,
{
    futures_util::future::join_all((0..n).map(|_| request())).await
}
