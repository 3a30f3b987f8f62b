//! The AWS side of every cold start: a real `moto_server` (started by the conformance tests'
//! harness) serving HTTPS as AWS does, and for each run fresh tables (the keys and indexes the
//! Rust adapter creates) and fresh data, so every invoke of the run succeeds and both languages
//! see equal tables.

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use aws_mode::moto::MotoServer;
use aws_mode::names::Names;
use aws_mode::world::{MOTO_ACCOUNT, user_pool};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use chrono::{Datelike, Duration, Utc};

use aws_adapters::{DynamoStore, create_tables};
use domain::company::{CompanyProfile, CompanyRepo, Registration, WorkHours};
use domain::config::TableNames;
use domain::exam::{
    Attempt, AttemptRepo, DrawnQuestion, FrozenQuestion, QuestionDraft, QuestionKind, Scoring,
};
use domain::ports::{Condition, ItemStore, Table};
use domain::roster::StaffRole;
use serde_json::{Value, json};

use crate::lambda::fixtures::{
    Expectation, Expected, Function, Invocation, claims_of, event, template,
};
use crate::lambda::tls::LocalTls;
use crate::lambda::tls_front::TlsFront;

/// The emulator and clients on it.
pub struct World {
    /// Kept for its lifetime: dropping it stops the emulator.
    _moto: MotoServer,
    /// What instances call: moto behind HTTPS.
    pub front: TlsFront,
    tls: LocalTls,
    config: SdkConfig,
    dynamodb: aws_sdk_dynamodb::Client,
    cognito: aws_sdk_cognitoidentityprovider::Client,
    runs: usize,
}

/// One run's data: the function's environment (its tables, user pool…) and its invocations.
pub struct Run {
    pub env: Vec<(String, String)>,
    pub invocations: Vec<Invocation>,
    tables: Vec<String>,
}

/// The tables each function's policy names (template.yaml's `Environment`).
fn tables(function: Function) -> &'static [Table] {
    match function {
        Function::CompanyAdmin => &[
            Table::Companies,
            Table::Employees,
            Table::Invitations,
            Table::Events,
            Table::Idempotency,
        ],
        Function::LeaveRequests => &[
            Table::Companies,
            Table::Employees,
            Table::Events,
            Table::LeaveRequests,
            Table::Idempotency,
        ],
        Function::QuestionAnswer => &[Table::ExamAttempts],
    }
}

impl World {
    /// Starts `moto_server`, its HTTPS front, and the harness's clients through the front.
    pub async fn start() -> Result<World, String> {
        let tls = LocalTls::generate(&crate::results::dir().join("tls"))?;
        let moto = MotoServer::start();
        let front = TlsFront::start(&tls, &moto.endpoint).await?;
        let config = moto
            .sdk_config()
            .await
            .into_builder()
            .endpoint_url(&front.endpoint)
            .http_client(tls.http_client()?)
            .build();
        Ok(World {
            dynamodb: aws_sdk_dynamodb::Client::new(&config),
            cognito: aws_sdk_cognitoidentityprovider::Client::new(&config),
            config,
            _moto: moto,
            front,
            tls,
            runs: 0,
        })
    }

