//! The embedded stack: every function of the product behind an emulated API Gateway, on
//! embedded stand-ins, in one process on 127.0.0.1.
//!
//! `PORT` (default 3000; 0 picks a free one) and `STATE_DIR` (default `var/state`) let tests and
//! several stacks run side by side. `--aws` serves AWS mode instead (`aws`): the same gateway in
//! front of the real bootstraps on moto.

mod aws;
mod backend;
mod demo;
mod demo_bank;
mod gateway;
mod iam;
mod local_api;
mod openapi;
mod retention;
mod routes;
mod schedule;
mod secrets;
mod stack;
mod state_format;
mod streams;
mod tokens;

#[cfg(test)]
mod aws_e2e;
#[cfg(test)]
mod aws_tests;
#[cfg(test)]
mod deploy_tests;
#[cfg(test)]
mod layering_tests;
#[cfg(test)]
mod sam_build_tests;
#[cfg(test)]
mod samconfig_tests;
#[cfg(test)]
mod template_tests;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

use crate::backend::Backend;
use crate::stack::Stack;

/// One access-log line per request: method, path, status, latency, request id.
async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let request_id = response
        .headers()
        .get("x-amzn-requestid")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info!(
        target: "access",
        %method,
        path,
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        request_id,
    );
    response
}

/// The gateway's fallback: every request not served by a route of the stack's own, handed to
/// `backend` through the one routing and event-building path (`gateway::handle`).
fn fallback<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    backend: Arc<dyn Backend>,
) -> Router<S> {
    router
        .fallback(move |request: Request| {
            let backend = backend.clone();
            async move { gateway::handle(backend, request).await }
        })
        .layer(DefaultBodyLimit::max(gateway::MAX_PAYLOAD))
        .layer(middleware::from_fn(access_log))
}

fn router(stack: Arc<Stack>) -> Router {
    let routes = Router::new()
        .route("/health", get(gateway::health))
        .route("/local/auth/token", post(local_api::token))
        .route("/local/auth/sign-up", post(local_api::sign_up))
        .route("/local/auth/new-password", post(local_api::new_password))
        .route("/local/.well-known/jwks.json", get(local_api::jwks))
        .route("/local/reminders", post(local_api::reminders))
        .route("/local/openapi.json", get(openapi::docs::document))
        .route("/local/docs", get(openapi::docs::page))
        .route(
            "/local/blobs/{*key}",
            get(local_api::blob_get).put(local_api::blob_put),
        );
    fallback(routes, stack.clone()).with_state(stack)
}

/// AWS mode's API: the gateway, and the schedules fired on demand (nothing else of the
/// embedded stack's `/local` routes: Cognito is moto's, behind the front).
fn aws_router(backend: Arc<aws::AwsBackend>) -> Router {
    let routes = Router::new()
        .route("/health", get(gateway::health))
        .route("/local/schedules/{function}", post(aws::fire_schedule));
    fallback(routes, backend.clone()).with_state(backend)
}

#[tokio::main]
async fn main() -> stack::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stdout())
                && std::env::var_os("NO_COLOR").is_none(),
        )
        .init();
    let port: u16 = std::env::var("PORT")
        .ok()
        .map(|p| p.parse())
        .transpose()?
        .unwrap_or(3000);
    let state_dir =
        PathBuf::from(std::env::var("STATE_DIR").unwrap_or_else(|_| "var/state".into()));
    // Loopback only: this stack has demo passwords and no TLS.
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");
    if std::env::args().any(|a| a == "--aws") {
        return aws::serve(listener, &base_url, &state_dir).await;
    }
    let moved_aside = state_format::ensure(&state_dir)?;
    let stack = Arc::new(Stack::open(&state_dir, &base_url)?);
    let seeded = demo::seed_once(&stack).await?;
    demo_bank::ensure(&stack).await?;
    tokio::spawn(streams::run(stack.clone(), streams::Consumer::SesNotify));
    tokio::spawn(streams::run(stack.clone(), streams::Consumer::LeaveNotify));
    tokio::spawn(schedule::run(stack.clone()));

    println!("Genese embedded stack listening on {base_url}");
    println!(
        "  state: {} ({})",
        state_dir.display(),
        if seeded {
            "demo data written"
        } else {
            "existing data"
        }
    );
    if let Some(old) = moved_aside {
        println!(
            "  (state of an older format moved to {}; delete it when you no longer need it)",
            old.display()
        );
    }
    println!(
        "  demo users (sign in with the email; password {}):",
        demo::DEMO_PASSWORD
    );
    for (email, group, company, _, _) in demo::DEMO_USERS {
        println!(
            "    {email:<24} {:<11} {}",
            group.group(),
            company.map(|c| format!("company {c}")).unwrap_or_default()
        );
    }
    println!(
        "  sign in:  curl -s {base_url}/local/auth/token -H 'content-type: application/json' \\"
    );
    println!(
        "              -d '{{\"username\":\"admin@acme.test\",\"password\":\"{}\"}}'",
        demo::DEMO_PASSWORD
    );
    println!("  then:     curl -s {base_url}/company -H \"Authorization: Bearer $TOKEN\"");
    println!(
        "  api docs: {base_url}/local/docs (try any route as a demo user; {base_url}/local/openapi.json)"
    );
    // A secret of your own (SLACK_SIGNING_SECRET) is never printed; the demo's is.
    let secret = if stack.slack.signing_secret == stack::DEMO_SLACK_SIGNING_SECRET {
        stack::DEMO_SLACK_SIGNING_SECRET
    } else {
        "from SLACK_SIGNING_SECRET"
    };
    println!(
        "  slack:    signing secret {secret}; messages in {}",
        stack::chat_file(&state_dir).display()
    );
    println!("            reminders: curl -s -X POST {base_url}/local/reminders[?at=<RFC 3339>]");

    axum::serve(listener, router(stack))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
