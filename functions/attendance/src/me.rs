//! `GET /me`: who the signed-in staff member is here, and whether they may check in: their
//! role, company and manager, their reference face and consent, and their Slack link.

use chrono::{DateTime, Utc};
use domain::consent::BIOMETRIC_CONSENT;
use domain::roster::{
    BiometricConsent, EmploymentStatus, RosterEntry, RosterRepo, StaffRole, name_of,
};
use edge::ApiError;
use edge::claims::Claims;
use edge::http::json;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde::Serialize;

use crate::Attendance;
use crate::members::{company, member};

/// The caller, as they see themselves.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct MeView {
    username: String,
    email: String,
    name: Option<String>,
    role: StaffRole,
    status: EmploymentStatus,
    company: CompanyRef,
    /// Their manager, if they have one.
    manager: Option<Colleague>,
    face: FaceState,
    /// Their recorded consent to face matching, if given.
    biometric_consent: Option<ConsentView>,
    /// The consent text to show before enrolment, with the version to give it for.
    consent_text: ConsentTextView,
    /// Whether an admin linked their Slack user (Slack commands then act as them).
    slack_linked: bool,
    /// Active, consented and enrolled: a selfie check-in can succeed.
    may_check_in: bool,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompanyRef {
    id: String,
    name: String,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct Colleague {
    username: String,
    /// Their name or email from the roster; `a former colleague` once their entry is gone.
    name: String,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct FaceState {
    enrolled: bool,
    /// When it was enrolled (unknown for faces enrolled before this was kept).
    enrolled_at: Option<DateTime<Utc>>,
}

/// A recorded consent.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConsentView {
    /// The version of the text consented to.
    text_version: String,
    given_at: DateTime<Utc>,
}

impl From<&BiometricConsent> for ConsentView {
    fn from(c: &BiometricConsent) -> Self {
        ConsentView {
            text_version: c.text_version.clone(),
            given_at: c.given_at,
        }
    }
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConsentTextView {
    version: &'static str,
    text: &'static str,
}

/// `GET /me` (staff).
pub async fn read(
    app: &Attendance,
    claims: &Claims,
    tenant: &str,
) -> Result<Response<Body>, ApiError> {
    let (me, company) =
        tokio::try_join!(member(app, tenant, &claims.username), company(app, tenant))?;
    let manager = match &me.manager {
        Some(username) => Some(colleague(app, tenant, username).await?),
        None => None,
    };
    let view = MeView {
        may_check_in: me.is_active() && me.biometric_consent.is_some() && me.face_id.is_some(),
        face: FaceState {
            enrolled: me.face_id.is_some(),
            enrolled_at: me.face_enrolled_at,
        },
        biometric_consent: me.biometric_consent.as_ref().map(ConsentView::from),
        consent_text: ConsentTextView {
            version: BIOMETRIC_CONSENT.version,
            text: BIOMETRIC_CONSENT.text,
        },
        slack_linked: me.slack_user_id.is_some(),
        company: CompanyRef {
            id: company.id.clone(),
            name: company.profile.name.clone(),
        },
        manager,
        username: me.username,
        email: me.email,
        name: me.name,
        role: me.role,
        status: me.status,
    };
    Ok(json(StatusCode::OK, &view))
}

/// How the caller's manager is named, as mail and messages name them.
async fn colleague(app: &Attendance, tenant: &str, username: &str) -> Result<Colleague, ApiError> {
    let entry: Option<RosterEntry> = RosterRepo::new(app.store.as_ref())
        .get(tenant, username)
        .await?;
    Ok(Colleague {
        username: username.to_string(),
        name: name_of(entry.as_ref()).to_string(),
    })
}
