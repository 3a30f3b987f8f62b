//! The authorization matrix (authz.matrix beside this file): every route × every kind of caller,
//! run against one real stack. A cell that answers otherwise fails, and so does a route of the
//! functions' route tables that has no row, so a new route cannot ship without its answers.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Days;
use genese_tests::dates::{monday_after, plus, today};
use genese_tests::local_stack::LocalStack;
use genese_tests::tokens::{claim, forger_key, now, signed_token, username_in};
use serde_json::{Value, json};
use testkit::{load, sample_photo};

const DEMO_PASSWORD: &str = "Demo-Password-1";
const MATRIX: &str = include_str!("authz.matrix");

/// Every (method, resource) the API serves: the functions' own route tables and `/health`.
fn served_routes() -> BTreeSet<(String, String)> {
    let tables: [Vec<(&str, &str)>; 7] = [
        company_admin::ROUTES.pairs(),
        question_collection::ROUTES.pairs(),
        question_answer::ROUTES.pairs(),
        personal_details::ROUTES.pairs(),
        attendance::ROUTES.pairs(),
        leave_requests::ROUTES.pairs(),
        slack::ROUTES.pairs(),
    ];
    tables
        .iter()
        .flat_map(|t| t.iter())
        .chain([("GET", "/health")].iter())
        .map(|(m, r)| (m.to_string(), r.to_string()))
        .collect()
}

/// One row of the matrix.
struct Row {
    method: String,
    /// The path as written, `{parameter=value}` placeholders and query included.
    path: String,
    /// Expected status per caller, in column order.
    expected: Vec<u16>,
}

impl Row {
    /// The API Gateway resource the row exercises: placeholders back to `{parameter}`, no query.
    fn resource(&self) -> String {
        let path = self.path.split('?').next().unwrap_or_default();
        path.split('/')
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.split_once('=')) {
                    Some((name, _)) => format!("{{{name}}}"),
                    None => s.to_string(),
                },
            )
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// The callers (from the header line) and the rows.
fn parse_matrix() -> (Vec<String>, Vec<Row>) {
    let header = MATRIX
        .lines()
        .find(|l| l.starts_with("# route"))
        .expect("a `# route | …` header line");
    let callers: Vec<String> = header
        .split('|')
        .skip(1)
        .map(|c| c.trim().to_string())
        .collect();
    let rows = MATRIX
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let mut cells = line.split('|').map(str::trim);
            let route = cells.next().unwrap_or_default();
            let (method, path) = route
                .split_once(' ')
                .unwrap_or_else(|| panic!("`{route}` is not `METHOD /path`"));
            let expected: Vec<u16> = cells
                .map(|c| c.parse().unwrap_or_else(|_| panic!("`{c}` in `{route}`")))
                .collect();
            assert_eq!(
                expected.len(),
                callers.len(),
                "one status per caller in `{route}`"
            );
            Row {
                method: method.to_string(),
                path: path.to_string(),
                expected,
            }
        })
        .collect();
    (callers, rows)
}

/// The callers' tokens and the fixtures the rows point at.
struct World {
    stack: LocalStack,
    tokens: BTreeMap<String, Option<String>>,
    values: BTreeMap<String, String>,
    /// Each body and fresh leave gets its own number, so no two collide.
    serial: u64,
}

impl World {
    fn token(&self, caller: &str) -> Option<&str> {
        self.tokens
            .get(caller)
            .unwrap_or_else(|| panic!("no caller `{caller}`"))
            .as_deref()
    }

    async fn call(
        &self,
        caller: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.stack
            .call(self.token(caller), method, path, body)
            .await
    }

