//! One function instance as Lambda runs it: its bootstrap (built as `sam build` builds it, by
//! `make aws-bootstraps`) spawned in a clean environment holding what the Lambda service sets
//! and exactly the environment the template gives the function (Globals merged, references
//! resolved to the world's names), with its calls sent through the front under its own key.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use serde_norway::Value as Yaml;
use tokio::process::{Child, Command};

use crate::names::Names;
use crate::roles::Session;
use crate::runtime_api::RuntimeApi;

/// Where `make aws-bootstraps` leaves each function's bootstrap; `AWS_MODE_BOOTSTRAPS` names
/// another build's (another checkout's code, e.g. a revert, under this checkout's AWS mode).
pub fn bootstraps_dir() -> PathBuf {
    std::env::var_os("AWS_MODE_BOOTSTRAPS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/aws-mode/bootstraps")
        })
}

/// A function property as Lambda applies it: the function's own, else the Globals'.
fn property<'a>(template: &'a Yaml, function: &str, name: &str) -> &'a Yaml {
    let own = &template["Resources"][function]["Properties"][name];
    if own.is_null() {
        &template["Globals"]["Function"][name]
    } else {
        own
    }
}

/// The environment template.yaml gives `function`: the Globals' variables, then its own (which
/// win), each resolved to `names`.
pub fn environment(
    template: &Yaml,
    function: &str,
    names: &Names,
) -> Result<Vec<(String, String)>, String> {
    let mut merged = std::collections::BTreeMap::new();
    for source in [
        &template["Globals"]["Function"]["Environment"]["Variables"],
        &template["Resources"][function]["Properties"]["Environment"]["Variables"],
    ] {
        for (name, value) in source.as_mapping().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default().to_string();
            let value = names
                .resolve_one(value)
                .map_err(|e| format!("{function}: {name}: {e}"))?;
            // CloudFormation resolves `{{resolve:…}}` at deploy time; nothing here does, and a
            // function must not start on the literal text.
            if value.contains("{{resolve:") {
                return Err(format!(
                    "{function}: {name} is a dynamic reference ({value}), which AWS mode does not \
                     resolve (and which puts the secret in the function's configuration)"
                ));
            }
            merged.insert(name, value);
        }
    }
    Ok(merged.into_iter().collect())
}

/// What the Lambda service itself sets in every instance's environment.
pub struct Service<'a> {
    pub runtime_api: &'a str,
    pub function_name: &'a str,
    pub memory_mb: u32,
    pub log_group: &'a str,
    pub region: &'a str,
    pub access_key: &'a str,
    pub secret_key: &'a str,
    pub session_token: &'a str,
}

impl Service<'_> {
    /// The variables, as `provided.al2023` instances see them.
    pub fn variables(&self) -> Vec<(&'static str, String)> {
        vec![
            ("PATH", "/usr/local/bin:/usr/bin:/bin".into()),
            ("LANG", "C.UTF-8".into()),
            ("TZ", ":UTC".into()),
            ("_HANDLER", "bootstrap".into()),
            ("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023".into()),
            ("AWS_LAMBDA_RUNTIME_API", self.runtime_api.into()),
            ("AWS_LAMBDA_FUNCTION_NAME", self.function_name.into()),
            ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".into()),
            (
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                self.memory_mb.to_string(),
            ),
            ("AWS_LAMBDA_LOG_GROUP_NAME", self.log_group.into()),
            ("AWS_LAMBDA_LOG_STREAM_NAME", "aws-mode".into()),
            ("AWS_REGION", self.region.into()),
            ("AWS_DEFAULT_REGION", self.region.into()),
            ("AWS_ACCESS_KEY_ID", self.access_key.into()),
            ("AWS_SECRET_ACCESS_KEY", self.secret_key.into()),
            ("AWS_SESSION_TOKEN", self.session_token.into()),
        ]
    }
}

/// The variables through which the date run (scripts/date-run.sh) fakes the clock: an instance
/// keeps the clock of whoever invokes it, as a function and the Lambda service share one.
const CLOCK_VARIABLES: [&str; 3] = ["LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC"];

/// Nothing but the emulator is in reach: a call to the internet (Slack's API) goes through a
/// proxy on a loopback port nobody serves (9, discard), so it is refused at once and nothing
/// leaves the machine. The SDK's own client reads no proxy variables, and loopback is exempt.
const OUT_OF_REACH: [(&str, &str); 2] = [
    ("HTTPS_PROXY", "http://127.0.0.1:9"),
    ("NO_PROXY", "127.0.0.1,localhost"),
];

/// A running instance; killed when dropped.
pub struct Instance {
    pub function: String,
    api: RuntimeApi,
    _child: Child,
}

/// How long an instance may take over its init. A warm start here is well under a second, but
/// the first start of a freshly built debug bootstrap reads it from disk: two deployments
/// starting side by side on two cores (the date run runs tests in parallel) took over 20 s.
/// A hang still fails within a minute.
const INIT_LIMIT: Duration = Duration::from_secs(60);

impl Instance {
    /// Starts `function` (a logical id of `template`) with its calls going to `endpoint` signed
    /// by its role's `session`; its output goes to `log`.
    pub async fn start(
        template: &Yaml,
        function: &str,
        names: &Names,
        endpoint: &str,
        session: &Session,
        log: std::fs::File,
    ) -> Result<Instance, String> {
        let binary = template["Resources"][function]["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .ok_or_else(|| format!("{function} names no Binary"))?;
        let bootstrap = bootstraps_dir().join(binary);
        if !bootstrap.exists() {
            return Err(format!(
                "{} is missing: run `make aws-bootstraps`",
                bootstrap.display()
            ));
        }
        let function_name = names.reference(function)?;
        let arn = names.arn(function)?;
        let mut api = RuntimeApi::start(&arn).await.map_err(|e| e.to_string())?;
        let memory_mb = names
            .resolve_one(property(template, function, "MemorySize"))?
            .parse()
            .map_err(|e| format!("{function}: MemorySize: {e}"))?;
        let log_group =
            names.resolve_one(&property(template, function, "LoggingConfig")["LogGroup"])?;
        let runtime_api = api.address();
        let service = Service {
            runtime_api: &runtime_api,
            function_name: &function_name,
            memory_mb,
            log_group: &log_group,
            region: &names.region,
            access_key: &session.access_key,
            secret_key: &session.secret_key,
            session_token: &session.session_token,
        };
        let child = Command::new(&bootstrap)
            .env_clear()
            .envs(service.variables())
            .envs(environment(template, function, names)?)
            .env("AWS_ENDPOINT_URL", endpoint)
            .envs(OUT_OF_REACH)
            .envs(
                CLOCK_VARIABLES
                    .iter()
                    .filter_map(|v| Some((*v, std::env::var_os(v)?))),
            )
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("{}: {e}", bootstrap.display()))?;
        api.ready(INIT_LIMIT)
            .await
            .map_err(|e| format!("{function}: {e}"))?;
        Ok(Instance {
            function: function.to_string(),
            api,
            _child: child,
        })
    }

    /// Invokes the instance with `event`; its response payload, or the error it reported.
    pub async fn invoke(&self, event: Value, limit: Duration) -> Result<Value, String> {
        self.api
            .invoke(event, limit)
            .await
            .map_err(|e| format!("{}: {e}", self.function))?
            .result
    }
}