    /// Fresh tables and data for one cold start of `function` with `count` invokes.
    pub async fn prepare(&mut self, function: Function, count: usize) -> Result<Run, String> {
        self.runs += 1;
        let prefix = format!("run{}-", self.runs);
        let names: BTreeMap<String, String> = tables(function)
            .iter()
            .map(|t| (t.env_var(), format!("{prefix}{}", t.name())))
            .collect();
        let table_names =
            TableNames::from_env(&names, tables(function)).map_err(|e| e.to_string())?;
        create_tables(&self.dynamodb, &table_names)
            .await
            .map_err(|e| format!("create tables: {e}"))?;
        let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&self.config), table_names);
        let mut env: Vec<(String, String)> = names.clone().into_iter().collect();
        env.extend(self.tls.instance_env());
        let invocations = match function {
            Function::CompanyAdmin => {
                let (pool, invocations) = self.company_owners(count).await?;
                env.push(("USER_POOL_ID".into(), pool));
                env.push(("FACE_COLLECTION_PREFIX".into(), "genese-bench-".into()));
                invocations
            }
            Function::LeaveRequests => {
                env.push(("LEAVE_PAST_WINDOW_DAYS".into(), "30".into()));
                employees_asking_leave(&store, count).await?
            }
            Function::QuestionAnswer => applicants_submitting(&store, count).await?,
        };
        Ok(Run {
            env,
            invocations,
            tables: names.into_values().collect(),
        })
    }

    /// The median of `samples` GetItem round trips to moto: the floor under every AWS call.
    pub async fn round_trip_ms(&self, samples: usize) -> Result<f64, String> {
        let names = BTreeMap::from([(
            Table::Idempotency.env_var(),
            "probe-Idempotency".to_string(),
        )]);
        let table_names =
            TableNames::from_env(&names, &[Table::Idempotency]).map_err(|e| e.to_string())?;
        create_tables(&self.dynamodb, &table_names)
            .await
            .map_err(|e| format!("probe table: {e}"))?;
        let store = DynamoStore::new(self.dynamodb.clone(), table_names);
        let mut times = Vec::with_capacity(samples);
        for _ in 0..samples {
            let started = std::time::Instant::now();
            store
                .get(Table::Idempotency, &domain::ports::Key::of("probe"))
                .await
                .map_err(|e| format!("probe: {e}"))?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        Ok(crate::stats::median(&times))
    }

    /// Drops the run's tables, so moto's scans stay as small for the last run as the first.
    pub async fn clean(&self, run: &Run) {
        for table in &run.tables {
            let _ = self.dynamodb.delete_table().table_name(table).send().await;
        }
    }

    /// A user pool with the `admins` group and `count` signed-up users without a company, and
    /// each one's `POST /companies`.
    async fn company_owners(&self, count: usize) -> Result<(String, Vec<Invocation>), String> {
        let mut names = Names::new(
            "us-east-1",
            MOTO_ACCOUNT,
            &format!("genese-bench-{}", self.runs),
        );
        let pool_id = user_pool::make(&self.cognito, &mut names).await?.id;
        let template = template(Function::CompanyAdmin);
        let mut invocations = Vec::with_capacity(count);
        for i in 0..count {
            let email = format!("founder-{}-{i}@bench.test", uuid::Uuid::new_v4().simple());
            let created = self
                .cognito
                .admin_create_user()
                .user_pool_id(&pool_id)
                .username(&email)
                .user_attributes(
                    AttributeType::builder()
                        .name("email")
                        .value(&email)
                        .build()
                        .map_err(|e| format!("attribute: {e}"))?,
                )
                .message_action(MessageActionType::Suppress)
                .send()
                .await
                .map_err(|e| format!("user: {e:?}"))?;
            // The pool signs in by email and makes the username, which is also the sub.
            let username = created
                .user()
                .and_then(|u| u.username())
                .ok_or("AdminCreateUser named no user")?;
            let mut claims = claims_of(&template);
            claims["sub"] = json!(username);
            claims["cognito:username"] = json!(username);
            claims["email"] = json!(email);
            let name = format!("Bench Co {i}");
            let body = json!({"name": name, "timeZone": "Asia/Kathmandu",
                "workHours": {"start": "09:30", "end": "17:30", "lateAfterMinutes": 15}});
            invocations.push(Invocation {
                event: event(&template, claims, Some(body)),
                expect: Expectation {
                    status: 201,
                    fields: vec![
                        ("/id", Expected::Present),
                        ("/name", Expected::Equals(json!(name))),
                        ("/timeZone", Expected::Equals(json!("Asia/Kathmandu"))),
                        ("/workHours/lateAfterMinutes", Expected::Equals(json!(15))),
                        ("/version", Expected::Equals(json!(1))),
                    ],
                },
            });
        }
        Ok((pool_id, invocations))
    }
}

