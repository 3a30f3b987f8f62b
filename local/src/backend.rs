//! What the gateway hands a routed request to: in the embedded stack, its handlers in this
//! process; in AWS mode (`crate::aws`), the real bootstraps on moto. Routing, the authorizer's
//! refusals, the REST event and the gateway's limits are `crate::gateway`'s: one path for both.

use async_trait::async_trait;
use edge::ApiError;
use edge::function::RestFunction;
use lambda_http::Body;
use serde_json::{Map, Value};

use crate::routes::Target;
use crate::stack::Stack;

#[async_trait]
pub trait Backend: Send + Sync {
    /// The id token's claims as the Cognito authorizer hands them on, or why it refuses it.
    fn authorize(&self, token: &str) -> Result<Map<String, Value>, String>;

    /// The answer of the function behind `target` to the REST proxy `event`.
    async fn invoke(
        &self,
        target: Target,
        event: &str,
    ) -> Result<lambda_http::Response<Body>, ApiError>;
}

#[async_trait]
impl Backend for Stack {
    fn authorize(&self, token: &str) -> Result<Map<String, Value>, String> {
        self.tokens.verify(token).map_err(|e| e.to_string())
    }

    async fn invoke(
        &self,
        target: Target,
        event: &str,
    ) -> Result<lambda_http::Response<Body>, ApiError> {
        let request = lambda_http::request::from_str(event)
            .map_err(|e| ApiError::internal(format!("building the proxy event: {e}")))?;
        Ok(match target {
            Target::CompanyAdmin => self.company_admin.handle(request).await,
            Target::QuestionCollection => self.question_collection.handle(request).await,
            Target::QuestionAnswer => self.question_answer.handle(request).await,
            Target::PersonalDetails => self.personal_details.handle(request).await,
            Target::Attendance => self.attendance.handle(request).await,
            Target::LeaveRequests => self.leave_requests.handle(request).await,
            Target::Slack => self.slack.handle(request).await,
        })
    }
}
