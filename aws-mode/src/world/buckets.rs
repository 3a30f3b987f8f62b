//! The template's S3 buckets: public access block, default encryption, ownership, versioning,
//! lifecycle and CORS, as declared. The TLS-only bucket policies are left out (see
//! [`crate::deviations::tls_only_policy`]); any other policy stops the world.

use aws_sdk_s3::Client;
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, BucketVersioningStatus,
    CorsConfiguration, CorsRule, ExpirationStatus, LifecycleExpiration, LifecycleRule,
    LifecycleRuleFilter, NoncurrentVersionExpiration, ObjectOwnership, OwnershipControls,
    OwnershipControlsRule, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    VersioningConfiguration,
};
use serde_norway::Value;

use super::only_known;
use crate::names::Names;
use crate::template::resources;

const KNOWN: [&str; 6] = [
    "PublicAccessBlockConfiguration",
    "BucketEncryption",
    "OwnershipControls",
    "VersioningConfiguration",
    "LifecycleConfiguration",
    "CorsConfiguration",
];

fn days(value: &Value, names: &Names) -> Result<Option<i32>, String> {
    if value.is_null() {
        return Ok(None);
    }
    let text = names.resolve_one(value)?;
    text.parse()
        .map(Some)
        .map_err(|_| format!("{text:?} is not a number of days"))
}

fn lifecycle(rules: &Value, names: &Names) -> Result<BucketLifecycleConfiguration, String> {
    let mut configuration = BucketLifecycleConfiguration::builder();
    for rule in rules.as_sequence().into_iter().flatten() {
        let mut made = LifecycleRule::builder()
            .set_id(rule["Id"].as_str().map(str::to_string))
            .set_status(rule["Status"].as_str().map(ExpirationStatus::from))
            .filter(
                LifecycleRuleFilter::builder()
                    .prefix(rule["Prefix"].as_str().unwrap_or_default())
                    .build(),
            );
        if let Some(days) = days(&rule["ExpirationInDays"], names)? {
            made = made.expiration(LifecycleExpiration::builder().days(days).build());
        }
        if let Some(days) = days(
            &rule["NoncurrentVersionExpiration"]["NoncurrentDays"],
            names,
        )? {
            made = made.noncurrent_version_expiration(
                NoncurrentVersionExpiration::builder()
                    .noncurrent_days(days)
                    .build(),
            );
        }
        if let Some(days) = days(
            &rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"],
            names,
        )? {
            made = made.abort_incomplete_multipart_upload(
                AbortIncompleteMultipartUpload::builder()
                    .days_after_initiation(days)
                    .build(),
            );
        }
        configuration = configuration.rules(made.build().map_err(|e| e.to_string())?);
    }
    configuration.build().map_err(|e| e.to_string())
}

fn cors(rules: &Value, names: &Names) -> Result<CorsConfiguration, String> {
    let mut configuration = CorsConfiguration::builder();
    for rule in rules.as_sequence().into_iter().flatten() {
        configuration = configuration.cors_rules(
            CorsRule::builder()
                .set_allowed_methods(Some(names.resolve(&rule["AllowedMethods"])?))
                .set_allowed_origins(Some(names.resolve(&rule["AllowedOrigins"])?))
                .set_allowed_headers(Some(names.resolve(&rule["AllowedHeaders"])?))
                .set_expose_headers(
                    Some(names.resolve(&rule["ExposedHeaders"]).unwrap_or_default())
                        .filter(|h| !h.is_empty()),
                )
                .set_max_age_seconds(rule["MaxAge"].as_i64().map(|n| n as i32))
                .build()
                .map_err(|e| e.to_string())?,
        );
    }
    configuration.build().map_err(|e| e.to_string())
}

/// How a failed call on bucket `id` is reported.
fn failed<E: std::fmt::Debug>(id: &str, call: &str) -> impl Fn(E) -> String {
    let what = format!("{id}: {call}");
    move |e| format!("{what}: {e:?}")
}