    fn next(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    /// A work day far enough ahead that the `n`th one-day leave never overlaps another.
    fn leave_day(n: u64) -> String {
        plus(monday_after(28), 7 * (n / 5) + n % 5)
    }

    /// A pending one-day leave request of `employee`, new for the calling cell.
    async fn fresh_leave(&mut self) -> String {
        let day = World::leave_day(self.next());
        let (status, leave) = self
            .call(
                "employee",
                "POST",
                "/leave-requests",
                Some(json!({ "type": "annual", "startDate": day, "endDate": day, "reason": "Family visit" })),
            )
            .await;
        assert_eq!(status, 201, "a fresh leave request: {leave}");
        leave["id"].as_str().expect("leave id").to_string()
    }

    /// The row's path with every `{parameter=value}` replaced by the value it names.
    async fn resolve(&mut self, path: &str) -> String {
        let mut resolved = String::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            resolved.push_str(&rest[..open]);
            let close = rest[open..].find('}').expect("a closed placeholder") + open;
            let inner = &rest[open + 1..close];
            let name = inner.split_once('=').map_or(inner, |(_, v)| v);
            let value = match name {
                "leave:fresh" => self.fresh_leave().await,
                _ => self
                    .values
                    .get(name)
                    .unwrap_or_else(|| panic!("no value `{name}` for `{path}`"))
                    .clone(),
            };
            resolved.push_str(&percent_encode(&value));
            rest = &rest[close + 1..];
        }
        resolved.push_str(rest);
        resolved
    }

    /// The version a caller would send back: what `reader` reads at `path` now.
    async fn version(&self, reader: &str, path: &str) -> u64 {
        let (_, current) = self.call(reader, "GET", path, None).await;
        current["version"].as_u64().unwrap_or(1)
    }

    /// A valid body for the route, as the caller would send it.
    async fn body(&mut self, caller: &str, row: &Row) -> Option<Body> {
        let n = self.next();
        let json = match (row.method.as_str(), row.resource().as_str()) {
            ("POST", "/companies") => {
                json!({ "name": format!("Newco {n}"), "timeZone": "Asia/Kathmandu" })
            }
            ("PUT", "/company") => {
                let version = self.version(caller, "/company").await;
                json!({ "name": "Acme Trading", "timeZone": "Asia/Kathmandu", "version": version })
            }
            ("POST", "/employees") => {
                // Reporting to the inviting admin (by username), who is on their own roster.
                let manager = self.tokens[caller].as_deref().map(username_in);
                json!({ "email": format!("hire{n}@{caller}.test"), "name": "New Hire", "role": "employee", "manager": manager })
            }
            ("PUT", "/employees/{username}") => {
                let peer = format!("/employees/{}", self.values["peer"]);
                let version = self.version("admin", &peer).await;
                json!({ "role": "employee", "manager": self.values["other-mgr"], "version": version })
            }
            ("POST", "/events") => {
                let date = today() + Days::new(60);
                json!({ "date": date.to_string(), "title": format!("Town hall {n}") })
            }
            ("PUT", "/me/biometric-consent") => {
                json!({ "textVersion": domain::consent::BIOMETRIC_CONSENT.version })
            }
            ("PUT", "/employees/{username}/face") | ("PUT", "/me/face") => photo("obama.jpg"),
            ("POST", "/attendance/check-in") | ("POST", "/attendance/check-out") => {
                photo("obama2.jpg")
            }
            ("POST", "/leave-requests") => {
                let day = World::leave_day(n);
                json!({ "type": "sick", "startDate": day, "endDate": day, "reason": "Dentist" })
            }
            ("POST", "/leave-requests/{id}/reject") => json!({ "comment": "Short-staffed" }),
            ("PUT", "/exams/{uid}/extra-time") => {
                json!({ "minutes": 15, "reason": "Dyslexia: 50% extra time" })
            }
            ("POST", "/questions") => question(n),
            ("PUT", "/questions/{id}") => {
                let id = self.values["question"].clone();
                let mut q = question(n);
                q["version"] = json!(self.version("recruiter", &format!("/questions/{id}")).await);
                q
            }
            ("PUT", "/applicants/me") => json!({
                "firstName": "Sita", "lastName": "Rai", "phone": "+9779812345678",
                "education": [{"institution": "Pulchowk Campus", "degree": "BE Computer", "graduationYear": 2026}],
                "availability": {"startDate": "2027-01-04", "commitment": "internship"}
            }),
            ("POST", "/applicants/me/resume") => json!({ "size": 1000 }),
            ("PUT", "/exams/current/answers") => json!({ "answers": {} }),
            ("POST", "/slack/commands") => {
                return Some(Body::Form(slack_form("slack/post-command.json")));
            }
            ("POST", "/slack/interactions") => {
                return Some(Body::Form(slack_form("slack/post-interaction.json")));
            }
            _ => return None,
        };
        Some(Body::Json(json))
    }
}

