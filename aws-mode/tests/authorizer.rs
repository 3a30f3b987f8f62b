//! API Gateway's Cognito authorizer on moto's own id tokens: the pool's JWKS, its issuer, its
//! app clients, `token_use`, and the claims as a REST API hands them to a function.

use aws_mode::authorizer;
use aws_mode::moto::MotoServer;
use aws_mode::world;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, AuthFlowType, ChallengeNameType};

/// Signs `email` in on `client` as an invited user does the first time (temporary password,
/// then a new one): the authentication result's id and access tokens.
async fn first_sign_in(
    cognito: &Client,
    pool: &str,
    client: &str,
    email: &str,
) -> (String, String) {
    cognito
        .admin_create_user()
        .user_pool_id(pool)
        .username(email)
        .temporary_password("Temp-Pass-1")
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value(email)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let started = cognito
        .admin_initiate_auth()
        .user_pool_id(pool)
        .client_id(client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", "Temp-Pass-1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        started.challenge_name(),
        Some(&ChallengeNameType::NewPasswordRequired)
    );
    let done = cognito
        .admin_respond_to_auth_challenge()
        .user_pool_id(pool)
        .client_id(client)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .challenge_responses("USERNAME", email)
        .challenge_responses("NEW_PASSWORD", "New-Pass-1!")
        .set_session(started.session().map(str::to_string))
        .send()
        .await
        .unwrap();
    let result = done.authentication_result().unwrap();
    (
        result.id_token().unwrap().to_string(),
        result.access_token().unwrap().to_string(),
    )
}

#[tokio::test]
async fn moto_id_tokens_pass_the_pools_authorizer_and_nothing_else_does() {
    let moto = MotoServer::start();
    let config = moto.sdk_config().await;
    let world = world::make(&config, "genese-aws").await.unwrap();
    let cognito = Client::new(&config);
    let pool = &world.pool;
    let clients: Vec<String> = pool.clients.values().cloned().collect();
    let authorizer = authorizer::of_moto_pool(&moto.endpoint, "us-east-1", &pool.id, &clients)
        .await
        .unwrap();
    let client = &pool.clients["attendance-portal"];
    let (id, access) = first_sign_in(&cognito, &pool.id, client, "ravi@acme.test").await;

    let claims = authorizer.verify(&id).unwrap();
    let username = claims["cognito:username"].as_str().unwrap();
    assert_ne!(username, "ravi@acme.test", "the pool makes the username");
    assert_eq!(
        claims["sub"], username,
        "an email pool's username is the sub"
    );
    assert_eq!(claims["email"], "ravi@acme.test");
    assert_eq!(claims["aud"], client.as_str());

    for group in ["managers", "employees"] {
        cognito
            .admin_add_user_to_group()
            .user_pool_id(&pool.id)
            .username(username)
            .group_name(group)
            .send()
            .await
            .unwrap();
    }
    let again = cognito
        .admin_initiate_auth()
        .user_pool_id(&pool.id)
        .client_id(client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "ravi@acme.test")
        .auth_parameters("PASSWORD", "New-Pass-1!")
        .send()
        .await
        .unwrap();
    let id = again.authentication_result().unwrap().id_token().unwrap();
    let claims = authorizer.verify(id).unwrap();
    let mut groups: Vec<&str> = claims["cognito:groups"]
        .as_str()
        .unwrap()
        .split(',')
        .collect();
    groups.sort();
    assert_eq!(
        groups,
        ["employees", "managers"],
        "groups reach the function as one string"
    );

    // An access token has no audience, only `client_id`, and says `token_use: access`.
    assert!(
        authorizer.verify(&access).is_err(),
        "an access token is refused"
    );
    let mut tampered = id.to_string();
    tampered.insert(tampered.rfind('.').unwrap() + 1, 'x');
    assert!(
        authorizer.verify(&tampered).is_err(),
        "a changed signature is refused"
    );

    // moto signs every pool with one key: the issuer is what tells pools apart, as it must.
    let mut names = aws_mode::names::Names::new("us-east-1", world::MOTO_ACCOUNT, "other");
    let other = world::user_pool::make(&cognito, &mut names).await.unwrap();
    let (foreign, _) = first_sign_in(
        &cognito,
        &other.id,
        &other.clients["attendance-portal"],
        "eve@globex.test",
    )
    .await;
    assert!(
        authorizer.verify(&foreign).is_err(),
        "another pool's token is refused"
    );
}
