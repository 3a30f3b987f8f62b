//! The recording front on a real moto_server (IAM enforced, each function on its own role
//! session): each function's calls judged by its template statements as AWS judges them, and
//! refused as the service refuses them. Each test also
//! withholds one grant from the template and shows the same call refused, so the check cannot
//! silently switch off.

use std::collections::HashMap;

use aws_mode::deployment::Deployment;
use aws_mode::template::template;
use aws_mode::world;
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use serde_norway::Value;

async fn stage(template: &Value) -> Deployment {
    Deployment::start(template, "genese-aws").await.unwrap()
}

/// What the deployment calls the resource `id`.
fn name(stage: &Deployment, id: &str) -> String {
    stage.world.names.reference(id).unwrap()
}

/// The error code an SDK call failed with, as the SDK read it from the answer.
fn code(error: impl ProvideErrorMetadata) -> Option<String> {
    error.code().map(str::to_string)
}

/// `template` with every resource of `function`'s statements that names `resource` removed.
fn withholding(function: &str, resource: &str) -> Value {
    let mut template = template().clone();
    let policies = &mut template["Resources"][function]["Properties"]["Policies"];
    for policy in policies.as_sequence_mut().unwrap() {
        for statement in policy["Statement"].as_sequence_mut().unwrap() {
            let names_it = |v: &Value| format!("{v:?}").contains(resource);
            match &mut statement["Resource"] {
                Value::Sequence(list) => list.retain(|v| !names_it(v)),
                single if names_it(single) => *single = Value::Sequence(Vec::new()),
                _ => {}
            }
        }
    }
    template
}

fn key(person: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("person".to_string(), AttributeValue::S(person.into())),
        (
            "work_date".to_string(),
            AttributeValue::S("2027-01-04".into()),
        ),
    ])
}

