//! The roster of the caller's company: `GET/POST /employees`, `GET/PUT/DELETE
//! /employees/{username}`. `{username}` is the pool's username (a UUID), not the email. Inviting
//! creates the directory user (Cognito emails the temporary password); offboarding disables them
//! and forgets their face, keeping their attendance.

use std::collections::BTreeMap;

use domain::ports::{DirectoryError, DirectoryUser, FORCE_CHANGE_PASSWORD, NewUser, StoreError};
use domain::roster::{
    EmploymentStatus, Invitation, InviteRequest, RosterEntry, RosterRepo, StaffRole,
};
use edge::ApiError;
use edge::claims::{COMPANY_ID_ATTRIBUTE, Claims};
use edge::http::{
    DEFAULT_BODY_LIMIT, body_bytes, cursor_param, json, json_body, no_content, page_limit, paged,
    path_param, with_location,
};
use edge::slack::{SLACK_USER_FIELD, slack_user_id};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::{Deserialize, Serialize};

use crate::CompanyAdmin;

/// A roster entry as the API shows it.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct EmployeeView<'a> {
    id: &'a str,
    username: &'a str,
    email: &'a str,
    name: Option<&'a str>,
    role: StaffRole,
    manager: Option<&'a str>,
    status: EmploymentStatus,
    face_enrolled: bool,
    /// Whether they consented to face matching (an admin can enrol their face only then).
    biometric_consent: bool,
    created_at: chrono::DateTime<chrono::Utc>,
    offboarded_at: Option<chrono::DateTime<chrono::Utc>>,
    slack_user_id: Option<&'a str>,
    version: u64,
}

fn view(e: &RosterEntry) -> EmployeeView<'_> {
    EmployeeView {
        id: &e.username,
        username: &e.username,
        email: &e.email,
        name: e.name.as_deref(),
        role: e.role,
        manager: e.manager.as_deref(),
        status: e.status,
        face_enrolled: e.face_id.is_some(),
        biometric_consent: e.biometric_consent.is_some(),
        created_at: e.created_at,
        offboarded_at: e.offboarded_at,
        slack_user_id: e.slack_user_id.as_deref(),
        version: e.version,
    }
}

/// The entry of `username` in the caller's company; another company's people are not found.
async fn entry(app: &CompanyAdmin, tenant: &str, username: &str) -> Result<RosterEntry, ApiError> {
    RosterRepo::new(app.store.as_ref())
        .get(tenant, &username.to_ascii_lowercase())
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no employee `{username}` in your company")))
}

/// A manager must be a current manager or admin of the same company.
async fn check_manager(
    app: &CompanyAdmin,
    tenant: &str,
    manager: Option<&str>,
) -> Result<(), ApiError> {
    let Some(manager) = manager else {
        return Ok(());
    };
    let found = RosterRepo::new(app.store.as_ref())
        .get(tenant, manager)
        .await?;
    match found {
        Some(m) if m.status != EmploymentStatus::Offboarded && m.role != StaffRole::Employee => {
            Ok(())
        }
        Some(_) => Err(ApiError::invalid(
            "manager",
            format!("`{manager}` is not a current manager or admin"),
        )),
        None if manager.contains('@') => Err(ApiError::invalid(
            "manager",
            format!("name the manager by their `username` from GET /employees, not `{manager}`"),
        )),
        None => Err(ApiError::invalid(
            "manager",
            format!("no `{manager}` in your company"),
        )),
    }
}

/// `GET /employees?limit=&cursor=` (admins and managers)
pub async fn list(
    app: &CompanyAdmin,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let limit = page_limit(request, 50, 200)?;
    let cursor = cursor_param(request);
    let (entries, next) = paged(
        RosterRepo::new(app.store.as_ref())
            .list(tenant, limit, cursor)
            .await,
    )?;
    let items: Vec<_> = entries.iter().map(view).collect();
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "items": items, "nextCursor": next.map(|c| c.0) }),
    ))
}

