//! The user-directory port on a Cognito user pool, through its admin API.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, DeliveryMediumType, UserType};

use super::{THROTTLING, describe};
use domain::ports::{DirectoryError, DirectoryUser, NewUser, UserDirectory};

/// One user pool.
pub struct CognitoDirectory {
    client: Client,
    user_pool_id: String,
}

impl CognitoDirectory {
    pub fn new(client: Client, user_pool_id: String) -> Self {
        CognitoDirectory {
            client,
            user_pool_id,
        }
    }
}

fn directory_error<E, R>(
    e: aws_smithy_runtime_api::client::result::SdkError<E, R>,
) -> DirectoryError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let (code, message) = describe(&e);
    match code.as_str() {
        "UsernameExistsException" | "AliasExistsException" => DirectoryError::UserExists,
        "UserNotFoundException" => DirectoryError::UserNotFound,
        "InvalidParameterException" | "InvalidPasswordException" => {
            DirectoryError::Invalid(message)
        }
        c if THROTTLING.contains(&c) => DirectoryError::Throttled,
        _ => DirectoryError::Unavailable(message),
    }
}

fn attribute(name: &str, value: &str) -> Result<AttributeType, DirectoryError> {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(|e| DirectoryError::Invalid(e.to_string()))
}

/// Splits Cognito's attribute list into sub, email and the rest.
fn user_from(
    username: &str,
    attributes: &[AttributeType],
    enabled: bool,
    status: String,
    groups: Vec<String>,
) -> DirectoryUser {
    let mut rest: BTreeMap<String, String> = attributes
        .iter()
        .map(|a| {
            (
                a.name().to_string(),
                a.value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let sub = rest.remove("sub").unwrap_or_default();
    let email = rest.remove("email").unwrap_or_default();
    DirectoryUser {
        sub,
        username: username.to_string(),
        email,
        enabled,
        status,
        groups,
        attributes: rest,
    }
}

impl CognitoDirectory {
    async fn groups_of(&self, username: &str) -> Result<Vec<String>, DirectoryError> {
        let mut groups = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let out = self
                .client
                .admin_list_groups_for_user()
                .user_pool_id(&self.user_pool_id)
                .username(username)
                .set_next_token(next.take())
                .send()
                .await
                .map_err(directory_error)?;
            groups.extend(
                out.groups()
                    .iter()
                    .filter_map(|g| g.group_name().map(str::to_string)),
            );
            match out.next_token() {
                Some(token) if !token.is_empty() => next = Some(token.to_string()),
                _ => break,
            }
        }
        groups.sort();
        Ok(groups)
    }
}

#[async_trait]
impl UserDirectory for CognitoDirectory {
    async fn create_user(&self, user: &NewUser) -> Result<DirectoryUser, DirectoryError> {
        let mut attributes = vec![
            attribute("email", &user.email)?,
            attribute("email_verified", "true")?,
        ];
        for (name, value) in &user.attributes {
            attributes.push(attribute(name, value)?);
        }
        // In an email sign-in pool the email goes in as the username and a UUID comes back.
        let out = self
            .client
            .admin_create_user()
            .user_pool_id(&self.user_pool_id)
            .username(&user.email)
            .set_user_attributes(Some(attributes))
            .set_temporary_password(user.temporary_password.clone())
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send()
            .await
            .map_err(directory_error)?;
        let created: Option<&UserType> = out.user();
        let username = created
            .and_then(|u| u.username())
            .ok_or_else(|| DirectoryError::Unavailable("AdminCreateUser named no user".into()))?
            .to_string();
        for group in &user.groups {
            self.add_to_group(&username, group).await?;
        }
        let status = created
            .and_then(|u| u.user_status())
            .map(|s| s.as_str().to_string())
            .unwrap_or_default();
        let mut groups = user.groups.clone();
        groups.sort();
        groups.dedup();
        Ok(user_from(
            &username,
            created.map(|u| u.attributes()).unwrap_or_default(),
            true,
            status,
            groups,
        ))
    }

    async fn get_user(&self, username: &str) -> Result<DirectoryUser, DirectoryError> {
        let out = self
            .client
            .admin_get_user()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .send()
            .await
            .map_err(directory_error)?;
        let status = out
            .user_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default();
        // Asked by email, Cognito answers with the username.
        let groups = self.groups_of(out.username()).await?;
        Ok(user_from(
            out.username(),
            out.user_attributes(),
            out.enabled(),
            status,
            groups,
        ))
    }

    async fn add_to_group(&self, username: &str, group: &str) -> Result<(), DirectoryError> {
        self.client
            .admin_add_user_to_group()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .group_name(group)
            .send()
            .await
            .map_err(directory_error)?;
        Ok(())
    }

    async fn remove_from_group(&self, username: &str, group: &str) -> Result<(), DirectoryError> {
        self.client
            .admin_remove_user_from_group()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .group_name(group)
            .send()
            .await
            .map_err(directory_error)?;
        Ok(())
    }

    async fn set_attributes(
        &self,
        username: &str,
        attributes: &BTreeMap<String, String>,
    ) -> Result<(), DirectoryError> {
        let list = attributes
            .iter()
            .map(|(k, v)| attribute(k, v))
            .collect::<Result<Vec<_>, _>>()?;
        self.client
            .admin_update_user_attributes()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .set_user_attributes(Some(list))
            .send()
            .await
            .map_err(directory_error)?;
        Ok(())
    }

    async fn disable_user(&self, username: &str) -> Result<(), DirectoryError> {
        self.client
            .admin_disable_user()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .send()
            .await
            .map_err(directory_error)?;
        Ok(())
    }

    async fn delete_user(&self, username: &str) -> Result<(), DirectoryError> {
        self.client
            .admin_delete_user()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .send()
            .await
            .map_err(directory_error)?;
        Ok(())
    }

    async fn app_client_name(&self, client_id: &str) -> Result<String, DirectoryError> {
        let out = self
            .client
            .describe_user_pool_client()
            .user_pool_id(&self.user_pool_id)
            .client_id(client_id)
            .send()
            .await
            .map_err(directory_error)?;
        Ok(out
            .user_pool_client()
            .and_then(|c| c.client_name())
            .unwrap_or_default()
            .to_string())
    }
}
