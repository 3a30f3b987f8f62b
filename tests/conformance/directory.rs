//! The user-directory port: invited users with groups and attributes, as Cognito keeps them in
//! the template's pool, which signs in by email. Both sides make the username themselves (a
//! UUID, which is the `sub` too), keep the email as a unique alias, and answer every call by
//! username or by email.

use std::collections::BTreeMap;

use aws_adapters::CognitoDirectory;
use aws_mode::moto::MotoServer;
use aws_mode::names::Names;
use aws_mode::world::{MOTO_ACCOUNT, user_pool};
use domain::ports::{DirectoryError, FORCE_CHANGE_PASSWORD, NewUser, UserDirectory};
use embedded_adapters::LocalDirectory;
use testkit::temp_dir;

fn invitation(email: &str) -> NewUser {
    NewUser {
        email: email.into(),
        temporary_password: Some("Temp-Pass-123".into()),
        groups: vec!["employees".into()],
        attributes: BTreeMap::from([("custom:company_id".to_string(), "acme".to_string())]),
    }
}

async fn suite(directory: &dyn UserDirectory, careers_client_id: &str) {
    assert_eq!(
        directory.app_client_name(careers_client_id).await.unwrap(),
        "careers-portal"
    );

    // The pool makes the username: a UUID, the sub too, never the email.
    let created = directory
        .create_user(&invitation("ram@acme.test"))
        .await
        .unwrap();
    assert_ne!(created.username, "ram@acme.test");
    assert!(
        uuid::Uuid::parse_str(&created.username).is_ok(),
        "a generated username: {}",
        created.username
    );
    assert_eq!(created.sub, created.username);
    assert_eq!(created.email, "ram@acme.test");
    assert_eq!(created.status, FORCE_CHANGE_PASSWORD);
    assert_eq!(created.groups, vec!["employees"]);
    let ram = created.username.clone();

    // The email is unique: a second user with it is refused, whatever else differs.
    let mut again = invitation("ram@acme.test");
    again
        .attributes
        .insert("custom:company_id".into(), "globex".into());
    assert_eq!(
        directory.create_user(&again).await,
        Err(DirectoryError::UserExists)
    );
    // Only an email signs in to this pool.
    assert!(matches!(
        directory.create_user(&invitation("ram")).await,
        Err(DirectoryError::Invalid(_))
    ));

    // Read by username or by the email alias: the same user, named by their username.
    for who in [ram.as_str(), "ram@acme.test"] {
        let user = directory.get_user(who).await.unwrap();
        assert_eq!(user.username, ram, "read as {who}");
        assert_eq!((user.email.as_str(), user.enabled), ("ram@acme.test", true));
        assert_eq!(user.groups, vec!["employees"]);
        assert_eq!(user.attributes["custom:company_id"], "acme");
        assert_eq!(user.sub, created.sub);
    }

    // Group changes by username and by email alike, each idempotent.
    directory.add_to_group(&ram, "managers").await.unwrap();
    directory
        .add_to_group("ram@acme.test", "managers")
        .await
        .unwrap();
    assert_eq!(
        directory.get_user(&ram).await.unwrap().groups,
        vec!["employees", "managers"]
    );
    for _ in 0..2 {
        directory
            .remove_from_group(&ram, "employees")
            .await
            .unwrap();
    }
    assert_eq!(
        directory.get_user(&ram).await.unwrap().groups,
        vec!["managers"]
    );

    let moved = BTreeMap::from([("custom:company_id".to_string(), "globex".to_string())]);
    directory.set_attributes(&ram, &moved).await.unwrap();
    assert_eq!(
        directory.get_user(&ram).await.unwrap().attributes["custom:company_id"],
        "globex"
    );

    directory.disable_user(&ram).await.unwrap();
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
    let mut names = Names::new("us-east-1", MOTO_ACCOUNT, "genese-conformance");
    let pool = user_pool::make(&cognito, &mut names).await.unwrap();
    suite(
        &CognitoDirectory::new(cognito, pool.id.clone()),
        &pool.clients["careers-portal"],
    )
    .await;
}
