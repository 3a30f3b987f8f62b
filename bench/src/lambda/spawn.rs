//! Starting one function instance the way Lambda does: a clean environment holding what the
//! Lambda service sets (`aws_mode::instance::Service`: runtime API, function name, memory,
//! region, credentials, `_HANDLER`…) plus the function's own configuration, with the AWS
//! endpoint pointed at moto.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::process::{Child, Command};

use crate::lambda::fixtures::Function;

/// The implementation being measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// The release `bootstrap`, native x86_64, built with this cargo profile; `warm_up: false`
    /// sets `WARM_UP_AT_INIT=false`, leaving the first connection to the first invoke.
    Rust {
        profile: &'static str,
        warm_up: bool,
    },
    /// `python -m awslambdaric <module>.handler` from `bench/python/`.
    Python,
}

impl Language {
    pub fn label(self) -> String {
        match self {
            Language::Rust {
                profile: "release",
                warm_up: true,
            } => "rust".into(),
            Language::Rust {
                profile: "release",
                warm_up: false,
            } => "rust (no warm-up)".into(),
            Language::Rust { profile, .. } => format!("rust ({profile})"),
            Language::Python => "python".into(),
        }
    }
}

/// Memory the template gives every function (Globals), which Lambda announces to the runtime.
pub const MEMORY_MB: u32 = 128;

/// The native bootstrap of `function` under `profile` (`target/<profile>/<binary>`).
pub fn bootstrap(function: Function, profile: &str) -> PathBuf {
    crate::results::target_dir()
        .join(profile)
        .join(function.crate_name())
}

/// The interpreter of the baseline's own venv (`make bench-python-venv`).
pub fn python(workspace: &Path) -> PathBuf {
    workspace.join(".venv-bench/bin/python")
}

/// The command that starts one instance; its output goes to `log`.
pub fn command(
    workspace: &Path,
    language: Language,
    function: Function,
    runtime_api: &str,
    aws_endpoint: &str,
    function_env: &[(String, String)],
    log: std::fs::File,
) -> std::io::Result<Command> {
    let task_root = workspace.join("bench/python");
    let (mut command, handler, execution_env) = match language {
        Language::Rust { profile, .. } => (
            Command::new(bootstrap(function, profile)),
            "bootstrap".to_string(),
            "AWS_Lambda_provided.al2023",
        ),
        Language::Python => {
            let handler = format!("{}.handler", function.python_module());
            let mut command = Command::new(python(workspace));
            command.args(["-m", "awslambdaric", &handler]);
            (command, handler, "AWS_Lambda_python3.11")
        }
    };
    let log_group = format!("/aws/lambda/{}", function.crate_name());
    let service = aws_mode::instance::Service {
        runtime_api,
        function_name: function.crate_name(),
        memory_mb: MEMORY_MB,
        log_group: &log_group,
        region: "us-east-1",
        access_key: "test",
        secret_key: "test",
        session_token: "test",
    };
    command
        .env_clear()
        .current_dir(&task_root)
        .envs(service.variables())
        // The baseline's handler and runtime override what a provided.al2023 instance has.
        .env("LAMBDA_TASK_ROOT", &task_root)
        .env("_HANDLER", handler)
        .env("AWS_EXECUTION_ENV", execution_env)
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("AWS_ENDPOINT_URL", aws_endpoint)
        .env("RUST_LOG", "info")
        .envs(function_env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .kill_on_drop(true);
    if let Language::Rust { warm_up: false, .. } = language {
        command.env(aws_adapters::WARM_UP_VAR, "false");
    }
    if language == Language::Python {
        // Bytecode is cached as on Lambda's disk, but under target/, not in the source tree.
        command.env("PYTHONPYCACHEPREFIX", crate::results::dir().join("pycache"));
    }
    Ok(command)
}

/// Peak resident set size of a live process in KiB (`VmHWM` of `/proc/<pid>/status`).
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// CPU time a live process has used so far, in nanoseconds: the first field of each of its
/// threads' `/proc/<pid>/task/<tid>/schedstat` (nanosecond resolution, unlike `stat`'s ticks).
/// Threads that already ended are not counted; the instances' runtimes keep theirs.
pub fn cpu_ns(pid: u32) -> Option<u64> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut total = 0;
    for task in tasks.flatten() {
        let schedstat = std::fs::read_to_string(task.path().join("schedstat")).ok()?;
        total += schedstat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

/// Stops the instance and reaps it.
pub async fn stop(mut child: Child) {
    let _ = child.start_kill();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), child.wait()).await;
}