/// `POST /employees` (admins): the directory user first, because the pool makes their username
/// (and mails the temporary password), then the roster row and the invitation under that
/// username, in one transaction. A retry after a failure in between finds the user the first
/// try made and finishes the job; two racing invitations of one email record one.
pub async fn invite(
    app: &CompanyAdmin,
    claims: &Claims,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let ask = json_body::<InviteRequest>(request, DEFAULT_BODY_LIMIT)?.validated()?;
    check_manager(app, tenant, ask.manager.as_deref()).await?;
    let group = ask.role.role().group();
    let new = NewUser {
        email: ask.email.clone(),
        temporary_password: None,
        groups: vec![group.to_string()],
        attributes: BTreeMap::from([(COMPANY_ID_ATTRIBUTE.to_string(), tenant.to_string())]),
    };
    let user = match app.directory.create_user(&new).await {
        Ok(user) => user,
        Err(DirectoryError::UserExists) => unfinished_invitation(app, tenant, &ask.email, group)
            .await?
            .ok_or_else(|| {
                ApiError::conflict(format!("a user `{}` already exists", ask.email))
                    .with_field("email")
            })?,
        Err(DirectoryError::Invalid(why)) => return Err(ApiError::invalid("email", why)),
        Err(other) => return Err(other.into()),
    };
    let now = app.clock.now();
    let entry = RosterEntry {
        company_id: tenant.to_string(),
        username: user.username.clone(),
        sub: user.sub.clone(),
        email: user.email.clone(),
        role: ask.role,
        manager: ask.manager.clone(),
        status: EmploymentStatus::Invited,
        created_at: now,
        name: ask.name.clone(),
        face_id: None,
        face_enrolled_at: None,
        biometric_consent: None,
        version: 1,
        offboarded_at: None,
        slack_user_id: None,
    };
    let invitation = Invitation::new(&entry.username, tenant, &claims.username, now);
    match RosterRepo::new(app.store.as_ref())
        .invite(&entry, &invitation)
        .await
    {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) => {
            return Err(ApiError::conflict(format!(
                "`{}` is already on a roster or invited",
                entry.email
            ))
            .with_field("email"));
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(username = %entry.username, role = ?entry.role, "employee invited");
    let created = json(StatusCode::CREATED, &view(&entry));
    Ok(with_location(
        request,
        created,
        &format!("/employees/{}", entry.username),
    ))
}

/// The directory user an earlier try of this invitation made and could not record: invited into
/// this company, never signed in, and not on its roster. Their group is set to `group`, in case
/// the retry asks for another role. `None` for anyone else with this email.
async fn unfinished_invitation(
    app: &CompanyAdmin,
    tenant: &str,
    email: &str,
    group: &str,
) -> Result<Option<DirectoryUser>, ApiError> {
    let user = match app.directory.get_user(email).await {
        Ok(user) => user,
        // Gone since: a plain conflict is the truthful answer to this request.
        Err(DirectoryError::UserNotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let ours = user
        .attributes
        .get(COMPANY_ID_ATTRIBUTE)
        .map(String::as_str)
        == Some(tenant);
    if !ours || !user.enabled || user.status != FORCE_CHANGE_PASSWORD {
        return Ok(None);
    }
    if RosterRepo::new(app.store.as_ref())
        .get(tenant, &user.username)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    app.directory.add_to_group(&user.username, group).await?;
    for other in user.groups.iter().filter(|g| g.as_str() != group) {
        app.directory
            .remove_from_group(&user.username, other)
            .await?;
    }
    tracing::info!(username = %user.username, "finishing an invitation an earlier try left");
    Ok(Some(DirectoryUser {
        groups: vec![group.to_string()],
        ..user
    }))
}

/// `GET /employees/{username}` (admins and managers)
pub async fn read(
    app: &CompanyAdmin,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let e = entry(app, tenant, &path_param(request, "username")?).await?;
    Ok(json(StatusCode::OK, &view(&e)))
}

/// `PUT /employees/{username}` body: the editable fields and the version they were read at.
#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct EmployeeUpdate {
    #[serde(default)]
    name: Option<String>,
    role: StaffRole,
    #[serde(default)]
    manager: Option<String>,
    /// Their Slack member id, so Slack commands and buttons act as them; absent unlinks.
    #[serde(default)]
    slack_user_id: Option<String>,
    version: u64,
}

/// `PUT /employees/{username}` (admins): name, role, manager and Slack link; role changes move
/// the directory groups too.
pub async fn update(
    app: &CompanyAdmin,
    claims: &Claims,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let current = entry(app, tenant, &path_param(request, "username")?).await?;
    let body = json_body::<EmployeeUpdate>(request, DEFAULT_BODY_LIMIT)?;
    // The invitation rules are the same rules: reuse them on the edited fields.
    let asked = InviteRequest {
        email: current.email.clone(),
        name: body.name,
        role: body.role,
        manager: body.manager,
    }
    .validated()?;
    if current.status == EmploymentStatus::Offboarded {
        return Err(ApiError::conflict(
            "an offboarded employee cannot be changed",
        ));
    }
    if asked.manager.as_deref() == Some(current.username.as_str()) {
        return Err(ApiError::invalid("manager", "nobody manages themselves"));
    }
    if current.username == claims.username && asked.role != current.role {
        return Err(ApiError::invalid("role", "you cannot change your own role"));
    }
    if body.version != current.version {
        return Err(stale(&current, body.version));
    }
    check_manager(app, tenant, asked.manager.as_deref()).await?;
    let slack = body
        .slack_user_id
        .as_deref()
        .map(slack_user_id)
        .transpose()?;
    if let Some(slack) = &slack {
        check_slack_free(app, &current, slack).await?;
    }
    let next = RosterEntry {
        name: asked.name,
        role: asked.role,
        manager: asked.manager,
        slack_user_id: slack,
        version: current.version + 1,
        ..current.clone()
    };
    match RosterRepo::new(app.store.as_ref())
        .replace(&current, &next)
        .await
    {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) => return Err(stale(&current, body.version)),
        Err(e) => return Err(e.into()),
    }
    if next.role != current.role {
        // After the roster: a retry of a failed group move finds the new role and redoes it.
        app.directory
            .add_to_group(&next.username, next.role.role().group())
            .await?;
        app.directory
            .remove_from_group(&next.username, current.role.role().group())
            .await?;
    }
    Ok(json(StatusCode::OK, &view(&next)))
}

/// A Slack user acts as one person per company: linking one already linked to someone else still
/// on the roster is a conflict. (Two admins linking the same id at the same instant could both
/// pass; the Slack handler then refuses the ambiguous user rather than guess.)
async fn check_slack_free(
    app: &CompanyAdmin,
    current: &RosterEntry,
    slack: &str,
) -> Result<(), ApiError> {
    let linked = RosterRepo::new(app.store.as_ref())
        .by_slack_user(slack)
        .await?;
    let taken = linked.iter().find(|e| {
        e.company_id == current.company_id
            && e.username != current.username
            && e.status != EmploymentStatus::Offboarded
    });
    match taken {
        Some(other) => Err(ApiError::conflict(format!(
            "Slack user {slack} is already linked to {}",
            other.email
        ))
        .with_field(SLACK_USER_FIELD)),
        None => Ok(()),
    }
}

fn stale(current: &RosterEntry, sent: u64) -> ApiError {
    ApiError::conflict(format!(
        "the employee is at version {}, not {sent}; reload and retry",
        current.version
    ))
    .with_field("version")
}

/// `DELETE /employees/{username}` (admins): disables the user, forgets their face, keeps their
/// attendance. Every step is idempotent, so a retry after a failure finishes the job.
pub async fn offboard(
    app: &CompanyAdmin,
    claims: &Claims,
    tenant: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    body_bytes(request, 0)?;
    let current = entry(app, tenant, &path_param(request, "username")?).await?;
    if current.username == claims.username {
        return Err(ApiError::conflict("you cannot offboard yourself"));
    }
    match app.directory.disable_user(&current.username).await {
        Ok(()) | Err(DirectoryError::UserNotFound) => {}
        Err(e) => return Err(e.into()),
    }
    if let Some(face) = &current.face_id {
        app.faces.delete(tenant, std::slice::from_ref(face)).await?;
    }
    if current.status == EmploymentStatus::Offboarded {
        return Ok(no_content());
    }
    let gone = RosterEntry {
        status: EmploymentStatus::Offboarded,
        face_id: None,
        face_enrolled_at: None,
        offboarded_at: Some(app.clock.now()),
        version: current.version + 1,
        ..current.clone()
    };
    match RosterRepo::new(app.store.as_ref())
        .replace(&current, &gone)
        .await
    {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) => {
            return Err(ApiError::conflict(
                "the employee changed meanwhile; retry the offboarding",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(username = %current.username, "employee offboarded");
    Ok(no_content())
}
