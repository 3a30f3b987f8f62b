//! AWS mode (`genese-local --aws`, `make run-aws`): the gateway in front of the real
//! bootstraps, each its own process under the Runtime API, configured only from template.yaml,
//! on moto with IAM enforced (`aws_mode::deployment`), and moto's own id tokens checked by the
//! Cognito authorizer against moto's JWKS.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use aws_lambda_events::apigw::ApiGatewayProxyResponse;
use aws_mode::authorizer::{self, CognitoAuthorizer};
use aws_mode::deployment::Deployment;
use aws_mode::fleet::Fleet;
use aws_mode::template::{functions, template};
use axum::extract::{Path as PathPart, State};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use edge::ApiError;
use lambda_http::Body;
use serde_json::{Map, Value};
use serde_norway::Value as Yaml;

use crate::backend::Backend;
use crate::local_api::problem;
use crate::routes::Target;

/// How long API Gateway waits for an integration.
const INTEGRATION_TIMEOUT: Duration = Duration::from_secs(29);

/// The stack name AWS mode deploys as.
pub const STACK: &str = "genese-aws";

/// The deployment and every function of the template running in it.
pub struct AwsBackend {
    pub fleet: Fleet,
    authorizer: CognitoAuthorizer,
    /// The function serving each API target (a logical id of the fleet).
    functions: HashMap<Target, &'static str>,
    /// Last, so the instances stop before the emulator they talk to.
    pub deployment: Deployment,
}

/// The template's function (logical id) whose binary serves `target`.
fn function_of(target: Target) -> Result<&'static str, String> {
    functions()
        .into_iter()
        .find(|(_, f)| f["Metadata"]["BuildProperties"]["Binary"].as_str() == Some(target.binary()))
        .map(|(id, _)| id)
        .ok_or_else(|| format!("no function of the template builds {}", target.binary()))
}

impl AwsBackend {
    /// Deploys on a fresh moto and starts every function; their logs go under `log_dir`.
    pub async fn start(log_dir: &Path) -> Result<AwsBackend, String> {
        AwsBackend::start_with(template(), log_dir).await
    }

    /// The same, for a `template` that differs from the compiled-in one only in its
    /// statements (a test withholding a grant).
    pub async fn start_with(template: &Yaml, log_dir: &Path) -> Result<AwsBackend, String> {
        let deployment = Deployment::start(template, STACK).await?;
        let fleet = Fleet::start(template, &deployment, log_dir).await?;
        let functions = Target::ALL
            .into_iter()
            .map(|target| Ok((target, function_of(target)?)))
            .collect::<Result<HashMap<_, _>, String>>()?;
        let pool = &deployment.world.pool;
        let clients: Vec<String> = pool.clients.values().cloned().collect();
        let authorizer = authorizer::of_moto_pool(
            &deployment.moto.endpoint,
            &deployment.world.names.region,
            &pool.id,
            &clients,
        )
        .await?;
        Ok(AwsBackend {
            fleet,
            authorizer,
            functions,
            deployment,
        })
    }
}

/// A function's API Gateway proxy response as the HTTP response API Gateway sends.
fn to_response(payload: Value) -> Result<lambda_http::Response<Body>, ApiError> {
    let proxy: ApiGatewayProxyResponse = serde_json::from_value(payload)
        .map_err(|e| ApiError::internal(format!("a malformed proxy response: {e}")))?;
    let mut response = lambda_http::Response::new(match proxy.body {
        Some(Body::Text(text)) if proxy.is_base64_encoded => Body::Binary(
            STANDARD
                .decode(text)
                .map_err(|e| ApiError::internal(format!("a body that is not base64: {e}")))?,
        ),
        Some(body) => body,
        None => Body::Empty,
    });
    *response.status_mut() = http::StatusCode::from_u16(proxy.status_code as u16)
        .map_err(|e| ApiError::internal(format!("a status API Gateway would refuse: {e}")))?;
    let headers = response.headers_mut();
    for (name, value) in &proxy.multi_value_headers {
        headers.append(name, value.clone());
    }
    for (name, value) in &proxy.headers {
        if !headers.contains_key(name) {
            headers.insert(name, value.clone());
        }
    }
    Ok(response)
}

#[async_trait]
impl Backend for AwsBackend {
    fn authorize(&self, token: &str) -> Result<Map<String, Value>, String> {
        self.authorizer.verify(token)
    }

