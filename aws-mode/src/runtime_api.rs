//! A Lambda Runtime API emulator on 127.0.0.1: the four endpoints a runtime client calls
//! (`invocation/next`, `{id}/response`, `{id}/error`, `init/error`), one function instance at a
//! time, timing each phase the way Lambda reports it. AWS mode runs every bootstrap under one;
//! the bench times cold and warm invokes with it.
//!
//! Init ends when the runtime first asks for work (`next`); an invocation lasts from the moment
//! its event is handed out by `next` to the moment its response (or error) arrives.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot, watch};

const PREFIX: &str = "/2018-06-01/runtime";

/// Where the function instance is in its life, as the emulator has seen it.
#[derive(Clone, Debug)]
pub enum Phase {
    /// Spawned, not yet asking for work.
    Initialising,
    /// Asked for its first event at this instant: init is over.
    Ready(Instant),
    /// Reported an init error (`/runtime/init/error`) with this body.
    InitFailed(String),
}

/// Why waiting on the instance gave no result.
#[derive(Debug)]
pub enum Wait {
    /// Nothing came within the limit: a stall, not a wrong answer (moto on a busy machine can
    /// take seconds over one call).
    TimedOut(String),
    /// The instance failed its init or the emulator went away.
    Failed(String),
}

impl std::fmt::Display for Wait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Wait::TimedOut(what) | Wait::Failed(what) => f.write_str(what),
        }
    }
}

/// What came back for one invocation.
#[derive(Debug)]
pub struct Outcome {
    /// The response payload, or the error payload the runtime posted.
    pub result: Result<Value, String>,
    /// From the event leaving `next` to the response arriving.
    pub duration: Duration,
}

struct Queued {
    id: String,
    event: Value,
    reply: oneshot::Sender<Outcome>,
}

struct InFlight {
    handed_out: Instant,
    reply: oneshot::Sender<Outcome>,
}

struct Shared {
    function_arn: String,
    queue: tokio::sync::Mutex<mpsc::Receiver<Queued>>,
    in_flight: Mutex<HashMap<String, InFlight>>,
    phase: watch::Sender<Phase>,
}

/// A running emulator serving one function instance; stops when dropped.
pub struct RuntimeApi {
    address: SocketAddr,
    queue: mpsc::Sender<Queued>,
    phase: watch::Receiver<Phase>,
    server: tokio::task::JoinHandle<()>,
}

impl RuntimeApi {
    /// Listens on a free 127.0.0.1 port for an instance of the function `function_arn`.
    pub async fn start(function_arn: &str) -> std::io::Result<RuntimeApi> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let (queue_tx, queue_rx) = mpsc::channel(4);
        let (phase_tx, phase_rx) = watch::channel(Phase::Initialising);
        let shared = Arc::new(Shared {
            function_arn: function_arn.to_string(),
            queue: tokio::sync::Mutex::new(queue_rx),
            in_flight: Mutex::new(HashMap::new()),
            phase: phase_tx,
        });
        let app = Router::new()
            .route(&format!("{PREFIX}/invocation/next"), get(next))
            .route(
                &format!("{PREFIX}/invocation/{{id}}/response"),
                post(response),
            )
            .route(&format!("{PREFIX}/invocation/{{id}}/error"), post(error))
            .route(&format!("{PREFIX}/init/error"), post(init_error))
            .with_state(shared);
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(RuntimeApi {
            address,
            queue: queue_tx,
            phase: phase_rx,
            server,
        })
    }

    /// `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`.
    pub fn address(&self) -> String {
        self.address.to_string()
    }

    /// Waits until the instance first asks for work (its init is over) or reports an init
    /// error, at most `limit`.
    pub async fn ready(&mut self, limit: Duration) -> Result<Instant, Wait> {
        let wait = self.phase.wait_for(|p| !matches!(p, Phase::Initialising));
        match tokio::time::timeout(limit, wait).await {
            Err(_) => Err(Wait::TimedOut(format!(
                "no `next` request within {limit:?}"
            ))),
            Ok(Err(_)) => Err(Wait::Failed("the emulator stopped".into())),
            Ok(Ok(phase)) => match &*phase {
                Phase::Ready(at) => Ok(*at),
                Phase::InitFailed(body) => Err(Wait::Failed(format!("init error: {body}"))),
                Phase::Initialising => Err(Wait::Failed("still initialising".into())),
            },
        }
    }

    /// Hands `event` to the instance's next `next` and waits for its outcome, at most `limit`.
    pub async fn invoke(&self, event: Value, limit: Duration) -> Result<Outcome, Wait> {
        let (reply, outcome) = oneshot::channel();
        let queued = Queued {
            id: uuid::Uuid::new_v4().to_string(),
            event,
            reply,
        };
        self.queue
            .send(queued)
            .await
            .map_err(|_| Wait::Failed("the emulator stopped".into()))?;
        match tokio::time::timeout(limit, outcome).await {
            Err(_) => Err(Wait::TimedOut(format!("no response within {limit:?}"))),
            Ok(Err(_)) => Err(Wait::Failed("the invocation was dropped".into())),
            Ok(Ok(outcome)) => Ok(outcome),
        }
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        // Not graceful on purpose: a killed instance may leave a `next` long poll open.
        self.server.abort();
    }
}

async fn next(State(shared): State<Arc<Shared>>) -> Response {
    shared.phase.send_if_modified(|p| match p {
        Phase::Initialising => {
            *p = Phase::Ready(Instant::now());
            true
        }
        _ => false,
    });
    // One instance, one long poll at a time, as in Lambda.
    let Some(queued) = shared.queue.lock().await.recv().await else {
        return StatusCode::GONE.into_response();
    };
    let handed_out = Instant::now();
    if let Ok(mut in_flight) = shared.in_flight.lock() {
        in_flight.insert(
            queued.id.clone(),
            InFlight {
                handed_out,
                reply: queued.reply,
            },
        );
    }
    let deadline = SystemTime::now()
        .checked_add(Duration::from_secs(10))
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    set("content-type", "application/json".into());
    set("lambda-runtime-aws-request-id", queued.id.clone());
    set("lambda-runtime-deadline-ms", deadline.to_string());
    set(
        "lambda-runtime-invoked-function-arn",
        shared.function_arn.clone(),
    );
    set(
        "lambda-runtime-trace-id",
        format!(
            "Root=1-{:08x}-{};Parent={};Sampled=0",
            deadline / 1000,
            &queued.id.replace('-', "")[..24],
            &queued.id.replace('-', "")[..16]
        ),
    );
    (StatusCode::OK, headers, queued.event.to_string()).into_response()
}

fn finish(shared: &Shared, id: &str, result: Result<Value, String>) -> StatusCode {
    let arrived = Instant::now();
    let entry = shared.in_flight.lock().ok().and_then(|mut m| m.remove(id));
    match entry {
        Some(flight) => {
            let _ = flight.reply.send(Outcome {
                result,
                duration: arrived - flight.handed_out,
            });
            StatusCode::ACCEPTED
        }
        None => StatusCode::NOT_FOUND,
    }
}

async fn response(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    let payload = serde_json::from_slice(&body).map_err(|e| {
        format!(
            "response is not JSON ({e}): {}",
            String::from_utf8_lossy(&body)
        )
    });
    finish(&shared, &id, payload)
}

async fn error(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    finish(
        &shared,
        &id,
        Err(String::from_utf8_lossy(&body).into_owned()),
    )
}

async fn init_error(State(shared): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    let _ = shared.phase.send(Phase::InitFailed(
        String::from_utf8_lossy(&body).into_owned(),
    ));
    StatusCode::ACCEPTED
}
