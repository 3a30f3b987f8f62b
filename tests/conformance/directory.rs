//! The user-directory port: invited users with groups and attributes, as Cognito keeps them.

use std::collections::BTreeMap;

use genese_tests::moto::{self, MotoServer};
use shared::adapters::aws::CognitoDirectory;
use shared::adapters::embedded::LocalDirectory;
use shared::fixtures::temp_dir;
use shared::ports::{DirectoryError, NewUser, UserDirectory};

async fn suite(directory: &dyn UserDirectory, careers_client_id: &str) {
    assert_eq!(
        directory.app_client_name(careers_client_id).await.unwrap(),
        "careers-portal"
    );

    let invite = NewUser {
        username: "ram@acme.test".into(),
        email: "ram@acme.test".into(),
        temporary_password: Some("Temp-Pass-123".into()),
        groups: vec!["employees".into()],
        attributes: BTreeMap::from([("custom:company_id".to_string(), "acme".to_string())]),
    };
    let created = directory.create_user(&invite).await.unwrap();
    assert!(!created.sub.is_empty());
    assert_eq!(created.status, "FORCE_CHANGE_PASSWORD");
    assert_eq!(
        directory.create_user(&invite).await,
        Err(DirectoryError::UserExists)
    );

    let user = directory.get_user("ram@acme.test").await.unwrap();
    assert_eq!((user.email.as_str(), user.enabled), ("ram@acme.test", true));
    assert_eq!(user.groups, vec!["employees"]);
    assert_eq!(user.attributes["custom:company_id"], "acme");
    assert_eq!(user.sub, created.sub);

    directory
        .add_to_group("ram@acme.test", "managers")
        .await
        .unwrap();
    directory
        .add_to_group("ram@acme.test", "managers")
        .await
        .unwrap();
    assert_eq!(
        directory.get_user("ram@acme.test").await.unwrap().groups,
        vec!["employees", "managers"]
    );
    for _ in 0..2 {
        directory
            .remove_from_group("ram@acme.test", "employees")
            .await
            .unwrap();
    }
    assert_eq!(
        directory.get_user("ram@acme.test").await.unwrap().groups,
        vec!["managers"]
    );

    let moved = BTreeMap::from([("custom:company_id".to_string(), "globex".to_string())]);
    directory
        .set_attributes("ram@acme.test", &moved)
        .await
        .unwrap();
    assert_eq!(
        directory
            .get_user("ram@acme.test")
            .await
            .unwrap()
            .attributes["custom:company_id"],
        "globex"
    );

    directory.disable_user("ram@acme.test").await.unwrap();
    assert!(!directory.get_user("ram@acme.test").await.unwrap().enabled);
    assert_eq!(
        directory.get_user("nobody@acme.test").await,
        Err(DirectoryError::UserNotFound)
    );
    assert_eq!(
        directory.add_to_group("nobody@acme.test", "admins").await,
        Err(DirectoryError::UserNotFound)
    );
}

#[tokio::test]
async fn local_directory_conforms() {
    let directory = LocalDirectory::open(&temp_dir("directory").join("directory.sqlite3")).unwrap();
    suite(&directory, "careers-portal").await;
}

#[tokio::test]
async fn cognito_directory_conforms_on_the_emulator() {
    let moto = MotoServer::start();
    let config = moto.sdk_config().await;
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&config);
    let pool_id = moto::user_pool(
        &cognito,
        "genese-conformance",
        &[
            "applicants",
            "recruiters",
            "admins",
            "managers",
            "employees",
        ],
    )
    .await
    .unwrap();
    let client = cognito
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("careers-portal")
        .send()
        .await
        .unwrap();
    let client_id = client
        .user_pool_client()
        .and_then(|c| c.client_id())
        .unwrap()
        .to_string();
    suite(&CognitoDirectory::new(cognito, pool_id), &client_id).await;
}