    async fn invoke(
        &self,
        target: Target,
        event: &str,
    ) -> Result<lambda_http::Response<Body>, ApiError> {
        let instance = self
            .functions
            .get(&target)
            .ok_or_else(|| format!("no function serves {}", target.binary()))
            .and_then(|function| self.fleet.instance(function))
            .map_err(ApiError::internal)?;
        let event: Value = serde_json::from_str(event)
            .map_err(|e| ApiError::internal(format!("the proxy event: {e}")))?;
        // A function error is API Gateway's 502 ("Internal server error" from the integration).
        let payload = instance
            .invoke(event, INTEGRATION_TIMEOUT)
            .await
            .map_err(|e| {
                tracing::error!(function = target.binary(), error = %e, "invocation failed");
                ApiError::bad_gateway("the function failed")
            })?;
        to_response(payload)
    }
}

/// `POST /local/schedules/{function}`: fires a scheduled function (a logical id, e.g.
/// `ExamSweepFunction`) now, with the event its rule sends; its answer.
pub async fn fire_schedule(
    State(backend): State<Arc<AwsBackend>>,
    PathPart(function): PathPart<String>,
) -> Response {
    if !Fleet::scheduled().contains(&function.as_str()) {
        let known = Fleet::scheduled().join(", ");
        return problem(ApiError::not_found(format!(
            "`{function}` has no schedule; scheduled functions: {known}"
        )));
    }
    match backend
        .fleet
        .fire_schedule(&function, &backend.deployment.world.names)
        .await
    {
        Ok(answer) => axum::Json(answer).into_response(),
        Err(e) => {
            tracing::error!(%function, error = %e, "a scheduled invocation failed");
            problem(ApiError::bad_gateway("the function failed"))
        }
    }
}

/// The founder `make run-aws` prints: a confirmed user with no group, as a self sign-up through
/// the attendance portal leaves one (made by the operator, so no code mail to read first).
const DEMO_FOUNDER: (&str, &str) = ("founder@newco.test", "Founder-Pass-1!");

/// Serves AWS mode on `listener` until Ctrl-C; the functions' logs go under `state_dir/aws-mode`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    base_url: &str,
    state_dir: &Path,
) -> crate::stack::Result<()> {
    let logs = state_dir.join("aws-mode");
    let backend = Arc::new(AwsBackend::start(&logs).await?);
    let deployment = &backend.deployment;
    let pool = &deployment.world.pool;
    let (email, password) = DEMO_FOUNDER;
    deployment.signed_up(email, password).await?;
    let moto = &deployment.moto.endpoint;
    let cognito = deployment.front.endpoint();
    let scheduled = Fleet::scheduled().join(", ");
    println!("Genese in AWS mode listening on {base_url}");
    println!(
        "  the real bootstraps on moto ({moto}), IAM enforced; logs in {}",
        logs.display()
    );
    println!("  user pool {} (clients: {:?})", pool.id, pool.clients);
    println!(
        "  Cognito for the portals: {cognito} (moto behind the pool's triggers and mails; \
         mails in {moto}/moto-api/data.json)"
    );
    println!("  schedules on demand: curl -s -X POST {base_url}/local/schedules/<{scheduled}>");
    println!("  a founder with no company: {email} / {password}; an id token from moto");
    println!(
        "  (USER_PASSWORD_AUTH, which moto allows on any client; the portals' clients use SRP):"
    );
    println!(
        "    curl -s {cognito}/ -H 'content-type: application/x-amz-json-1.1' \\\n      -H 'x-amz-target: AWSCognitoIdentityProviderService.InitiateAuth' \\\n      -d '{{\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"ClientId\":\"{}\",\"AuthParameters\":{{\"USERNAME\":\"{email}\",\"PASSWORD\":\"{password}\"}}}}'",
        pool.clients["attendance-portal"]
    );
    println!(
        "  then:     curl -s {base_url}/companies -H \"Authorization: Bearer $TOKEN\" -H 'content-type: application/json' \\"
    );
    println!(
        "              -d '{{\"name\":\"NewCo\",\"timeZone\":\"Asia/Kathmandu\",\"workHours\":{{\"start\":\"09:30\",\"end\":\"17:30\"}}}}'"
    );
    // Ctrl-C or a TERM: either way the instances and moto are stopped as the backend drops.
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    axum::serve(listener, crate::aws_router(backend))
        .with_graceful_shutdown(async move {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
        })
        .await?;
    Ok(())
}
