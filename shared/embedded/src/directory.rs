//! The user-directory port on SQLite, standing in for a Cognito user pool: users with groups,
//! attributes and argon2-hashed passwords, the temporary-password challenge included.
//!
//! As strict as the template's pool (`UsernameAttributes: [email]`): the pool makes every
//! username (a UUID, which is also the `sub`, as Cognito does), the email is a unique,
//! case-insensitive alias, and everything that takes a username takes the email too.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use async_trait::async_trait;
use rand::Rng;
use rusqlite::{Connection, OptionalExtension};

use domain::ports::{
    CONFIRMED, DirectoryError, DirectoryUser, Email, FORCE_CHANGE_PASSWORD, Mailer, NewUser,
    UserDirectory,
};

/// Why a sign-in failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum SignInError {
    /// Unknown user or wrong password (never told apart).
    #[error("incorrect username or password")]
    InvalidCredentials,
    #[error("the user is disabled")]
    Disabled,
    /// The user holds a temporary password and must set their own first.
    #[error("a new password is required")]
    NewPasswordRequired,
    #[error(transparent)]
    Directory(#[from] DirectoryError),
}

/// A local user pool in one SQLite file.
pub struct LocalDirectory {
    conn: Mutex<Connection>,
    /// Cognito emails invited users their temporary password; locally, this mailer does.
    invitation_mail: Option<(Arc<dyn Mailer>, String)>,
}

fn fault(e: rusqlite::Error) -> DirectoryError {
    DirectoryError::Unavailable(e.to_string())
}

/// Cognito's default policy: 8+ characters with upper, lower, digit and symbol.
pub fn check_password_policy(password: &str) -> Result<(), DirectoryError> {
    let ok = password.chars().count() >= 8
        && password.chars().any(|c| c.is_ascii_uppercase())
        && password.chars().any(|c| c.is_ascii_lowercase())
        && password.chars().any(|c| c.is_ascii_digit())
        && password.chars().any(|c| !c.is_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(DirectoryError::Invalid(
            "password: at least 8 characters with an upper-case letter, a lower-case letter, a digit and a symbol".into(),
        ))
    }
}

fn hash(password: &str) -> Result<String, DirectoryError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DirectoryError::Unavailable(e.to_string()))
}

fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

fn temporary_password() -> String {
    const SETS: [&[u8]; 4] = [
        b"ABCDEFGHJKLMNPQRSTUVWXYZ",
        b"abcdefghijkmnopqrstuvwxyz",
        b"23456789",
        b"!#$%&*+-=?@^_",
    ];
    let mut rng = rand::thread_rng();
    let mut chars: Vec<u8> = (0..16)
        .map(|i| {
            let set = SETS[i % SETS.len()];
            set[rng.gen_range(0..set.len())]
        })
        .collect();
    // Shuffle so the character classes do not sit in a fixed pattern.
    for i in (1..chars.len()).rev() {
        chars.swap(i, rng.gen_range(0..=i));
    }
    String::from_utf8(chars).unwrap_or_default()
}

struct Row {
    user: DirectoryUser,
    password_hash: String,
}