/// A company (Kathmandu, Monday to Friday) with `count` active employees, and each one's first
/// leave request: Monday to Wednesday noon a week or more ahead, 2.5 working days.
async fn employees_asking_leave(
    store: &DynamoStore,
    count: usize,
) -> Result<Vec<Invocation>, String> {
    let company_id = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let now = Utc::now();
    CompanyRepo::new(store)
        .register(&Registration {
            company_id: company_id.clone(),
            owner_sub: uuid::Uuid::new_v4().to_string(),
            owner_username: "admin@bench.test".into(),
            owner_email: Some("admin@bench.test".into()),
            profile: CompanyProfile {
                name: "Bench Leave Co".into(),
                time_zone: "Asia/Kathmandu".into(),
                work_hours: WorkHours::default(),
            },
            at: now,
        })
        .await
        .map_err(|e| format!("company: {e}"))?;
    let mut start = now.date_naive() + Duration::days(7);
    while start.weekday() != chrono::Weekday::Mon {
        start += Duration::days(1);
    }
    let end = start + Duration::days(2);
    let template = template(Function::LeaveRequests);
    let mut invocations = Vec::with_capacity(count);
    for i in 0..count {
        // As the pool names them: a UUID username (the sub too) and an email.
        let username = uuid::Uuid::new_v4().to_string();
        let email = format!("emp-{i}@bench.test");
        let entry = testkit::active_staff(
            &company_id,
            (&username, &email),
            StaffRole::Employee,
            Some("manager-of-the-bench"),
            now,
        );
        store
            .put(Table::Employees, entry.to_item(), Condition::Absent)
            .await
            .map_err(|e| format!("employee: {e}"))?;
        let mut claims = claims_of(&template);
        claims["sub"] = json!(entry.sub);
        claims["cognito:username"] = json!(username);
        claims["email"] = json!(email);
        claims["custom:company_id"] = json!(company_id);
        let body = json!({"type": "annual", "startDate": start.to_string(), "endDate": end.to_string(),
            "endHalf": "morning", "reason": "Family visit in Pokhara"});
        invocations.push(Invocation {
            event: event(&template, claims, Some(body)),
            expect: Expectation {
                status: 201,
                fields: vec![
                    ("/id", Expected::Present),
                    ("/employee", Expected::Equals(json!(username))),
                    ("/manager", Expected::Equals(json!("manager@bench.test"))),
                    ("/status", Expected::Equals(json!("pending"))),
                    ("/days", Expected::Equals(json!(2.5))),
                    ("/startDate", Expected::Equals(json!(start.to_string()))),
                ],
            },
        });
    }
    Ok(invocations)
}

fn frozen(id: &str, order: &[usize], content: QuestionDraft) -> FrozenQuestion {
    FrozenQuestion {
        drawn: DrawnQuestion {
            question_id: id.into(),
            category: content.category.clone(),
            option_order: order.to_vec(),
        },
        content,
    }
}

/// `count` applicants each with an exam in progress (three frozen questions, shuffled options),
/// and each one's submit with last answers: one right single choice, one half-right multiple.
async fn applicants_submitting(
    store: &DynamoStore,
    count: usize,
) -> Result<Vec<Invocation>, String> {
    let questions = vec![
        frozen(
            "rust-1",
            &[2, 0, 1],
            testkit::question_draft(
                "Which is a borrow?",
                QuestionKind::Single,
                "rust",
                2,
                &[true, false, false],
            ),
        ),
        frozen(
            "sql-3",
            &[3, 1, 0, 2],
            testkit::question_draft(
                "Which are joins?",
                QuestionKind::Multiple,
                "sql",
                3,
                &[true, true, false, false],
            ),
        ),
        frozen(
            "apt-2",
            &[0, 1],
            testkit::question_draft(
                "Next in 2, 4, 8?",
                QuestionKind::Single,
                "aptitude",
                1,
                &[false, true],
            ),
        ),
    ];
    let template = template(Function::QuestionAnswer);
    let repo = AttemptRepo::new(store);
    let mut invocations = Vec::with_capacity(count);
    for _ in 0..count {
        let uid = uuid::Uuid::new_v4().to_string();
        let attempt = Attempt::start(
            &uid,
            Some(format!("{uid}@bench.test")),
            questions.clone(),
            Utc::now(),
            Duration::minutes(60),
            Duration::seconds(30),
            Scoring::Partial,
        );
        repo.create_once(attempt)
            .await
            .map_err(|e| format!("attempt: {e}"))?;
        let mut claims = claims_of(&template);
        claims["sub"] = json!(uid);
        claims["email"] = json!(format!("{uid}@bench.test"));
        let mut event = event(
            &template,
            claims,
            Some(json!({"answers": {"rust-1": [1], "sql-3": [1]}})),
        );
        aim(&mut event, "POST", "/exams/current/submit");
        invocations.push(Invocation {
            event,
            expect: Expectation {
                status: 200,
                fields: vec![
                    ("/status", Expected::Equals(json!("submitted"))),
                    ("/finalisedBy", Expected::Equals(json!("applicant"))),
                    ("/answered", Expected::Equals(json!(2))),
                    ("/total", Expected::Equals(json!(3))),
                    ("/answers/rust-1", Expected::Equals(json!([1]))),
                ],
            },
        });
    }
    Ok(invocations)
}

/// Points a REST proxy event at another method and resource.
fn aim(event: &mut Value, method: &str, resource: &str) {
    event["httpMethod"] = json!(method);
    event["resource"] = json!(resource);
    event["path"] = json!(resource);
    event["requestContext"]["httpMethod"] = json!(method);
    event["requestContext"]["resourcePath"] = json!(resource);
    event["requestContext"]["path"] = json!(format!("/v1{resource}"));
}
