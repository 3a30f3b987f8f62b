//! Criterion benches of whole handlers in-process (`RestFunction::handle`) on the embedded
//! adapters: GET /company, GET /attendance?month= (22 days) and POST /leave-requests.
//!
//! Each sample times only the handler call: requests are built beforehand (they are not
//! `Clone`), and every leave request comes from a new employee so each takes the 201 path.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use edge::function::RestFunction;
use tokio::runtime::Runtime;

use bench::inproc_world::{Event, World, status, world};

/// Times `iters` calls of `handler` on requests from `events`, checking each answered `expected`.
async fn timed<'a, F: RestFunction>(
    handler: &F,
    events: impl IntoIterator<Item = &'a Event>,
    expected: u16,
) -> Duration {
    let mut total = Duration::ZERO;
    for event in events {
        let request = event.request();
        let started = Instant::now();
        let response = handler.handle(request).await;
        total += started.elapsed();
        assert_eq!(status(&response), expected, "{:?}", response.body());
    }
    total
}

fn handlers(c: &mut Criterion) {
    // One thread, as a Lambda handler runs one request at a time.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let w: World = rt.block_on(world());
    let mut g = c.benchmark_group("handlers");
    let company = w.get_company();
    g.bench_function("GET /company", |b| {
        b.iter_custom(|iters| {
            rt.block_on(timed(&w.company_admin, (0..iters).map(|_| &company), 200))
        })
    });
    let month = w.own_month();
    g.bench_function("GET /attendance?month= (22 days)", |b| {
        b.iter_custom(|iters| rt.block_on(timed(&w.attendance, (0..iters).map(|_| &month), 200)))
    });
    g.bench_function("POST /leave-requests", |b| {
        b.iter_custom(|iters| leave_requests(&rt, &w, iters))
    });
    g.finish();
}

fn leave_requests(rt: &Runtime, w: &World, iters: u64) -> Duration {
    rt.block_on(async {
        let events = w.leave_requests(iters as usize).await;
        timed(&w.leave, &events, 201).await
    })
}

criterion_group! {
    name = in_process;
    // Short runs: `make bench` must stay within its time budget on two shared cores.
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = handlers
}
criterion_main!(in_process);