impl LocalDirectory {
    /// Opens (creating if needed) the user pool at `path`.
    pub fn open(path: &Path) -> Result<LocalDirectory, DirectoryError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| DirectoryError::Unavailable(e.to_string()))?;
        }
        let conn = Connection::open(path).map_err(fault)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(fault)?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             CREATE TABLE IF NOT EXISTS users (
                username TEXT PRIMARY KEY, sub TEXT NOT NULL UNIQUE, email TEXT NOT NULL UNIQUE,
                enabled INTEGER NOT NULL, status TEXT NOT NULL, password_hash TEXT NOT NULL,
                groups_json TEXT NOT NULL, attributes_json TEXT NOT NULL);",
        )
        .map_err(fault)?;
        Ok(LocalDirectory {
            conn: Mutex::new(conn),
            invitation_mail: None,
        })
    }

    /// Sends each admin-created user their temporary password from `from`, as Cognito would.
    pub fn with_invitation_mail(mut self, mailer: Arc<dyn Mailer>, from: &str) -> Self {
        self.invitation_mail = Some((mailer, from.to_string()));
        self
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, DirectoryError>,
    ) -> Result<T, DirectoryError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&conn)
    }

    /// The user whose username, or email alias, is `who`.
    fn row(conn: &Connection, who: &str) -> Result<Row, DirectoryError> {
        conn.query_row(
            "SELECT username, sub, email, enabled, status, password_hash, groups_json, attributes_json
             FROM users WHERE username = ?1 OR email = ?2",
            [who, who.to_lowercase().as_str()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                ))
            },
        )
        .optional()
        .map_err(fault)?
        .map(|(username, sub, email, enabled, status, password_hash, groups, attributes)| Row {
            user: DirectoryUser {
                sub,
                username,
                email,
                enabled,
                status,
                groups: serde_json::from_str(&groups).unwrap_or_default(),
                attributes: serde_json::from_str(&attributes).unwrap_or_default(),
            },
            password_hash,
        })
        .ok_or(DirectoryError::UserNotFound)
    }

    fn insert(&self, user: &DirectoryUser, password: &str) -> Result<(), DirectoryError> {
        let password_hash = hash(password)?;
        self.with(|c| {
            let done = c
                .execute(
                    "INSERT OR IGNORE INTO users VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    rusqlite::params![
                        user.username,
                        user.sub,
                        user.email,
                        user.enabled,
                        user.status,
                        password_hash,
                        serde_json::to_string(&user.groups).unwrap_or_default(),
                        serde_json::to_string(&user.attributes).unwrap_or_default()
                    ],
                )
                .map_err(fault)?;
            if done == 0 {
                Err(DirectoryError::UserExists)
            } else {
                Ok(())
            }
        })
    }

    /// The user a self sign-up would create, not yet stored: the pool makes the username first,
    /// so the PreSignUp trigger sees it, as Cognito's does. `UserExists` if the email is taken.
    pub fn new_sign_up(
        &self,
        email: &str,
        password: &str,
    ) -> Result<DirectoryUser, DirectoryError> {
        let email = check_email(email)?;
        check_password_policy(password)?;
        if self.with(|c| Self::row(c, &email)).is_ok() {
            return Err(DirectoryError::UserExists);
        }
        let username = new_username();
        Ok(DirectoryUser {
            sub: username.clone(),
            username,
            email,
            enabled: true,
            // Confirmed at once: locally there is no email round trip.
            status: CONFIRMED.into(),
            groups: Vec::new(),
            attributes: BTreeMap::new(),
        })
    }

    /// Stores a user from [`LocalDirectory::new_sign_up`] with their password.
    pub fn complete_sign_up(
        &self,
        user: &DirectoryUser,
        password: &str,
    ) -> Result<(), DirectoryError> {
        check_password_policy(password)?;
        self.insert(user, password)
    }

    /// Removes a user (undoing a sign-up that a trigger refused); `UserNotFound` if none.
    pub fn remove_user(&self, username: &str) -> Result<(), DirectoryError> {
        self.with(|c| {
            match c
                .execute("DELETE FROM users WHERE username = ?1", [username])
                .map_err(fault)?
            {
                0 => Err(DirectoryError::UserNotFound),
                _ => Ok(()),
            }
        })
    }

    /// Self sign-up in one step, for tests and the demo (no triggers run).
    pub fn sign_up(&self, email: &str, password: &str) -> Result<DirectoryUser, DirectoryError> {
        let user = self.new_sign_up(email, password)?;
        self.complete_sign_up(&user, password)?;
        Ok(user)
    }

    /// Checks a password, as Cognito's USER_PASSWORD_AUTH flow does; `username` may be the email.
    pub fn authenticate(
        &self,
        username: &str,
        password: &str,
    ) -> Result<DirectoryUser, SignInError> {
        let row = match self.with(|c| Self::row(c, username)) {
            Ok(row) => row,
            Err(DirectoryError::UserNotFound) => {
                // Same work as a real check, so timing does not reveal who exists.
                let _ = verify(
                    password,
                    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                );
                return Err(SignInError::InvalidCredentials);
            }
            Err(e) => return Err(e.into()),
        };
        if !verify(password, &row.password_hash) {
            return Err(SignInError::InvalidCredentials);
        }
        if !row.user.enabled {
            return Err(SignInError::Disabled);
        }
        if row.user.status == FORCE_CHANGE_PASSWORD {
            return Err(SignInError::NewPasswordRequired);
        }
        Ok(row.user)
    }

    /// Answers the temporary-password challenge: the temporary password and a new one.
    pub fn complete_new_password(
        &self,
        username: &str,
        temporary: &str,
        new_password: &str,
    ) -> Result<DirectoryUser, SignInError> {
        match self.authenticate(username, temporary) {
            Err(SignInError::NewPasswordRequired) => {}
            Ok(_) => return Err(SignInError::InvalidCredentials),
            Err(e) => return Err(e),
        }
        check_password_policy(new_password)?;
        self.set_password(username, new_password)?;
        Ok(self.with(|c| Self::row(c, username))?.user)
    }

    /// Sets a permanent password and confirms the user (Cognito `AdminSetUserPassword`, permanent).
    pub fn set_password(&self, username: &str, password: &str) -> Result<(), DirectoryError> {
        check_password_policy(password)?;
        let password_hash = hash(password)?;
        self.with(|c| {
            let username = Self::row(c, username)?.user.username;
            c.execute(
                "UPDATE users SET password_hash = ?2, status = ?3 WHERE username = ?1",
                rusqlite::params![username, password_hash, CONFIRMED],
            )
            .map_err(fault)?;
            Ok(())
        })
    }

    /// Creates a user and returns the temporary password (which Cognito would email).
    pub fn create_user_with_password(
        &self,
        user: &NewUser,
    ) -> Result<(DirectoryUser, String), DirectoryError> {
        let email = check_email(&user.email)?;
        let password = match &user.temporary_password {
            Some(p) => {
                check_password_policy(p)?;
                p.clone()
            }
            None => temporary_password(),
        };
        let mut groups = user.groups.clone();
        groups.sort();
        groups.dedup();
        let username = new_username();
        let created = DirectoryUser {
            sub: username.clone(),
            username,
            email,
            enabled: true,
            status: FORCE_CHANGE_PASSWORD.into(),
            groups,
            attributes: user.attributes.clone(),
        };
        self.insert(&created, &password)?;
        Ok((created, password))
    }

    fn update(
        &self,
        username: &str,
        f: impl FnOnce(&mut DirectoryUser),
    ) -> Result<(), DirectoryError> {
        self.with(|c| {
            let mut row = Self::row(c, username)?;
            f(&mut row.user);
            c.execute(
                "UPDATE users SET enabled = ?2, groups_json = ?3, attributes_json = ?4 WHERE username = ?1",
                rusqlite::params![
                    row.user.username,
                    row.user.enabled,
                    serde_json::to_string(&row.user.groups).unwrap_or_default(),
                    serde_json::to_string(&row.user.attributes).unwrap_or_default()
                ],
            )
            .map_err(fault)?;
            Ok(())
        })
    }
}

