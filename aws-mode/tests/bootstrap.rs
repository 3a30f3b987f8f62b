//! A real bootstrap (company-admin, built as `sam build` builds it) under the Runtime API
//! emulator, with exactly the template's environment, signing with its role's session, its
//! calls through the front to a real moto_server with IAM enforced: a company's registration, as API Gateway would invoke it. Withholding one action
//! from the template makes the same registration fail on the call that needs it.

use std::time::Duration;

use aws_mode::deployment::Deployment;
use aws_mode::front;
use aws_mode::instance::Instance;
use aws_mode::template::template;
use serde_json::Value;
use serde_norway::Value as Yaml;

const EVENT: &str = include_str!("../../events/company-admin/post-companies.json");

/// `template` without the action `action` in any statement of `function`.
fn withholding_action(function: &str, action: &str) -> Yaml {
    let mut template = template().clone();
    let policies = &mut template["Resources"][function]["Properties"]["Policies"];
    for policy in policies.as_sequence_mut().unwrap() {
        for statement in policy["Statement"].as_sequence_mut().unwrap() {
            if let Yaml::Sequence(actions) = &mut statement["Action"] {
                actions.retain(|a| a.as_str() != Some(action));
            }
        }
    }
    template
}

struct Registered {
    response: Result<Value, String>,
    calls: Vec<front::Call>,
    admin_groups: Vec<String>,
    company_attribute: Option<String>,
}

/// A signed-up user registers a company through the real bootstrap, under `template`'s roles.
async fn register(template: &Yaml) -> Registered {
    let deployment = Deployment::start(template, "genese-aws").await.unwrap();
    let world = &deployment.world;
    let config = &deployment.operator;

    let cognito = aws_sdk_cognitoidentityprovider::Client::new(config);
    let username = deployment
        .signed_up("founder@newco.test", "Founder-Pass-1!")
        .await
        .unwrap();

    let log_dir = std::env::temp_dir().join("genese-aws-mode");
    std::fs::create_dir_all(&log_dir).unwrap();
    let log =
        std::fs::File::create(log_dir.join(format!("company-admin-{}.log", std::process::id())))
            .unwrap();
    let instance = Instance::start(
        template,
        "CompanyAdminFunction",
        &world.names,
        deployment.front.endpoint(),
        &deployment.sessions["CompanyAdminFunction"],
        log,
    )
    .await
    .unwrap();

    let mut event: Value = serde_json::from_str(EVENT).unwrap();
    let claims = &mut event["requestContext"]["authorizer"]["claims"];
    claims["sub"] = username.clone().into();
    claims["cognito:username"] = username.clone().into();
    claims["iss"] = format!(
        "https://cognito-idp.us-east-1.amazonaws.com/{}",
        world.pool.id
    )
    .into();
    let response = instance.invoke(event, Duration::from_secs(30)).await;

    let groups = cognito
        .admin_list_groups_for_user()
        .user_pool_id(&world.pool.id)
        .username(&username)
        .send()
        .await
        .unwrap();
    let user = cognito
        .admin_get_user()
        .user_pool_id(&world.pool.id)
        .username(&username)
        .send()
        .await
        .unwrap();
    Registered {
        response,
        calls: deployment.front.calls(),
        admin_groups: groups
            .groups()
            .iter()
            .filter_map(|g| g.group_name().map(str::to_string))
            .collect(),
        company_attribute: user
            .user_attributes()
            .iter()
            .find(|a| a.name() == "custom:company_id")
            .and_then(|a| a.value().map(str::to_string)),
    }
}

#[tokio::test]
async fn a_company_registers_through_the_real_bootstrap_on_the_templates_role() {
    let registered = register(template()).await;
    let response = registered.response.unwrap();
    assert_eq!(response["statusCode"], 201, "{response}");
    let body: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["name"], "NewCo");
    assert_eq!(registered.admin_groups, ["admins"]);
    assert_eq!(registered.company_attribute.as_deref(), body["id"].as_str());
    let by_function: Vec<_> = registered
        .calls
        .iter()
        .filter(|c| c.function.as_deref() == Some("CompanyAdminFunction"))
        .collect();
    assert!(
        !by_function.is_empty(),
        "the bootstrap's calls went through the front"
    );
    assert!(
        by_function.iter().all(|c| c.denied.is_none()),
        "{by_function:?}"
    );
    let services: std::collections::BTreeSet<&str> =
        by_function.iter().map(|c| c.service.as_str()).collect();
    assert!(
        services.contains("dynamodb") && services.contains("cognito-idp"),
        "{services:?}"
    );
}

#[tokio::test]
async fn without_add_user_to_group_the_same_registration_fails_on_that_call() {
    let registered = register(&withholding_action(
        "CompanyAdminFunction",
        "cognito-idp:AdminAddUserToGroup",
    ))
    .await;
    let response = registered.response.unwrap();
    // The adapter reads AccessDenied as the service being unavailable to it: a 5xx, logged.
    let status = response["statusCode"].as_u64().unwrap();
    assert!((500..600).contains(&status), "{response}");
    assert!(registered.admin_groups.is_empty());
    let denied: Vec<&String> = registered
        .calls
        .iter()
        .filter_map(|c| c.denied.as_ref())
        .collect();
    assert_eq!(denied.len(), 1, "{denied:?}");
    assert!(
        denied[0].contains("cognito-idp:AdminAddUserToGroup"),
        "{}",
        denied[0]
    );
}
