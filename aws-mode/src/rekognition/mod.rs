//! A Rekognition endpoint on the local dlib matcher, for AWS mode: moto has no Rekognition, so
//! the functions' Rekognition calls come here. It speaks AWS JSON 1.1 as Rekognition does
//! (`POST /`, `X-Amz-Target: RekognitionService.<Op>`), answers in the shapes recorded in
//! `events/rekognition/`, and scores faces with the embedded matcher's own models, on
//! Rekognition's similarity scale (`similarity`), so both stacks decide a punch alike. Signatures are not verified (moto does
//! not verify them either); the front before it judges IAM.
//!
//! - `operations`: what each operation checks, does and answers;
//! - `constraints`: the API model's constraints, refused as `ValidationException`;
//! - `refusals`: every error as the SDK reads it;
//! - `face_detail` and `pose`: a dlib face described in Rekognition's terms;
//! - `collections`: the collections and their faces, in SQLite;
//! - `similarity`: dlib's distances on Rekognition's scale.

mod collections;
mod constraints;
mod face_detail;
mod operations;
mod pose;
mod refusals;
pub mod similarity;

use std::path::Path;
use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use operations::Rekognition;
use refusals::Refusal;

/// The account collection ARNs name unless another is given (moto's default account).
pub const DEFAULT_ACCOUNT: &str = "000000000000";
/// The region answers name when a request carries no SigV4 scope.
const DEFAULT_REGION: &str = "us-east-1";
/// Largest request read: a 5 MB image is about 7 MB of base64, and a larger one must still
/// reach the size check to be refused as Rekognition refuses it.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A running endpoint on 127.0.0.1 (a port the OS chose), served from its own thread;
/// stops when dropped.
pub struct RekognitionServer {
    endpoint: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RekognitionServer {
    /// Loads the dlib models from `models_dir` (`FACE_DATA_DIR`), keeps collections under
    /// `state_dir`, and serves for the account [`DEFAULT_ACCOUNT`].
    pub fn start(models_dir: &Path, state_dir: &Path) -> Result<RekognitionServer, String> {
        RekognitionServer::start_in_account(models_dir, state_dir, DEFAULT_ACCOUNT)
    }

    /// As [`RekognitionServer::start`], naming `account` in collection ARNs.
    pub fn start_in_account(
        models_dir: &Path,
        state_dir: &Path,
        account: &str,
    ) -> Result<RekognitionServer, String> {
        let service = Arc::new(Rekognition::open(models_dir, state_dir, account)?);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let endpoint = format!(
            "http://{}",
            listener.local_addr().map_err(|e| e.to_string())?
        );
        // Its own runtime, so it starts from sync code and outlives no caller's runtime.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("rekognition".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    let app = axum::Router::new().fallback(handle).with_state(service);
                    tokio::select! {
                        _ = axum::serve(listener, app) => {}
                        _ = stopped => {}
                    }
                });
                // Open keep-alive connections die with the runtime rather than hold it up.
                runtime.shutdown_background();
            })
            .map_err(|e| e.to_string())?;
        Ok(RekognitionServer {
            endpoint,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Where an SDK client sends its Rekognition calls (`http://127.0.0.1:PORT`).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

impl Drop for RekognitionServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The region of the request's SigV4 credential scope (`Credential=KEY/DATE/REGION/...`).
fn region(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|scope| scope.split('/').nth(2))
        .filter(|r| !r.is_empty())
        .unwrap_or(DEFAULT_REGION)
        .to_string()
}

async fn handle(State(service): State<Arc<Rekognition>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let operation = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.strip_prefix("RekognitionService."))
        .map(str::to_string);
    let Some(operation) = operation.filter(|_| parts.method == axum::http::Method::POST) else {
        return Refusal::new(
            "UnknownOperationException",
            "expected POST / with X-Amz-Target: RekognitionService.<Operation>",
        )
        .into_response();
    };
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return Refusal::unreadable("the request body could not be read").into_response();
    };
    let region = region(&parts.headers);
    // dlib is slow and blocking: off the async threads.
    let answer =
        tokio::task::spawn_blocking(move || service.call(&operation, &region, &body)).await;
    match answer {
        Ok(Ok(value)) => {
            let mut response = Response::new(Body::from(value.to_string()));
            response.headers_mut().insert(
                "content-type",
                HeaderValue::from_static("application/x-amz-json-1.1"),
            );
            if let Ok(id) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
                response.headers_mut().insert("x-amzn-requestid", id);
            }
            response
        }
        Ok(Err(refusal)) => refusal.into_response(),
        Err(e) => Refusal::new("InternalServerError", e.to_string()).into_response(),
    }
}