/// Makes every bucket (its name was chosen when the world was named).
pub(super) async fn make(s3: &Client, names: &mut Names) -> Result<(), String> {
    for (id, resource) in resources("AWS::S3::Bucket") {
        only_known(id, resource, &KNOWN)?;
        let p = &resource["Properties"];
        // S3 names are lower case; CloudFormation lowers the logical id too.
        let name = names.reference(id)?.to_lowercase();
        let arn = format!("arn:{}:s3:::{name}", names.partition);
        names.insert(id, crate::names::Physical::new(&name, arn));
        s3.create_bucket()
            .bucket(&name)
            .send()
            .await
            .map_err(failed(id, "CreateBucket"))?;
        let block = &p["PublicAccessBlockConfiguration"];
        if !block.is_null() {
            s3.put_public_access_block()
                .bucket(&name)
                .public_access_block_configuration(
                    PublicAccessBlockConfiguration::builder()
                        .set_block_public_acls(block["BlockPublicAcls"].as_bool())
                        .set_block_public_policy(block["BlockPublicPolicy"].as_bool())
                        .set_ignore_public_acls(block["IgnorePublicAcls"].as_bool())
                        .set_restrict_public_buckets(block["RestrictPublicBuckets"].as_bool())
                        .build(),
                )
                .send()
                .await
                .map_err(failed(id, "PutPublicAccessBlock"))?;
        }
        for rule in p["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            .as_sequence()
            .into_iter()
            .flatten()
        {
            let algorithm = rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"]
                .as_str()
                .ok_or_else(|| format!("{id}: an encryption rule without SSEAlgorithm"))?;
            s3.put_bucket_encryption()
                .bucket(&name)
                .server_side_encryption_configuration(
                    ServerSideEncryptionConfiguration::builder()
                        .rules(
                            ServerSideEncryptionRule::builder()
                                .apply_server_side_encryption_by_default(
                                    ServerSideEncryptionByDefault::builder()
                                        .sse_algorithm(ServerSideEncryption::from(algorithm))
                                        .build()
                                        .map_err(|e| format!("{id}: {e}"))?,
                                )
                                .build(),
                        )
                        .build()
                        .map_err(|e| format!("{id}: {e}"))?,
                )
                .send()
                .await
                .map_err(failed(id, "PutBucketEncryption"))?;
        }
        for rule in p["OwnershipControls"]["Rules"]
            .as_sequence()
            .into_iter()
            .flatten()
        {
            let ownership = rule["ObjectOwnership"].as_str().unwrap_or_default();
            s3.put_bucket_ownership_controls()
                .bucket(&name)
                .ownership_controls(
                    OwnershipControls::builder()
                        .rules(
                            OwnershipControlsRule::builder()
                                .object_ownership(ObjectOwnership::from(ownership))
                                .build()
                                .map_err(|e| format!("{id}: {e}"))?,
                        )
                        .build()
                        .map_err(|e| format!("{id}: {e}"))?,
                )
                .send()
                .await
                .map_err(failed(id, "PutBucketOwnershipControls"))?;
        }
        if let Some(status) = p["VersioningConfiguration"]["Status"].as_str() {
            s3.put_bucket_versioning()
                .bucket(&name)
                .versioning_configuration(
                    VersioningConfiguration::builder()
                        .status(BucketVersioningStatus::from(status))
                        .build(),
                )
                .send()
                .await
                .map_err(failed(id, "PutBucketVersioning"))?;
        }
        let rules = &p["LifecycleConfiguration"]["Rules"];
        if !rules.is_null() {
            s3.put_bucket_lifecycle_configuration()
                .bucket(&name)
                .lifecycle_configuration(lifecycle(rules, names).map_err(|e| format!("{id}: {e}"))?)
                .send()
                .await
                .map_err(failed(id, "PutBucketLifecycleConfiguration"))?;
        }
        let rules = &p["CorsConfiguration"]["CorsRules"];
        if !rules.is_null() {
            s3.put_bucket_cors()
                .bucket(&name)
                .cors_configuration(cors(rules, names).map_err(|e| format!("{id}: {e}"))?)
                .send()
                .await
                .map_err(failed(id, "PutBucketCors"))?;
        }
    }
    for (id, policy) in resources("AWS::S3::BucketPolicy") {
        if !crate::deviations::tls_only_policy(&policy["Properties"]["PolicyDocument"]) {
            return Err(format!(
                "{id}: a bucket policy AWS mode's world does not make"
            ));
        }
    }
    Ok(())
}
