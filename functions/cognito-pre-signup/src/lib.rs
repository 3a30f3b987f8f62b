//! cognito-pre-signup: the user pool's PreSignUp, PostConfirmation and PreTokenGeneration
//! triggers.
//!
//! PreSignUp refuses bad self sign-ups (email format, blocked domains, attributes a user may not
//! set for themselves). PostConfirmation puts users who signed up through the careers portal's
//! app client into `applicants`. Self sign-up never grants any other group.
//!
//! An invited employee (created by an admin with a temporary password) becomes active on their
//! company's roster when they set their own password: Cognito then runs PreTokenGeneration with
//! `TokenGeneration_NewPasswordChallenge`. PostConfirmation is handled the same way for invited
//! usernames, so whichever of the two a pool fires, the activation happens, and only once.

mod policy;

use std::sync::Arc;

use domain::clock::Clock;
use domain::ports::{ItemStore, Table, UserDirectory};
use domain::role::Role;
use domain::roster::{Activation, RosterRepo};
use serde_json::Value;

pub use policy::SignUpPolicy;

/// Tables the triggers read or write.
pub const TABLES: [Table; 2] = [Table::Employees, Table::Invitations];

/// A refusal Cognito shows the user (the message of the error the trigger returns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

/// The directory of the user pool an event comes from. Triggers learn their pool from each
/// event: the pool's ARN cannot be passed to its own trigger without a template cycle.
pub trait PoolDirectories: Send + Sync {
    fn for_pool(&self, user_pool_id: &str) -> Arc<dyn UserDirectory>;
}

/// One directory whatever the pool id (the local stack has one pool).
pub struct SinglePool(pub Arc<dyn UserDirectory>);

impl PoolDirectories for SinglePool {
    fn for_pool(&self, _: &str) -> Arc<dyn UserDirectory> {
        self.0.clone()
    }
}

/// Everything the triggers need, built once at init.
#[derive(Clone)]
pub struct Triggers {
    pub policy: SignUpPolicy,
    pub directories: Arc<dyn PoolDirectories>,
    /// The roster and its invitations.
    pub store: Arc<dyn ItemStore>,
    pub clock: Arc<dyn Clock>,
}

fn text<'a>(event: &'a Value, pointer: &str) -> &'a str {
    event.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

impl Triggers {
    /// Handles one trigger event and returns it with its `response` filled, as Cognito expects.
    pub async fn handle(&self, mut event: Value) -> Result<Value, Refusal> {
        let source = text(&event, "/triggerSource").to_string();
        match source.as_str() {
            "PreSignUp_SignUp" => {
                self.policy.check_self_sign_up(&event)?;
                // Email is proven by Cognito's code; nothing is auto-confirmed or auto-verified.
                event["response"] = serde_json::json!({
                    "autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false
                });
            }
            "PreSignUp_AdminCreateUser" | "PreSignUp_ExternalProvider" => {
                event["response"] = serde_json::json!({
                    "autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false
                });
            }
            "PostConfirmation_ConfirmSignUp" => {
                self.activate_if_invited(&event).await?;
                self.after_confirmation(&event).await?;
            }
            "TokenGeneration_NewPasswordChallenge" => self.activate_if_invited(&event).await?,
            // PreTokenGeneration runs on every sign-in and refresh: nothing to do, nothing to say.
            "TokenGeneration_Authentication"
            | "TokenGeneration_HostedAuth"
            | "TokenGeneration_RefreshTokens"
            | "TokenGeneration_AuthenticateDevice"
            | "PostConfirmation_ConfirmForgotPassword" => {}
            other => tracing::warn!(trigger = other, "trigger ignored"),
        }
        Ok(event)
    }

    /// Moves an invited user onto their company's active roster, once.
    async fn activate_if_invited(&self, event: &Value) -> Result<(), Refusal> {
        let username = text(event, "/userName");
        let sub = text(event, "/request/userAttributes/sub");
        match RosterRepo::new(self.store.as_ref())
            .activate(username, sub, self.clock.now())
            .await
        {
            Ok(Activation::Activated(entry)) => {
                tracing::info!(username, company = %entry.company_id, "invited employee activated");
                Ok(())
            }
            Ok(Activation::AlreadyActive(_) | Activation::NotInvited) => Ok(()),
            // Refusing makes Cognito fail the sign-in, which the user may simply retry.
            Err(e) => Err(Refusal(format!("could not finish the sign-in: {e}"))),
        }
    }

    async fn after_confirmation(&self, event: &Value) -> Result<(), Refusal> {
        let username = text(event, "/userName");
        let directory = self.directories.for_pool(text(event, "/userPoolId"));
        let failed = |e| Refusal(format!("could not finish the sign-up: {e}"));
        let client = directory
            .app_client_name(text(event, "/callerContext/clientId"))
            .await
            .map_err(failed)?;
        if client == self.policy.applicant_client_name {
            directory
                .add_to_group(username, Role::Applicant.group())
                .await
                .map_err(failed)?;
            tracing::info!(username, "applicant confirmed");
        }
        Ok(())
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}
