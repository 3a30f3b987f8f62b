//! An HTTPS front for `moto_server`, so that instances reach "AWS" as on Lambda: over TLS, on a
//! connection they keep alive between calls. moto's own `--ssl` closes the connection after every
//! response (and so does its plain HTTP server), which would make every call pay a handshake and
//! leave nothing for a warm-up to keep; this front keeps the client's connection and forwards each
//! request to moto over plain HTTP on loopback.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::lambda::tls::LocalTls;

/// Largest request forwarded (DynamoDB's own request limit is 16 MB).
const BODY_LIMIT: usize = 16 * 1024 * 1024;
/// A client that has not finished its handshake by then is dropped.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(5);

/// The running front; stops when dropped.
pub struct TlsFront {
    /// `https://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL`.
    pub endpoint: String,
    tasks: [JoinHandle<()>; 2],
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Connections whose TLS handshake is done, for axum to read requests from. Handshakes run in
/// their own tasks, so one slow or silent client never holds up the next.
struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    address: SocketAddr,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // The accepting task ended (the front is stopping): serve nothing more.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.address)
    }
}

/// Accepts TCP connections for ever, handshaking each in its own task.
async fn accept_all(
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    ready: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
) {
    loop {
        let Ok((stream, peer)) = tcp.accept().await else {
            continue;
        };
        // Without it, a response's second TLS record waits for the client's delayed ACK: a 40 ms
        // stall on about half the first calls of a connection, which is this front's, not AWS's.
        let _ = stream.set_nodelay(true);
        let (acceptor, ready) = (acceptor.clone(), ready.clone());
        tokio::spawn(async move {
            let handshake = acceptor.accept(stream);
            if let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE_LIMIT, handshake).await {
                let _ = ready.send((tls, peer)).await;
            }
        });
    }
}

#[derive(Clone)]
struct Backend {
    base: String,
    client: reqwest::Client,
}

impl TlsFront {
    /// Serves `tls`'s certificate on a free 127.0.0.1 port, forwarding to `backend` (moto's
    /// `http://…` endpoint).
    pub async fn start(tls: &LocalTls, backend: &str) -> Result<TlsFront, String> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS versions: {e}"))?
            .with_no_client_auth()
            .with_single_cert(vec![tls.server_cert.clone()], tls.server_key.clone_key())
            .map_err(|e| format!("TLS certificate: {e}"))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let tcp = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("bind: {e}"))?;
        let address = tcp.local_addr().map_err(|e| e.to_string())?;
        let (sender, ready) = mpsc::channel(64);
        let acceptor = tokio::spawn(accept_all(tcp, TlsAcceptor::from(Arc::new(config)), sender));
        let listener = TlsListener { ready, address };
        let app = Router::new().fallback(forward).with_state(Backend {
            base: backend.trim_end_matches('/').to_string(),
            // moto closes every connection after its response: never reuse one it may be closing.
            client: reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .map_err(|e| format!("backend client: {e}"))?,
        });
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(TlsFront {
            endpoint: format!("https://127.0.0.1:{}", address.port()),
            tasks: [acceptor, server],
        })
    }
}

/// Hop-by-hop headers: they describe one connection, not the message, so none is passed on.
/// moto's `Connection: close` in particular must not close the client's kept-alive connection.
fn end_to_end(headers: &HeaderMap) -> HeaderMap {
    let mut headers = headers.clone();
    for name in [
        header::CONNECTION,
        header::TRANSFER_ENCODING,
        header::CONTENT_LENGTH,
        header::UPGRADE,
        header::TE,
        header::TRAILER,
    ] {
        headers.remove(name);
    }
    headers.remove("keep-alive");
    headers
}

/// One request to moto and its answer back; the signed `Host` header goes through unchanged.
async fn forward(State(backend): State<Backend>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body: Bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(body) => body,
        Err(e) => return (StatusCode::PAYLOAD_TOO_LARGE, e.to_string()).into_response(),
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let answer = backend
        .client
        .request(parts.method, format!("{}{path}", backend.base))
        .headers(end_to_end(&parts.headers))
        .body(body)
        .send()
        .await;
    let answer = match answer {
        Ok(answer) => answer,
        Err(e) => return (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    };
    let status = answer.status();
    let headers = end_to_end(answer.headers());
    match answer.bytes().await {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            response
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}
