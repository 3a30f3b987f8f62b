//! One cold start, measured: spawn an instance against a fresh emulator, time its init, its
//! first invoke and a fixed number of warm invokes (each checked), read its peak RSS, stop it.
//! A cold start that stalls is repeated on fresh data; one that answers wrongly stops the bench.

use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::lambda::cpu_share::CpuShare;
use crate::lambda::fixtures::{Function, Invocation};
use crate::lambda::spawn::{self, Language};
use crate::lambda::world::World;
use aws_mode::runtime_api::{RuntimeApi, Wait};

/// Longest init accepted (Lambda's own init limit).
const INIT_LIMIT: Duration = Duration::from_secs(10);
/// Longest invoke accepted (the template's function timeout).
const INVOKE_LIMIT: Duration = Duration::from_secs(10);

/// Why a report's repeated cold starts were repeated.
pub fn stall_reason() -> String {
    format!(
        "an invoke got no answer within {} s (moto stalling, not the function)",
        INVOKE_LIMIT.as_secs()
    )
}
/// Tries for one sample before a stall stops the bench.
const TRIES: usize = 3;

/// What one cold start measured, in milliseconds and KiB.
#[derive(Clone, Debug, Serialize)]
pub struct ColdStart {
    /// Spawn → the first `next` request.
    pub init_ms: f64,
    /// CPU time the instance used by its first `next`.
    pub init_cpu_ms: f64,
    /// The first event's invoke, with the first AWS calls and their connection set-up.
    pub first_invoke_ms: f64,
    /// CPU time the first invoke used: what Lambda's small CPU share at 128 MB stretches.
    pub first_invoke_cpu_ms: f64,
    /// Every later invoke, in order.
    pub warm_ms: Vec<f64>,
    /// `VmHWM` just before the instance was stopped.
    pub peak_rss_kib: u64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One sample: a cold start of `function` in `language` on fresh tables and callers from
/// `world`, with `warm` invokes after the first. A cold start that gets no answer in time is
/// discarded and tried again on new data (moto on a loaded machine sometimes takes seconds over
/// one call, which says nothing about either language), at most `TRIES` times. Returns the sample
/// and how many tries were discarded, which the report states. With `cpu`, every invoke runs at
/// that share of a CPU, init at full speed.
pub async fn sample(
    world: &mut World,
    workspace: &Path,
    language: Language,
    function: Function,
    warm: usize,
    cpu: Option<&CpuShare>,
) -> Result<(ColdStart, usize), String> {
    let mut stalled = 0;
    loop {
        let run = world.prepare(function, 1 + warm).await?;
        let measured = cold_start(
            workspace,
            language,
            function,
            &world.front.endpoint,
            &run.env,
            &run.invocations,
            cpu,
        )
        .await;
        world.clean(&run).await;
        match measured {
            Ok(cold_start) => return Ok((cold_start, stalled)),
            Err(Wait::TimedOut(why)) if stalled + 1 < TRIES => {
                stalled += 1;
                eprintln!("{why}: discarded, trying again on fresh data");
            }
            Err(failure) => return Err(failure.to_string()),
        }
    }
}

/// Runs `invocations` (at least one) on a new instance of `function` in `language`.
async fn cold_start(
    workspace: &Path,
    language: Language,
    function: Function,
    aws_endpoint: &str,
    function_env: &[(String, String)],
    invocations: &[Invocation],
    share: Option<&CpuShare>,
) -> Result<ColdStart, Wait> {
    let arn = format!(
        "arn:aws:lambda:us-east-1:123456789012:function:{}",
        function.crate_name()
    );
    let mut api = RuntimeApi::start(&arn)
        .await
        .map_err(|e| Wait::Failed(format!("runtime API: {e}")))?;
    let logs = crate::results::dir().join("cold-start-logs");
    std::fs::create_dir_all(&logs).map_err(|e| Wait::Failed(e.to_string()))?;
    let log_path = logs.join(format!(
        "{}-{}.log",
        function.crate_name(),
        language.label().replace([' ', '(', ')'], "")
    ));
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(|e| Wait::Failed(format!("{}: {e}", log_path.display())))?;
    let mut command = spawn::command(
        workspace,
        language,
        function,
        &api.address(),
        aws_endpoint,
        function_env,
        log,
    )
    .map_err(|e| Wait::Failed(e.to_string()))?;

    let spawned = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| Wait::Failed(format!("spawn {language:?} {}: {e}", function.crate_name())))?;
    let pid = child.id().unwrap_or_default();
    let outcome = async {
        let ready = api.ready(INIT_LIMIT).await?;
        let cpu = || spawn::cpu_ns(pid).ok_or_else(|| Wait::Failed("no /proc schedstat".into()));
        let cpu_at_ready = cpu()?;
        if let Some(share) = share {
            share.admit(pid).map_err(Wait::Failed)?;
        }
        let mut cpu_after_first = cpu_at_ready;
        let mut durations = Vec::with_capacity(invocations.len());
        for (i, invocation) in invocations.iter().enumerate() {
            let outcome = api.invoke(invocation.event.clone(), INVOKE_LIMIT).await?;
            let payload = outcome
                .result
                .map_err(|e| Wait::Failed(format!("invoke {i} failed: {e}")))?;
            invocation
                .expect
                .check(&payload)
                .map_err(|e| Wait::Failed(format!("invoke {i}: {e}")))?;
            durations.push(ms(outcome.duration));
            if i == 0 {
                cpu_after_first = cpu()?;
            }
        }
        // Read before stopping: VmHWM is gone with the process.
        let peak_rss_kib =
            spawn::peak_rss_kib(pid).ok_or_else(|| Wait::Failed("no /proc status".into()))?;
        Ok::<_, Wait>(ColdStart {
            init_ms: ms(ready - spawned),
            init_cpu_ms: cpu_at_ready as f64 / 1e6,
            first_invoke_ms: durations.first().copied().unwrap_or(f64::NAN),
            first_invoke_cpu_ms: (cpu_after_first - cpu_at_ready) as f64 / 1e6,
            warm_ms: durations.into_iter().skip(1).collect(),
            peak_rss_kib,
        })
    }
    .await;
    spawn::stop(child).await;
    let context = |e| {
        format!(
            "{} {}: {e} (log: {})",
            language.label(),
            function.crate_name(),
            log_path.display()
        )
    };
    outcome.map_err(|e| match e {
        Wait::TimedOut(e) => Wait::TimedOut(context(e)),
        Wait::Failed(e) => Wait::Failed(context(e)),
    })
}
