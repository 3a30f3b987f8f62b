//! The tail criterion does not report: a fixed sample of individually timed handler calls, after
//! a warm-up, and its percentiles.

use std::time::Instant;

use bench::inproc_world::{Event, status};
use bench::stats::percentile;
use edge::function::RestFunction;

/// Calls timed per handler, and calls before them that are not.
pub const SAMPLE: usize = 5_000;
pub const WARM_UP: usize = 200;

/// Latencies of one handler, in microseconds.
pub struct Tail {
    pub route: &'static str,
    pub samples: usize,
    pub p50_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
}

/// Times one call per event (the first [`WARM_UP`] untimed); panics on an unexpected status.
pub async fn measure<F: RestFunction>(
    route: &'static str,
    handler: &F,
    events: &[Event],
    expected: u16,
) -> Tail {
    let mut micros = Vec::with_capacity(events.len());
    for (i, event) in events.iter().enumerate() {
        let request = event.request();
        let started = Instant::now();
        let response = handler.handle(request).await;
        let elapsed = started.elapsed();
        assert_eq!(
            status(&response),
            expected,
            "{route}: {:?}",
            response.body()
        );
        if i >= WARM_UP {
            micros.push(elapsed.as_secs_f64() * 1e6);
        }
    }
    micros.sort_by(f64::total_cmp);
    Tail {
        route,
        samples: micros.len(),
        p50_us: percentile(&micros, 50.0),
        p99_us: percentile(&micros, 99.0),
        max_us: micros.last().copied().unwrap_or(f64::NAN),
    }
}
