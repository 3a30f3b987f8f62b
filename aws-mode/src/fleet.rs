//! Every function of the template running, each its own instance under its own role session,
//! and what invokes them besides the API: the user pool's triggers (through the front, at
//! Cognito's moments), the DynamoDB stream mappings ([`crate::event_source`]) and the schedules
//! (on demand, [`Fleet::fire_schedule`]).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use serde_norway::Value as Yaml;

use crate::deployment::Deployment;
use crate::event_source::EventSource;
use crate::front::UserPoolService;
use crate::instance::Instance;
use crate::mapping::StreamMapping;
use crate::template::functions;

/// The running functions, by logical id.
pub struct Fleet {
    instances: BTreeMap<String, Arc<Instance>>,
    /// The stream mappings' pollers; stopped when dropped.
    _sources: Vec<EventSource>,
}

impl Fleet {
    /// Starts every function of `template` in `deployment` (their logs under `log_dir`), the
    /// user pool's triggers in the front and the stream mappings' pollers.
    pub async fn start(
        template: &Yaml,
        deployment: &Deployment,
        log_dir: &Path,
    ) -> Result<Fleet, String> {
        std::fs::create_dir_all(log_dir).map_err(|e| format!("{}: {e}", log_dir.display()))?;
        let mut instances = BTreeMap::new();
        for (function, _) in functions() {
            let log = std::fs::File::create(log_dir.join(format!("{function}.log")))
                .map_err(|e| format!("{function}'s log: {e}"))?;
            let instance = Instance::start(
                template,
                function,
                &deployment.world.names,
                deployment.front.endpoint(),
                &deployment.sessions[function],
                log,
            )
            .await?;
            instances.insert(function.to_string(), Arc::new(instance));
        }
        let pool = &deployment.world.pool;
        let triggers = pool
            .triggers
            .iter()
            .map(|(trigger, function)| {
                let instance = instances
                    .get(function)
                    .ok_or_else(|| format!("the trigger {trigger} names {function}"))?;
                Ok((trigger.clone(), instance.clone()))
            })
            .collect::<Result<BTreeMap<_, _>, String>>()?;
        deployment.front.serve_user_pool(UserPoolService::new(
            pool.id.clone(),
            deployment.world.names.region.clone(),
            pool.mail_from.clone(),
            deployment.operator.clone(),
            triggers,
        ))?;
        let mut sources = Vec::new();
        for mapping in StreamMapping::all() {
            let instance = instances[&mapping.function].clone();
            sources.push(EventSource::start(mapping, deployment, instance).await?);
        }
        Ok(Fleet {
            instances,
            _sources: sources,
        })
    }

    /// The instance of `function` (a logical id).
    pub fn instance(&self, function: &str) -> Result<&Arc<Instance>, String> {
        self.instances
            .get(function)
            .ok_or_else(|| format!("no function {function} runs"))
    }

    /// The functions with a `Type: Schedule` event: what [`Fleet::fire_schedule`] can fire.
    pub fn scheduled() -> Vec<&'static str> {
        functions()
            .into_iter()
            .filter(|(_, f)| {
                f["Properties"]["Events"]
                    .as_mapping()
                    .into_iter()
                    .flatten()
                    .any(|(_, e)| e["Type"].as_str() == Some("Schedule"))
            })
            .map(|(id, _)| id)
            .collect()
    }

    /// Invokes a scheduled function now with EventBridge's scheduled event, as its rule would;
    /// the function's answer.
    pub async fn fire_schedule(
        &self,
        function: &str,
        names: &crate::names::Names,
    ) -> Result<Value, String> {
        if !Fleet::scheduled().contains(&function) {
            return Err(format!("{function} has no schedule"));
        }
        let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let rule = names.arn_in("events", &format!("rule/{function}Schedule"));
        let event = json!({
            "version": "0",
            "id": uuid::Uuid::new_v4().to_string(),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": names.account,
            "time": now,
            "region": names.region,
            "resources": [rule],
            "detail": {}
        });
        let limit = Duration::from_secs(900);
        self.instance(function)?.invoke(event, limit).await
    }
}
