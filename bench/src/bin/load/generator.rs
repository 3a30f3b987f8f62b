//! A bounded closed-loop load generator: a fixed list of requests shared by a fixed number of
//! workers, each with its own client holding one keep-alive connection, each sending its next
//! request when the previous answer is read. Stops early only at the phase deadline.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bench::stats::percentile;
use reqwest::Method;

/// One request to send.
#[derive(Clone)]
pub struct Job {
    pub method: Method,
    pub url: Arc<str>,
    pub token: Arc<str>,
    /// A JSON body, serialised once.
    pub body: Option<Arc<Vec<u8>>>,
}

/// What a phase measured.
pub struct Phase {
    pub sent: usize,
    pub planned: usize,
    pub wall: Duration,
    /// Responses by status (0 for a transport error).
    pub statuses: BTreeMap<u16, usize>,
    /// Latencies of every answered request, in milliseconds, sorted.
    pub latencies_ms: Vec<f64>,
}

impl Phase {
    pub fn per_second(&self) -> f64 {
        self.sent as f64 / self.wall.as_secs_f64()
    }
    pub fn p(&self, p: f64) -> f64 {
        percentile(&self.latencies_ms, p)
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(120))
        .build()
        .expect("an HTTP client")
}

/// Sends every job once over `connections` workers; a worker stops taking jobs after `deadline`.
pub async fn run(jobs: Vec<Job>, connections: usize, deadline: Duration) -> Phase {
    let planned = jobs.len();
    let jobs = Arc::new(jobs);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (jobs, next) = (jobs.clone(), next.clone());
            tokio::spawn(async move {
                let client = client();
                let mut seen = Vec::new();
                while started.elapsed() < deadline {
                    let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) else {
                        break;
                    };
                    let mut request = client
                        .request(job.method.clone(), &*job.url)
                        .bearer_auth(&*job.token);
                    if let Some(body) = &job.body {
                        request = request
                            .header("content-type", "application/json")
                            .body(body.as_ref().clone());
                    }
                    let sent = Instant::now();
                    let status = match request.send().await {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            // The whole body is read: the request is done when it is.
                            match response.bytes().await {
                                Ok(_) => status,
                                Err(_) => 0,
                            }
                        }
                        Err(_) => 0,
                    };
                    seen.push((status, sent.elapsed().as_secs_f64() * 1e3));
                }
                seen
            })
        })
        .collect();
    let mut statuses = BTreeMap::new();
    let mut latencies_ms = Vec::new();
    for worker in workers {
        for (status, ms) in worker.await.unwrap_or_default() {
            *statuses.entry(status).or_insert(0) += 1;
            if status != 0 {
                latencies_ms.push(ms);
            }
        }
    }
    let wall = started.elapsed();
    latencies_ms.sort_by(f64::total_cmp);
    Phase {
        sent: statuses.values().sum(),
        planned,
        wall,
        statuses,
        latencies_ms,
    }
}
