//! The journeys, walked in order on one deployment (each builds on the people the one before
//! made), each printed as it passes.

use std::time::Instant;

use aws_mode::template::template;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use genese_tests::dates::{NoonZone, monday_after, plus};
use serde_json::{Value, json};

use super::walk::{Walk, passed};

/// The people the journeys make, as they sign in.
pub struct Company {
    pub admin: String,
    pub manager: String,
    pub manager_username: String,
    pub employee: String,
    pub employee_username: String,
}

/// The token's `cognito:username`.
fn username_in(token: &str) -> String {
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    claims["cognito:username"].as_str().unwrap().to_string()
}

/// A founder signs up, registers the company, and signs in again as its admin.
pub async fn registration(walk: &Walk) -> String {
    let started = Instant::now();
    let founder_email = "founder@newco.test";
    walk.sign_up("attendance-portal", founder_email, "Founder-Pass-1!")
        .await;
    let founder = walk
        .sign_in("attendance-portal", founder_email, "Founder-Pass-1!")
        .await;
    let (status, _) = walk.api(Some(&founder), "GET", "/company", None).await;
    assert_eq!(status, 403, "no company yet");
    let (status, created) = walk
        .api(
            Some(&founder),
            "POST",
            "/companies",
            // A zone where it is about noon, so the check-in falls inside a work day whenever
            // this runs.
            Some(json!({ "name": "NewCo", "timeZone": NoonZone::now().name,
                         "workHours": { "start": "09:30", "end": "17:30" } })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let admin = walk
        .sign_in("attendance-portal", founder_email, "Founder-Pass-1!")
        .await;
    let (status, company) = walk.api(Some(&admin), "GET", "/company", None).await;
    assert_eq!(
        (status, &company["name"]),
        (200, &json!("NewCo")),
        "{company}"
    );
    passed("registration", started);
    admin
}

/// The admin invites a manager and an employee; each sets a password from the mailed
/// temporary one and is on the active roster.
pub async fn invitation(walk: &Walk, admin: String) -> Company {
    let started = Instant::now();
    let invite = async |email: &str, role: &str, manager: Option<&str>| {
        let (status, invited) = walk
            .api(
                Some(&admin),
                "POST",
                "/employees",
                Some(
                    json!({ "email": email, "name": email.split('@').next(), "role": role,
                             "manager": manager }),
                ),
            )
            .await;
        assert_eq!(status, 201, "{invited}");
        assert_eq!(invited["status"], "invited");
        invited["username"].as_str().unwrap().to_string()
    };
    let manager_username = invite("mina@newco.test", "manager", None).await;
    let manager = walk
        .accept_invitation("mina@newco.test", "Mina-Pass-2026!")
        .await;
    assert_eq!(username_in(&manager), manager_username);
    let employee_username = invite("ravi@newco.test", "employee", Some(&manager_username)).await;
    let employee = walk
        .accept_invitation("ravi@newco.test", "Ravi-Pass-2026!")
        .await;
    assert_eq!(username_in(&employee), employee_username);
    // Asked again, the pool has the user already: the function looks it up (its groups too)
    // and says so, by field.
    let (status, again) = walk
        .api(
            Some(&admin),
            "POST",
            "/employees",
            Some(
                json!({ "email": "ravi@newco.test", "name": "Ravi", "role": "employee",
                         "manager": manager_username }),
            ),
        )
        .await;
    assert_eq!(
        (status, again["field"].as_str()),
        (409, Some("email")),
        "{again}"
    );
    for username in [&manager_username, &employee_username] {
        let (_, entry) = walk
            .api(Some(&admin), "GET", &format!("/employees/{username}"), None)
            .await;
        assert_eq!(entry["status"], "active", "{entry}");
    }
    // The employee's token carries the company, so the API serves them.
    let (status, _) = walk
        .api(Some(&employee), "GET", "/leave-requests", None)
        .await;
    assert_eq!(status, 200);
    passed("invitation", started);
    Company {
        admin,
        manager,
        manager_username,
        employee,
        employee_username,
    }
}

/// The employee asks for leave, the manager approves it, and the stream's notification mail
/// reaches the employee through moto's SES.
pub async fn leave(walk: &Walk, company: &Company) {
    let started = Instant::now();
    let monday = monday_after(21);
    let (start, end) = (plus(monday, 0), plus(monday, 1));
    let (status, asked) = walk
        .api(
            Some(&company.employee),
            "POST",
            "/leave-requests",
            Some(
                json!({ "type": "annual", "startDate": start, "endDate": end,
                         "reason": "Tihar with family" }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{asked}");
    assert_eq!(asked["manager"], company.manager_username.as_str());
    let id = asked["id"].as_str().unwrap();
    let (_, team) = walk
        .api(
            Some(&company.manager),
            "GET",
            "/leave-requests?scope=team&status=pending",
            None,
        )
        .await;
    assert_eq!(team["items"][0]["id"], id, "{team}");
    let (status, _) = walk
        .api(
            Some(&company.employee),
            "POST",
            &format!("/leave-requests/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(status, 403, "not their own");
    let (status, approved) = walk
        .api(
            Some(&company.manager),
            "POST",
            &format!("/leave-requests/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(
        (status, &approved["status"]),
        (200, &json!("approved")),
        "{approved}"
    );
    walk.wait_for_mail("mina@newco.test", "leave").await;
    walk.wait_for_mail("ravi@newco.test", "approved").await;
    passed("leave", started);
}

/// A recruiter (put in the group by an operator, as IT would) builds the bank; an applicant
/// signs up, fills in details, uploads a CV through the presigned URL, takes and submits the
/// exam; the recruiters are mailed.
/// The applicant of the exam journey, as the erasure journey needs her.
pub struct Applicant {
    pub token: String,
    pub sub: String,
    pub email: &'static str,
    pub password: &'static str,
    pub recruiter: String,
    /// The recruiter's link to her CV, signed before her erasure.
    pub cv_link: String,
}

pub async fn exam(walk: &Walk) -> Applicant {
    let started = Instant::now();
    let recruiter_email = "rita@genese.example";
    walk.operator_invites(recruiter_email, "recruiters").await;
    let recruiter = walk
        .accept_invitation(recruiter_email, "Rita-Pass-2026!")
        .await;
    // The template's draw: four from each of its categories.
    let policy = template()["Parameters"]["ExamQuestionsPerCategory"]["Default"]
        .as_str()
        .unwrap()
        .to_string();
    for part in policy.split(',') {
        let (category, count) = part.split_once('=').unwrap();
        for i in 0..count.parse::<usize>().unwrap() {
            let (status, made) = walk
                .api(
                    Some(&recruiter),
                    "POST",
                    "/questions",
                    Some(json!({
                        "text": format!("{category} question {i}"), "kind": "single",
                        "category": category, "difficulty": "easy", "points": 2,
                        "options": [{"text": "wrong", "correct": false}, {"text": "right", "correct": true}]
                    })),
                )
                .await;
            assert_eq!(status, 201, "{made}");
        }
    }

    // PreSignUp refuses a blocked domain, and Cognito keeps no user of it.
    let blocked = json!({ "ClientId": walk.client("careers-portal"), "Username": "spam@mailinator.com",
                          "Password": "Spam-Pass-2026!" });
    let (status, refused) = walk.cognito("SignUp", blocked.clone()).await;
    assert_eq!(
        (status, refused["__type"].as_str()),
        (400, Some("UserLambdaValidationException")),
        "{refused}"
    );
    let message = refused["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("PreSignUp failed with error "),
        "{message}"
    );
    let (status, again) = walk.cognito("SignUp", blocked).await;
    assert_eq!(
        again["__type"], "UserLambdaValidationException",
        "{status}: no user left behind"
    );

    let email = "meera@example.org";
    let sub = walk
        .sign_up("careers-portal", email, "Meera-Pass-2026!")
        .await;
    let applicant = walk
        .sign_in("careers-portal", email, "Meera-Pass-2026!")
        .await;
    let (status, saved) = walk
        .api(
            Some(&applicant),
            "PUT",
            "/applicants/me",
            Some(json!({
                "firstName": "Meera", "lastName": "Shrestha", "phone": "+9779812345678",
                "education": [{"institution": "Tribhuvan University", "degree": "BSc CSIT", "graduationYear": 2026}],
                "availability": {"startDate": "2027-01-04", "commitment": "internship"}
            })),
        )
        .await;
    assert_eq!(status, 201, "{saved}");

    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let (status, offer) = walk
        .api(
            Some(&applicant),
            "POST",
            "/applicants/me/resume",
            Some(json!({ "size": pdf.len() })),
        )
        .await;
    assert_eq!(status, 201, "{offer}");
    let mut put = walk.http.put(offer["url"].as_str().unwrap());
    for (name, value) in offer["headers"].as_object().unwrap() {
        if !name.eq_ignore_ascii_case("content-length") {
            put = put.header(name, value.as_str().unwrap());
        }
    }
    let stored = put.body(pdf.clone()).send().await.unwrap();
    let status = stored.status();
    assert!(
        status.is_success(),
        "{status}: {}",
        stored.text().await.unwrap_or_default()
    );
    // One byte more than was signed: refused as S3 refuses it.
    let mut longer = pdf.clone();
    longer.push(b'x');
    let refused = walk
        .http
        .put(offer["url"].as_str().unwrap())
        .header("content-type", "application/pdf")
        .body(longer)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let (_, seen) = walk
        .api(Some(&recruiter), "GET", &format!("/applicants/{sub}"), None)
        .await;
    assert_eq!(seen["resume"]["status"], "uploaded", "{seen}");
    let link = seen["resume"]["url"].as_str().expect("a download link");
    let downloaded = walk.http.get(link).send().await.unwrap();
    assert_eq!(downloaded.status(), 200);
    assert_eq!(downloaded.bytes().await.unwrap().as_ref(), pdf.as_slice());

    // Extra time granted before the start is there when it starts; one granted during it
    // moves the deadline: each a transaction over the grant, the attempt and her row.
    let extra_time = format!("/exams/{sub}/extra-time");
    let grant = |minutes: u32| json!({ "minutes": minutes, "reason": "Dyslexia: extra time" });
    let (status, held) = walk
        .api(Some(&recruiter), "PUT", &extra_time, Some(grant(10)))
        .await;
    assert_eq!(status, 200, "{held}");
    let (status, exam) = walk.api(Some(&applicant), "POST", "/exams", None).await;
    assert_eq!(status, 201, "{exam}");
    assert_eq!(exam["extraMinutes"], 10, "{exam}");
    let (status, held) = walk
        .api(Some(&recruiter), "PUT", &extra_time, Some(grant(20)))
        .await;
    assert_eq!(
        (status, held["changes"].as_array().map(Vec::len)),
        (200, Some(2)),
        "{held}"
    );
    let (_, current) = walk
        .api(Some(&applicant), "GET", "/exams/current", None)
        .await;
    assert_eq!(current["extraMinutes"], 20, "{current}");
    let mut answers = serde_json::Map::new();
    for q in exam["questions"].as_array().unwrap() {
        let right = q["options"]
            .as_array()
            .unwrap()
            .iter()
            .position(|o| o == "right")
            .unwrap();
        answers.insert(q["id"].as_str().unwrap().into(), json!([right]));
    }
    let (status, _) = walk
        .api(
            Some(&applicant),
            "PUT",
            "/exams/current/answers",
            Some(json!({ "answers": answers })),
        )
        .await;
    assert_eq!(status, 200);
    let (status, submitted) = walk
        .api(Some(&applicant), "POST", "/exams/current/submit", None)
        .await;
    assert_eq!(
        (status, &submitted["status"]),
        (200, &json!("submitted")),
        "{submitted}"
    );
    walk.wait_for_mail("recruiters@genese.example", "Meera")
        .await;
    walk.wait_for_mail(email, "").await;
    let (status, statistics) = walk
        .api(Some(&recruiter), "GET", "/exam-statistics", None)
        .await;
    assert_eq!(
        (status, &statistics["attempts"]),
        (200, &json!(1)),
        "{statistics}"
    );
    passed("exam", started);
    Applicant {
        token: applicant,
        sub,
        email,
        password: "Meera-Pass-2026!",
        recruiter,
        cv_link: link.to_string(),
    }
}

/// The applicant exports her data, then erases herself: the CV object and the Cognito user
/// are gone, her score stays in the ranking without her name, and her token, still valid at
/// the gateway, is refused with 410.
pub async fn erasure(walk: &Walk, applicant: &Applicant) {
    let started = Instant::now();
    let token = Some(applicant.token.as_str());
    let (status, export) = walk.api(token, "GET", "/applicants/me/export", None).await;
    assert_eq!(status, 200, "{export}");
    assert_eq!(export["details"]["firstName"], "Meera");
    assert!(export["exam"]["grade"]["score"].is_number(), "{export}");
    assert!(export["resume"]["url"].is_string(), "{export}");

    let (status, erased) = walk.api(token, "DELETE", "/applicants/me", None).await;
    assert_eq!(status, 204, "{erased}");
    let cv = walk.http.get(&applicant.cv_link).send().await.unwrap();
    assert_eq!(cv.status(), 404, "the CV object is deleted");
    let (status, refused) = walk
        .cognito(
            "InitiateAuth",
            json!({ "ClientId": walk.client("careers-portal"), "AuthFlow": "USER_PASSWORD_AUTH",
                    "AuthParameters": { "USERNAME": applicant.email, "PASSWORD": applicant.password } }),
        )
        .await;
    assert_eq!(status, 400, "the Cognito user is deleted: {refused}");
    for (method, path) in [("GET", "/applicants/me"), ("POST", "/exams")] {
        let (status, gone) = walk.api(token, method, path, None).await;
        assert_eq!(status, 410, "{method} {path}: {gone}");
    }
    let (_, ranked) = walk
        .api(
            Some(&applicant.recruiter),
            "GET",
            "/applicants?sort=score",
            None,
        )
        .await;
    let row = ranked["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == applicant.sub.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("her score is kept: {ranked}"));
    assert_eq!(
        (&row["firstName"], &row["email"]),
        (&Value::Null, &Value::Null)
    );
    passed("erasure", started);
}

/// The employee reads what `GET /me` says, consents to face matching, enrols their face and
/// checks in and out with selfies matched by the Rekognition endpoint.
pub async fn check_in(walk: &Walk, company: &Company) {
    let started = Instant::now();
    let photo = |name: &str| json!({ "photo": STANDARD.encode(testkit::sample_photo(name)) });
    let (status, me) = walk.api(Some(&company.employee), "GET", "/me", None).await;
    assert_eq!((status, &me["mayCheckIn"]), (200, &json!(false)), "{me}");
    let (status, consented) = walk
        .api(
            Some(&company.employee),
            "PUT",
            "/me/biometric-consent",
            Some(json!({ "textVersion": me["consentText"]["version"] })),
        )
        .await;
    assert_eq!(status, 200, "{consented}");
    let (status, enrolled) = walk
        .api(
            Some(&company.employee),
            "PUT",
            "/me/face",
            Some(photo("obama.jpg")),
        )
        .await;
    assert_eq!(status, 200, "{enrolled}");
    let (status, refused) = walk
        .api(
            Some(&company.employee),
            "POST",
            "/attendance/check-in",
            Some(photo("biden.jpg")),
        )
        .await;
    assert_eq!(
        (status, refused["field"].as_str()),
        (422, Some("photo")),
        "{refused}"
    );
    let (status, checked_in) = walk
        .api(
            Some(&company.employee),
            "POST",
            "/attendance/check-in",
            Some(photo("obama2.jpg")),
        )
        .await;
    assert_eq!(status, 201, "{checked_in}");
    let (status, checked_out) = walk
        .api(
            Some(&company.employee),
            "POST",
            "/attendance/check-out",
            Some(photo("obama2.jpg")),
        )
        .await;
    assert_eq!(status, 201, "{checked_out}");
    let (_, me) = walk.api(Some(&company.employee), "GET", "/me", None).await;
    assert_eq!(me["face"]["enrolled"], true, "{me}");
    let month = (chrono::Utc::now() + NoonZone::now().offset)
        .format("%Y-%m")
        .to_string();
    let (status, report) = walk
        .api(
            Some(&company.admin),
            "GET",
            &format!("/attendance/{}?month={month}", company.employee_username),
            None,
        )
        .await;
    assert_eq!(status, 200, "{report}");
    assert!(report.to_string().contains("check"), "{report}");
    let (status, company_month) = walk
        .api(
            Some(&company.admin),
            "GET",
            &format!("/attendance/report?month={month}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{company_month}");
    assert!(
        company_month
            .to_string()
            .contains(&company.employee_username),
        "{company_month}"
    );
    passed("check-in", started);
}

/// The admin links the manager and the employee to their Slack users (`U0MINA`, `U0RAVI`).
pub async fn link_slack(walk: &Walk, company: &Company) {
    for (username, slack_id) in [
        (&company.manager_username, "U0MINA"),
        (&company.employee_username, "U0RAVI"),
    ] {
        let path = format!("/employees/{username}");
        let (_, entry) = walk.api(Some(&company.admin), "GET", &path, None).await;
        let update = json!({ "name": entry["name"], "role": entry["role"], "manager": entry["manager"],
                             "slackUserId": slack_id, "version": entry["version"] });
        let (status, linked) = walk
            .api(Some(&company.admin), "PUT", &path, Some(update))
            .await;
        assert_eq!(status, 200, "{linked}");
    }
}

/// The employee asks for leave and the manager approves it with a signed button click; the
/// employee asks `/attendance today` and gets the day they checked in.
pub async fn slack(walk: &Walk, company: &Company) {
    let started = Instant::now();
    link_slack(walk, company).await;
    let start = plus(monday_after(35), 2);
    let (status, asked) = walk
        .api(
            Some(&company.employee),
            "POST",
            "/leave-requests",
            Some(
                json!({ "type": "annual", "startDate": start, "endDate": start,
                         "reason": "Family visit" }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{asked}");
    let id = asked["id"].as_str().unwrap();
    let click = genese_tests::slack::click_form("U0MINA", "leave_approve", id);
    let (status, _) = walk.slack("/slack/interactions", click).await;
    assert_eq!(status, 200);
    let (_, mine) = walk
        .api(Some(&company.employee), "GET", "/leave-requests", None)
        .await;
    let decided = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == id)
        .cloned()
        .unwrap();
    assert_eq!(decided["status"], "approved", "{mine}");
    // A form signed with another secret is refused before any function work.
    let forged = walk
        .http
        .post(format!("{}/slack/commands", walk.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "x-slack-request-timestamp",
            chrono::Utc::now().timestamp().to_string(),
        )
        .header("x-slack-signature", "v0=00")
        .body(genese_tests::slack::command_form(
            "U0RAVI",
            "/attendance",
            "today",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    let form = genese_tests::slack::command_form("U0RAVI", "/attendance", "today");
    let (status, today) = walk.slack("/slack/commands", form).await;
    assert_eq!(status, 200, "{today}");
    let text = today["text"].as_str().unwrap_or_default();
    assert!(text.starts_with("Your day, "), "{today}");
    passed("slack", started);
}

/// The employee withdraws their consent: the reference face is deleted (Rekognition
/// DeleteFaces), the roster entry and its audit record are written in one transaction, and face
/// check-ins stop; the admin reads both changes in the consent trail.
pub async fn withdrawal(walk: &Walk, company: &Company) {
    let started = Instant::now();
    let (status, withdrawn) = walk
        .api(
            Some(&company.employee),
            "DELETE",
            "/me/biometric-consent",
            None,
        )
        .await;
    assert_eq!(status, 204, "{withdrawn}");
    let (_, me) = walk.api(Some(&company.employee), "GET", "/me", None).await;
    assert_eq!(
        (&me["face"]["enrolled"], &me["biometricConsent"]),
        (&json!(false), &Value::Null),
        "{me}"
    );
    let photo = json!({ "photo": STANDARD.encode(testkit::sample_photo("obama2.jpg")) });
    let (status, refused) = walk
        .api(
            Some(&company.employee),
            "POST",
            "/attendance/check-in",
            Some(photo),
        )
        .await;
    assert_eq!(
        (status, refused["field"].as_str()),
        (409, Some("consent")),
        "{refused}"
    );
    // The admin reads the audit trail: the consent of the check-in journey, then this.
    let (status, trail) = walk
        .api(
            Some(&company.admin),
            "GET",
            &format!("/employees/{}/consent-trail", company.employee_username),
            None,
        )
        .await;
    assert_eq!(status, 200, "{trail}");
    let changes: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["change"].as_str())
        .collect();
    assert_eq!(changes, ["given", "withdrawn"], "{trail}");
    assert_eq!(trail["items"][1]["faceDeleted"], true, "{trail}");
    passed("withdrawal", started);
}

/// The schedules, fired on demand as their EventBridge rules would fire them.
pub async fn schedules(walk: &Walk) {
    let started = Instant::now();
    for function in aws_mode::fleet::Fleet::scheduled() {
        let (status, answer) = walk
            .api(None, "POST", &format!("/local/schedules/{function}"), None)
            .await;
        assert_eq!(status, 200, "{function}: {answer}");
    }
    let (status, unknown) = walk
        .api(None, "POST", "/local/schedules/SlackFunction", None)
        .await;
    assert_eq!(status, 404, "{unknown}");
    passed("schedules", started);
}

#[tokio::test]
async fn the_product_walks_in_aws_mode() {
    let walk = Walk::start(template(), "aws-e2e").await;
    let admin = registration(&walk).await;
    let company = invitation(&walk, admin).await;
    leave(&walk, &company).await;
    let applicant = exam(&walk).await;
    erasure(&walk, &applicant).await;
    check_in(&walk, &company).await;
    slack(&walk, &company).await;
    withdrawal(&walk, &company).await;
    schedules(&walk).await;
    assert!(
        walk.refused_calls().is_empty(),
        "{:#?}",
        walk.refused_calls()
    );
}
