//! A Cognito user pool's trigger event, as the pool sends it to its Lambda triggers
//! (<https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html>):
//! the common fields, the user's attributes, and the request fields a trigger source adds. The
//! embedded stack's local token issuer and AWS mode's user pool front both build it here, so the
//! trigger function sees one shape whichever stack invokes it.

use serde_json::{Map, Value, json};

/// Which pool sends the event.
pub struct PoolOf<'a> {
    pub region: &'a str,
    pub id: &'a str,
}

/// The event for `source` (e.g. `PreSignUp_SignUp`) about the user the pool names `username`
/// (in an email-as-username pool, the generated id, not the email), signing in or up through
/// the app client `client`.
pub fn trigger_event(
    source: &str,
    pool: &PoolOf,
    username: &str,
    attributes: Map<String, Value>,
    client: &str,
) -> Value {
    let mut request = json!({ "userAttributes": attributes, "clientMetadata": {} });
    if source.starts_with("PreSignUp_") {
        request["validationData"] = Value::Null;
    }
    if source.starts_with("TokenGeneration_") {
        // PreTokenGeneration (V1) sees the groups it may override.
        request["groupConfiguration"] =
            json!({ "groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": null });
    }
    json!({
        "version": "1",
        "region": pool.region,
        "userPoolId": pool.id,
        "userName": username,
        "callerContext": { "awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client },
        "triggerSource": source,
        "request": request,
        "response": {}
    })
}

/// The Lambda trigger a source belongs to, as `LambdaConfig` names it.
pub fn trigger_of(source: &str) -> Option<&'static str> {
    let (kind, _) = source.split_once('_')?;
    Some(match kind {
        "PreSignUp" => "PreSignUp",
        "PostConfirmation" => "PostConfirmation",
        "TokenGeneration" => "PreTokenGeneration",
        "PreAuthentication" => "PreAuthentication",
        "PostAuthentication" => "PostAuthentication",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_source_carries_the_fields_its_trigger_reads() {
        let pool = PoolOf {
            region: "ap-south-1",
            id: "ap-south-1_abc",
        };
        let attributes = Map::from_iter([("email".to_string(), json!("a@example.com"))]);
        let pre = trigger_event("PreSignUp_SignUp", &pool, "u-1", attributes.clone(), "c");
        assert_eq!(pre["request"]["userAttributes"]["email"], "a@example.com");
        assert!(pre["request"].get("validationData").is_some());
        assert_eq!(pre["callerContext"]["clientId"], "c");
        let token = trigger_event(
            "TokenGeneration_NewPasswordChallenge",
            &pool,
            "u-1",
            attributes,
            "c",
        );
        assert!(token["request"]["groupConfiguration"].is_object());
        assert_eq!(token["userPoolId"], "ap-south-1_abc");
        assert_eq!(
            trigger_of("TokenGeneration_NewPasswordChallenge"),
            Some("PreTokenGeneration")
        );
        assert_eq!(
            trigger_of("PostConfirmation_ConfirmSignUp"),
            Some("PostConfirmation")
        );
        assert_eq!(trigger_of("CustomMessage_SignUp"), None);
    }
}