#[tokio::test]
async fn slacks_attendance_today_reads_what_the_template_grants_and_nothing_withheld() {
    let stage = stage(template()).await;
    let dynamodb = aws_sdk_dynamodb::Client::new(&stage.as_function("SlackFunction"));
    let attendance = name(&stage, "AttendanceTable");
    dynamodb
        .get_item()
        .table_name(&attendance)
        .set_key(Some(key("c#u")))
        .send()
        .await
        .expect("the template grants Slack GetItem on Attendance");
    let questions = name(&stage, "QuestionsTable");
    let refused = dynamodb
        .get_item()
        .table_name(&questions)
        .key("id", AttributeValue::S("q".into()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(refused),
        Some("AccessDeniedException".into()),
        "the SDK reads the refusal as DynamoDB's"
    );
    let calls = stage.front.calls();
    let last = calls.last().unwrap();
    assert_eq!(last.function.as_deref(), Some("SlackFunction"));
    assert!(
        last.denied.as_ref().unwrap().contains("dynamodb:GetItem"),
        "{last:?}"
    );
    assert!(
        last.denied.as_ref().unwrap().contains(&questions),
        "{last:?}"
    );

    let stage = stage_withholding("SlackFunction", "AttendanceTable").await;
    let dynamodb = aws_sdk_dynamodb::Client::new(&stage.as_function("SlackFunction"));
    let refused = dynamodb
        .get_item()
        .table_name(name(&stage, "AttendanceTable"))
        .set_key(Some(key("c#u")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(refused),
        Some("AccessDeniedException".into()),
        "without the grant the same read is refused"
    );
}

async fn stage_withholding(function: &str, resource: &str) -> Deployment {
    stage(&withholding(function, resource)).await
}

#[tokio::test]
async fn a_transaction_is_judged_item_by_item_as_iam_does() {
    let stage = stage(template()).await;
    let dynamodb = aws_sdk_dynamodb::Client::new(&stage.as_function("CompanyAdminFunction"));
    let put = |table: String, key: &str, value: &str| {
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(table)
                    .item(key, AttributeValue::S(value.into()))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let companies = name(&stage, "CompaniesTable");
    dynamodb
        .transact_write_items()
        .transact_items(put(companies.clone(), "company_id", "acme"))
        .send()
        .await
        .expect("PutItem on Companies is granted: the transaction passes");
    let questions = name(&stage, "QuestionsTable");
    let refused = dynamodb
        .transact_write_items()
        .transact_items(put(companies.clone(), "company_id", "globex"))
        .transact_items(put(questions.clone(), "id", "q1"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(refused), Some("AccessDeniedException".into()));
    let calls = stage.front.calls();
    let judged: Vec<_> = calls
        .iter()
        .filter(|c| c.function.as_deref() == Some("CompanyAdminFunction"))
        .flat_map(|c| c.asks.iter().map(|a| a.action.as_str()))
        .collect();
    assert_eq!(
        judged, ["dynamodb:PutItem"; 3],
        "never `TransactWriteItems`, which IAM has not"
    );
    let denied = calls.last().unwrap().denied.clone().unwrap();
    assert!(
        denied.contains("dynamodb:PutItem") && denied.contains(&questions),
        "{denied}"
    );
    let scan = aws_sdk_dynamodb::Client::new(&stage.operator)
        .get_item()
        .table_name(&companies)
        .key("company_id", AttributeValue::S("globex".into()))
        .send()
        .await
        .unwrap();
    assert!(
        scan.item().is_none(),
        "nothing of the refused transaction was written"
    );

    let stage = stage_withholding("CompanyAdminFunction", "CompaniesTable").await;
    let dynamodb = aws_sdk_dynamodb::Client::new(&stage.as_function("CompanyAdminFunction"));
    let refused = dynamodb
        .transact_write_items()
        .transact_items(put(name(&stage, "CompaniesTable"), "company_id", "acme"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(refused), Some("AccessDeniedException".into()));
}

#[tokio::test]
async fn a_photo_is_written_under_its_granted_prefix_only() {
    let stage = stage(template()).await;
    let s3 = world::s3_client(&stage.as_function("AttendanceFunction"));
    let bucket = name(&stage, "PhotoBucket");
    s3.put_object()
        .bucket(&bucket)
        .key("attendance/acme/2027-01-04/u.jpg")
        .body(b"jpeg".to_vec().into())
        .send()
        .await
        .expect("attendance/* is granted");
    let refused = s3
        .put_object()
        .bucket(&bucket)
        .key("faces/acme/u.jpg")
        .body(b"jpeg".to_vec().into())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(refused), Some("AccessDenied".into()));
    let calls = stage.front.calls();
    assert_eq!(
        calls.last().unwrap().asks[0].resource,
        format!("arn:aws:s3:::{bucket}/faces/acme/u.jpg")
    );
}

#[tokio::test]
async fn the_slack_secret_is_judged_by_its_full_arn() {
    let stage = stage(template()).await;
    let secrets = aws_sdk_secretsmanager::Client::new(&stage.as_function("SlackFunction"));
    secrets
        .get_secret_value()
        .secret_id(&stage.world.slack.name)
        .send()
        .await
        .expect("secret:genese/slack-?????? matches the ARN Secrets Manager made");
    let refused = aws_sdk_secretsmanager::Client::new(&stage.as_function("QuestionAnswerFunction"))
        .get_secret_value()
        .secret_id(&stage.world.slack.name)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(refused), Some("AccessDeniedException".into()));
}

#[tokio::test]
async fn the_operators_calls_pass_unjudged() {
    let stage = stage(template()).await;
    let operator = stage
        .operator
        .to_builder()
        .endpoint_url(stage.front.endpoint())
        .build();
    aws_sdk_dynamodb::Client::new(&operator)
        .list_tables()
        .send()
        .await
        .unwrap();
    let calls = stage.front.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].function, None);
    assert!(calls[0].asks.is_empty() && calls[0].denied.is_none());
}

#[tokio::test]
async fn moto_enforces_what_its_model_can_and_the_front_the_rest() {
    let stage = stage(template()).await;
    // Straight to moto, past the front, on Slack's own session.
    let direct = stage
        .as_function("SlackFunction")
        .to_builder()
        .endpoint_url(&stage.moto.endpoint)
        .build();
    let refused = world::s3_client(&direct)
        .put_object()
        .bucket(name(&stage, "PhotoBucket"))
        .key("attendance/x.jpg")
        .body(b"jpeg".to_vec().into())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(refused),
        Some("AccessDenied".into()),
        "moto enforces S3 by action and key"
    );
    let stranger = stage
        .operator
        .to_builder()
        .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
            aws_sdk_dynamodb::config::Credentials::new("AKIANOBODY", "nothing", None, None, "x"),
        ))
        .build();
    let unknown = aws_sdk_dynamodb::Client::new(&stranger)
        .list_tables()
        .send()
        .await;
    assert!(
        unknown.is_err(),
        "an unknown key is refused: enforcement is on"
    );
    // moto authorises DynamoDB on `*` only, so Slack's widened role lets it read any table…
    aws_sdk_dynamodb::Client::new(&direct)
        .get_item()
        .table_name(name(&stage, "QuestionsTable"))
        .key("id", AttributeValue::S("q".into()))
        .send()
        .await
        .expect("moto's model cannot scope a table");
    // …which is why every function call goes through the front, which does not.
    let refused = aws_sdk_dynamodb::Client::new(&stage.as_function("SlackFunction"))
        .get_item()
        .table_name(name(&stage, "QuestionsTable"))
        .key("id", AttributeValue::S("q".into()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(refused), Some("AccessDeniedException".into()));
}