/// What a cell sends.
enum Body {
    Json(Value),
    /// A form as Slack posts it, but without Slack's signature.
    Form(String),
}

fn photo(name: &str) -> Value {
    json!({ "photo": STANDARD.encode(sample_photo(name)) })
}

fn question(n: u64) -> Value {
    json!({
        "text": format!("Which clause filters groups? ({n})"), "kind": "single", "category": "sql",
        "difficulty": "medium", "points": 2,
        "options": [{"text": "WHERE", "correct": false}, {"text": "HAVING", "correct": true}]
    })
}

fn slack_form(fixture: &str) -> String {
    load(fixture)["body"]
        .as_str()
        .expect("a form body")
        .to_string()
}

/// Everything but RFC 3986's unreserved characters, so `@` in usernames travels as `%40`.
const RESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn percent_encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, RESERVED).to_string()
}

/// Two companies, every kind of caller, and the fixtures the rows name.
async fn world() -> World {
    let stack = LocalStack::start();
    let mut tokens = BTreeMap::new();
    for (caller, user) in [
        ("admin", "admin@acme.test"),
        ("manager", "manager@acme.test"),
        ("employee", "employee@acme.test"),
        ("recruiter", "recruiter@genese.test"),
        ("applicant", "applicant@example.test"),
    ] {
        tokens.insert(
            caller.to_string(),
            Some(stack.token(user, DEMO_PASSWORD).await),
        );
    }
    let admin = tokens["admin"].clone();
    // Staff are named by the usernames the pool made; the callers' come from their tokens.
    let mut usernames: BTreeMap<String, String> = ["admin", "manager", "employee"]
        .into_iter()
        .map(|c| (c.to_string(), username_in(tokens[c].as_deref().unwrap())))
        .collect();
    for (caller, role, manager) in [
        ("other-mgr", "manager", "admin"),
        ("peer", "employee", "other-mgr"),
        ("leaver", "employee", "manager"),
    ] {
        let invitation = json!({ "email": format!("{caller}@acme.test"), "name": "Staff",
            "role": role, "manager": usernames[manager] });
        let (status, body) = stack
            .call(admin.as_deref(), "POST", "/employees", Some(invitation))
            .await;
        assert_eq!(status, 201, "invite {caller}: {body}");
        usernames.insert(caller.into(), body["username"].as_str().unwrap().into());
    }
    for (caller, email) in [
        ("other-mgr", "other-mgr@acme.test"),
        ("peer", "peer@acme.test"),
    ] {
        let token = stack.accept_invitation(email, "Staff-Pass-2026").await;
        tokens.insert(caller.to_string(), Some(token));
    }

    stack
        .sign_up("newcomer@newco.test", "Newcomer-Pass-1")
        .await;
    let newcomer = stack.token("newcomer@newco.test", "Newcomer-Pass-1").await;
    tokens.insert("newcomer".into(), Some(newcomer));
    stack.sign_up("founder@globex.test", "Founder-Pass-1").await;
    let founder = stack.token("founder@globex.test", "Founder-Pass-1").await;
    let (status, globex) = stack
        .call(
            Some(&founder),
            "POST",
            "/companies",
            Some(json!({ "name": "Globex", "timeZone": "Europe/London" })),
        )
        .await;
    assert_eq!(status, 201, "{globex}");
    // The company id and the admin group reach the claims with a fresh sign-in.
    let foreign = stack.token("founder@globex.test", "Founder-Pass-1").await;
    tokens.insert("foreign-admin".into(), Some(foreign));

    let issuer = stack.issuer().await;
    let expired = signed_token(&issuer.own_key, &issuer.kid, &issuer.issuer, now() - 60);
    let forged = signed_token(
        forger_key().as_bytes(),
        &issuer.kid,
        &issuer.issuer,
        now() + 600,
    );
    tokens.insert("expired".into(), Some(expired));
    tokens.insert("forged".into(), Some(forged));
    tokens.insert("anon".into(), None);

    let mut values = BTreeMap::from([
        ("month".to_string(), today().format("%Y-%m").to_string()),
        (
            "applicant".into(),
            claim(tokens["applicant"].as_deref().unwrap(), "sub"),
        ),
    ]);
    for person in ["employee", "peer", "leaver", "other-mgr"] {
        values.insert(person.into(), usernames[person].clone());
    }
    let (status, q) = stack
        .call(
            tokens["recruiter"].as_deref(),
            "POST",
            "/questions",
            Some(question(0)),
        )
        .await;
    assert_eq!(status, 201, "{q}");
    values.insert("question".into(), q["id"].as_str().unwrap().to_string());
    let day = today() + Days::new(45);
    let (status, event) = stack
        .call(
            admin.as_deref(),
            "POST",
            "/events",
            Some(json!({ "date": day.to_string(), "title": "Founders' day" })),
        )
        .await;
    assert_eq!(status, 201, "{event}");
    values.insert("event".into(), event["id"].as_str().unwrap().to_string());

    World {
        stack,
        tokens,
        values,
        serial: 1_000,
    }
}

