//! The question bank end to end: a recruiter builds it through the real stack; nobody else may.

use genese_tests::local_stack::LocalStack;
use serde_json::{Value, json};

const DEMO_PASSWORD: &str = "Demo-Password-1";

#[tokio::test]
async fn a_recruiter_builds_the_bank_and_an_applicant_cannot_read_it() {
    let stack = LocalStack::start();
    let recruiter = stack.token("recruiter@genese.test", DEMO_PASSWORD).await;
    let applicant = stack.token("applicant@example.test", DEMO_PASSWORD).await;
    let question = json!({
        "text": "Which SQL clause filters groups?", "kind": "single", "category": "sql",
        "difficulty": "medium", "points": 2,
        "options": [{"text": "WHERE", "correct": false}, {"text": "HAVING", "correct": true}]
    });
    let created = stack
        .http
        .post(stack.url("/questions"))
        .bearer_auth(&recruiter)
        .json(&question)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let listed: Value = stack
        .http
        .get(stack.url("/questions?category=sql"))
        .bearer_auth(&recruiter)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["id"], id.as_str());

    let refused = stack
        .http
        .get(stack.url("/questions"))
        .bearer_auth(&applicant)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let refused = stack
        .http
        .post(stack.url("/questions"))
        .bearer_auth(&applicant)
        .json(&question)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}