/// A username as an email sign-in pool makes it.
fn new_username() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The email as the pool keeps it (lower case), or Cognito's refusal: the email is the username
/// the caller gives, and a pool with `UsernameAttributes: [email]` takes nothing else.
fn check_email(email: &str) -> Result<String, DirectoryError> {
    let email = email.trim().to_lowercase();
    let well_formed = email.len() <= 128
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if well_formed {
        Ok(email)
    } else {
        Err(DirectoryError::Invalid(
            "email: Username should be an email.".into(),
        ))
    }
}

#[async_trait]
impl UserDirectory for LocalDirectory {
    async fn create_user(&self, user: &NewUser) -> Result<DirectoryUser, DirectoryError> {
        let (created, password) = self.create_user_with_password(user)?;
        if let Some((mailer, from)) = &self.invitation_mail {
            // The person signs in with their email; the generated username is no use to them.
            let text = format!(
                "You have been invited to the Genese Attendance System.\n\nSign in with: {}\nTemporary password: {password}\n\n\
                 Set your own password within 7 days (locally: POST /local/auth/new-password with\n\
                 {{\"username\", \"temporaryPassword\", \"newPassword\"}}, your email as the username).\n",
                created.email
            );
            let html = format!(
                "<p>You have been invited to the Genese Attendance System.</p><p>Sign in with: <b>{}</b><br>\
                 Temporary password: <b>{password}</b></p><p>Set your own password within 7 days.</p>",
                created.email
            );
            let invitation = Email {
                from: from.clone(),
                to: vec![created.email.clone()],
                subject: "Your temporary password".into(),
                text,
                html,
            };
            // Cognito keeps the user when its mail fails; an admin can resend.
            if let Err(e) = mailer.send(&invitation).await {
                tracing::warn!(username = %created.username, error = %e, "invitation mail failed");
            }
        }
        Ok(created)
    }

    async fn get_user(&self, username: &str) -> Result<DirectoryUser, DirectoryError> {
        self.with(|c| Self::row(c, username)).map(|r| r.user)
    }

    async fn add_to_group(&self, username: &str, group: &str) -> Result<(), DirectoryError> {
        self.update(username, |u| {
            if !u.groups.iter().any(|g| g == group) {
                u.groups.push(group.to_string());
                u.groups.sort();
            }
        })
    }

    async fn remove_from_group(&self, username: &str, group: &str) -> Result<(), DirectoryError> {
        self.update(username, |u| u.groups.retain(|g| g != group))
    }

    async fn set_attributes(
        &self,
        username: &str,
        attributes: &BTreeMap<String, String>,
    ) -> Result<(), DirectoryError> {
        if attributes.keys().any(|k| k == "sub") {
            return Err(DirectoryError::Invalid("sub cannot be changed".into()));
        }
        self.update(username, |u| u.attributes.extend(attributes.clone()))
    }

    async fn disable_user(&self, username: &str) -> Result<(), DirectoryError> {
        self.update(username, |u| u.enabled = false)
    }

    async fn delete_user(&self, username: &str) -> Result<(), DirectoryError> {
        self.remove_user(username)
    }

    /// Local app clients are named by their ids.
    async fn app_client_name(&self, client_id: &str) -> Result<String, DirectoryError> {
        Ok(client_id.to_string())
    }
}
