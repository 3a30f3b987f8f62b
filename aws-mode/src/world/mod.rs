//! Every resource `template.yaml` declares that the product's code reaches, made on the emulator
//! from the template alone, and named as CloudFormation names them (`<stack>-<LogicalId>-<suffix>`),
//! so no code can lean on a name it was not given. Nothing is written twice: a table, bucket,
//! queue or pool the template changes changes here.
//!
//! Made: tables (keys, indexes, streams, TTL, encryption, backups), buckets (encryption,
//! versioning, CORS, lifecycle, public access block, ownership), queues, the user pool (username
//! attributes, password policy, schema, app clients, groups), and what a new account holds
//! before its first deploy (the SES identities, the Slack secret). Named but not made: the
//! functions (AWS mode runs them itself), log groups, the alarm topic and its key.

mod buckets;
mod prerequisites;
mod queues;
mod tables;
pub mod user_pool;

use aws_config::SdkConfig;
use rand::Rng;

pub use prerequisites::SlackSecret;
pub use user_pool::Pool;

use crate::names::Names;
use crate::template::template;

/// moto's account (every request without an assumed role is made in it).
pub const MOTO_ACCOUNT: &str = "123456789012";

/// The resources made on the emulator, and what each is called.
#[derive(Clone, Debug)]
pub struct World {
    pub names: Names,
    pub pool: Pool,
    pub slack: SlackSecret,
}

/// A CloudFormation-style physical name: the stack, the logical id and a random suffix; lower
/// case where the service demands it (buckets).
fn physical_name(stack: &str, id: &str, lower: bool) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::thread_rng();
    let suffix: String = (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    let name = format!("{stack}-{id}-{suffix}");
    if lower { name.to_lowercase() } else { name }
}

/// Makes the template's world on the emulator `config` points at, for the stack `stack`.
pub async fn make(config: &SdkConfig, stack: &str) -> Result<World, String> {
    let region = config
        .region()
        .map(|r| r.to_string())
        .ok_or("the SDK configuration has no region")?;
    let mut names = Names::new(&region, MOTO_ACCOUNT, stack);
    // Named only: what the world does not make still has the name CloudFormation would give it.
    for (id, resource) in template()["Resources"].as_mapping().into_iter().flatten() {
        let (Some(id), Some(kind)) = (id.as_str(), resource["Type"].as_str()) else {
            continue;
        };
        let name = match kind {
            "AWS::Logs::LogGroup" => names.resolve_one(&resource["Properties"]["LogGroupName"])?,
            _ => physical_name(stack, id, false),
        };
        if let Some(physical) = names.conventional(kind, id, &name) {
            names.insert(id, physical);
        }
    }
    tables::make(&aws_sdk_dynamodb::Client::new(config), &mut names).await?;
    buckets::make(&s3_client(config), &mut names).await?;
    queues::make(&aws_sdk_sqs::Client::new(config), &mut names).await?;
    let pool = user_pool::make(
        &aws_sdk_cognitoidentityprovider::Client::new(config),
        &mut names,
    )
    .await?;
    let slack = prerequisites::make(config, &names).await?;
    Ok(World { names, pool, slack })
}

/// An S3 client addressing buckets by path, as the emulator on 127.0.0.1 needs.
pub fn s3_client(config: &SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(config)
            .force_path_style(true)
            .build(),
    )
}

/// Fails naming the first property of `resource` this world does not make, so a template change
/// the world cannot follow stops here instead of making a world that differs from AWS.
fn only_known(id: &str, resource: &serde_norway::Value, known: &[&str]) -> Result<(), String> {
    for (key, _) in resource["Properties"].as_mapping().into_iter().flatten() {
        let key = key.as_str().unwrap_or_default();
        if !known.contains(&key) {
            return Err(format!(
                "{id}: the property `{key}` is not made by AWS mode's world"
            ));
        }
    }
    Ok(())
}