#[tokio::test]
async fn every_route_answers_every_caller_as_the_matrix_says() {
    let (callers, rows) = parse_matrix();
    let in_matrix: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.clone(), r.resource()))
        .collect();
    let served = served_routes();
    let missing: Vec<_> = served.difference(&in_matrix).collect();
    let unknown: Vec<_> = in_matrix.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in authz.matrix: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "rows for routes nobody serves: {unknown:?}"
    );

    let mut world = world().await;
    let mut wrong = Vec::new();
    let mut cells = 0;
    for row in &rows {
        for (caller, &expected) in callers.iter().zip(&row.expected) {
            let path = world.resolve(&row.path).await;
            let body = world.body(caller, row).await;
            let method = reqwest::Method::from_bytes(row.method.as_bytes()).unwrap();
            let mut request = world.stack.http.request(method, world.stack.url(&path));
            if let Some(token) = world.token(caller) {
                request = request.bearer_auth(token);
            }
            request = match body {
                Some(Body::Json(json)) => request.json(&json),
                Some(Body::Form(form)) => request
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(form),
                None => request,
            };
            let response = request.send().await.expect("the stack answers");
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let text = response.text().await.unwrap_or_default();
            cells += 1;
            if status != expected {
                wrong.push(format!(
                    "{} {path} as {caller}: expected {expected}, got {status}: {text}",
                    row.method
                ));
            } else if status >= 400 && content_type != "application/problem+json" {
                wrong.push(format!(
                    "{} {path} as {caller}: {status} as `{content_type}`, not problem+json",
                    row.method
                ));
            }
            // The photo row reads the day `employee` checked in on, as the stack dated it.
            if row.path == "/attendance/check-in" && caller == "employee" && status == 201 {
                let punch: Value = serde_json::from_str(&text).unwrap_or_default();
                if let Some(date) = punch["date"].as_str() {
                    world.values.insert("today".into(), date.to_string());
                }
            }
        }
    }
    println!(
        "authorization matrix: {} routes x {} callers = {cells} cells, {} wrong",
        rows.len(),
        callers.len(),
        wrong.len()
    );
    assert!(
        wrong.is_empty(),
        "cells that answered otherwise:\n{}",
        wrong.join("\n")
    );
}
