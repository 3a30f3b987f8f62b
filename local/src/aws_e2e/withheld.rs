//! One permission withheld from the template at a time, and the journey that needs it fails on
//! the call the template no longer allows: neither the action check nor the resource check can
//! silently switch off.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_norway::Value as Yaml;

use super::journeys::{invitation, link_slack, registration};
use super::walk::Walk;
use aws_mode::template::template;

/// The template with `keep` deciding, for each statement of `function`, which of its
/// `field` (`Action` or `Resource`) entries stay.
fn withholding(function: &str, field: &str, keep: impl Fn(&Yaml) -> bool) -> Yaml {
    let mut changed = template().clone();
    let policies = changed["Resources"][function]["Properties"]["Policies"]
        .as_sequence_mut()
        .expect("the function has policies");
    let mut removed = 0;
    for policy in policies {
        for statement in policy["Statement"].as_sequence_mut().into_iter().flatten() {
            if let Some(list) = statement[field].as_sequence_mut() {
                let before = list.len();
                list.retain(&keep);
                removed += before - list.len();
            }
        }
    }
    assert!(removed > 0, "{function}: nothing to withhold");
    changed
}

#[tokio::test]
async fn without_admin_create_user_no_one_can_be_invited() {
    let changed = withholding("CompanyAdminFunction", "Action", |a| {
        a.as_str() != Some("cognito-idp:AdminCreateUser")
    });
    let walk = Walk::start(&changed, "aws-e2e-no-invite").await;
    let admin = registration(&walk).await;
    let (status, refused) = walk
        .api(
            Some(&admin),
            "POST",
            "/employees",
            Some(serde_json::json!({ "email": "ravi@newco.test", "name": "Ravi", "role": "manager" })),
        )
        .await;
    assert!(status >= 500, "{status}: {refused}");
    let denied = walk.refused_calls();
    assert!(
        denied
            .iter()
            .any(|c| c.function.as_deref() == Some("CompanyAdminFunction")
                && c.asks
                    .iter()
                    .any(|a| a.action == "cognito-idp:AdminCreateUser")),
        "{denied:#?}"
    );
}

#[tokio::test]
async fn without_the_attendance_table_slack_cannot_tell_anyone_their_day() {
    let changed = withholding("SlackFunction", "Resource", |r| {
        !format!("{r:?}").contains("AttendanceTable")
    });
    let walk = Walk::start(&changed, "aws-e2e-no-attendance").await;
    let admin = registration(&walk).await;
    let company = invitation(&walk, admin).await;
    link_slack(&walk, &company).await;
    let form = genese_tests::slack::command_form("U0RAVI", "/attendance", "today");
    let (status, reply) = walk.slack("/slack/commands", form).await;
    let told = reply["text"].as_str().unwrap_or_default();
    assert!(
        !(status == 200 && told.contains("checked in")),
        "{status}: {reply}"
    );
    let denied = walk.refused_calls();
    assert!(
        denied
            .iter()
            .any(|c| c.function.as_deref() == Some("SlackFunction")
                && c.asks
                    .iter()
                    .any(|a| a.action == "dynamodb:GetItem"
                        && a.resource.contains("AttendanceTable"))),
        "{denied:#?}"
    );
}

#[tokio::test]
async fn without_delete_faces_a_withdrawal_fails_whole_and_the_consent_stays() {
    let changed = withholding("AttendanceFunction", "Action", |a| {
        a.as_str() != Some("rekognition:DeleteFaces")
    });
    let walk = Walk::start(&changed, "aws-e2e-no-delete-faces").await;
    let admin = registration(&walk).await;
    let company = invitation(&walk, admin).await;
    let employee = Some(company.employee.as_str());
    let (status, consented) = walk
        .api(
            employee,
            "PUT",
            "/me/biometric-consent",
            Some(serde_json::json!({ "textVersion": domain::consent::BIOMETRIC_CONSENT.version })),
        )
        .await;
    assert_eq!(status, 200, "{consented}");
    let photo = serde_json::json!({ "photo": STANDARD.encode(testkit::sample_photo("obama.jpg")) });
    let (status, enrolled) = walk.api(employee, "PUT", "/me/face", Some(photo)).await;
    assert_eq!(status, 200, "{enrolled}");

    let (status, refused) = walk
        .api(employee, "DELETE", "/me/biometric-consent", None)
        .await;
    assert!(status >= 500, "{status}: {refused}");
    // The face could not be deleted, so the roster still says what is held: nothing half done.
    let (_, me) = walk.api(employee, "GET", "/me", None).await;
    assert_eq!(
        (
            &me["face"]["enrolled"],
            &me["biometricConsent"]["textVersion"]
        ),
        (
            &serde_json::json!(true),
            &serde_json::json!(domain::consent::BIOMETRIC_CONSENT.version)
        ),
        "{me}"
    );
    assert!(
        walk.refused_calls()
            .iter()
            .any(|c| c.function.as_deref() == Some("AttendanceFunction")
                && c.asks.iter().any(|a| a.action == "rekognition:DeleteFaces")),
        "{:#?}",
        walk.refused_calls()
    );
}

#[tokio::test]
async fn without_admin_delete_user_an_erasure_fails_loudly_and_her_data_is_gone_first() {
    let changed = withholding("PersonalDetailsFunction", "Action", |a| {
        a.as_str() != Some("cognito-idp:AdminDeleteUser")
    });
    let walk = Walk::start(&changed, "aws-e2e-no-delete-user").await;
    let (email, password) = ("asha@example.org", "Asha-Pass-2026!");
    walk.sign_up("careers-portal", email, password).await;
    let token = walk.sign_in("careers-portal", email, password).await;
    let details = serde_json::json!({
        "firstName": "Asha", "lastName": "Gurung", "phone": "+9779812345678", "education": [],
        "availability": {"startDate": "2027-01-04", "commitment": "internship"}
    });
    let (status, saved) = walk
        .api(Some(&token), "PUT", "/applicants/me", Some(details))
        .await;
    assert_eq!(status, 201, "{saved}");

    let (status, refused) = walk
        .api(Some(&token), "DELETE", "/applicants/me", None)
        .await;
    assert!(status >= 500, "{status}: {refused}");
    // Her data went first: an account left behind lets her sign in and ask again, while data
    // left behind an account already gone could never be erased by her.
    let (status, _) = walk.api(Some(&token), "GET", "/applicants/me", None).await;
    assert_eq!(status, 410);
    let again = walk.sign_in("careers-portal", email, password).await;
    assert!(!again.is_empty(), "she can sign in to retry");
    assert!(
        walk.refused_calls().iter().any(|c| c.function.as_deref()
            == Some("PersonalDetailsFunction")
            && c.asks
                .iter()
                .any(|a| a.action == "cognito-idp:AdminDeleteUser")),
        "{:#?}",
        walk.refused_calls()
    );
}
