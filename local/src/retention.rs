//! The buckets' lifecycle expiration rules, played locally: each enabled rule of template.yaml
//! with `ExpirationInDays` (punch photos, CVs) becomes a sweep of the file blob store, so the
//! retention periods the deployment configures are the ones the embedded stack keeps. A
//! parameter's value is its environment variable (`CvRetentionDays` → `CV_RETENTION_DAYS`),
//! else its default, as a deployment's parameter overrides.

use std::time::Duration;

use aws_mode::names::Names;
use aws_mode::template::{resources, template};
use embedded_adapters::FileBlobStore;

/// One lifecycle expiration: objects under `prefix` go `days` after they were written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expiration {
    pub bucket: String,
    pub prefix: String,
    pub days: u64,
}

/// `CvRetentionDays` → `CV_RETENTION_DAYS`.
fn env_name(parameter: &str) -> String {
    let mut name = String::new();
    for (i, c) in parameter.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
    }
    name
}

/// The embedded stack's names, with each parameter overridden by its environment variable.
fn names() -> Names {
    let mut names = Names::embedded();
    for parameter in template()["Parameters"]
        .as_mapping()
        .into_iter()
        .flatten()
        .filter_map(|(name, _)| name.as_str())
    {
        if let Ok(value) = std::env::var(env_name(parameter)) {
            names.set_parameter(parameter, &value);
        }
    }
    names
}

/// Every enabled expiration rule of every bucket in the template.
pub fn expirations() -> Vec<Expiration> {
    let names = names();
    let days = |value: &serde_norway::Value| names.resolve_one(value).ok()?.parse().ok();
    resources("AWS::S3::Bucket")
        .into_iter()
        .flat_map(|(bucket, resource)| {
            let rules = resource["Properties"]["LifecycleConfiguration"]["Rules"]
                .as_sequence()
                .cloned()
                .unwrap_or_default();
            rules.into_iter().filter_map(move |rule| {
                (rule["Status"].as_str() == Some("Enabled")).then_some(())?;
                Some(Expiration {
                    bucket: bucket.to_string(),
                    prefix: rule["Prefix"].as_str()?.to_string(),
                    days: days(&rule["ExpirationInDays"])?,
                })
            })
        })
        .collect()
}

/// Runs every expiration once over the one local blob store (both buckets' prefixes live in
/// it); how many objects went.
pub async fn sweep(blobs: &FileBlobStore, rules: &[Expiration]) -> usize {
    let mut expired = 0;
    for rule in rules {
        let max_age = Duration::from_secs(rule.days * 86_400);
        match blobs.expire(&rule.prefix, max_age).await {
            Ok(n) => expired += n,
            Err(e) => {
                tracing::warn!(bucket = %rule.bucket, error = %e, "expiry failed; the next run retries")
            }
        }
    }
    if expired > 0 {
        tracing::info!(expired, "objects past their retention period deleted");
    }
    expired
}

#[cfg(test)]
mod tests {
    use domain::ports::BlobStore;

    use super::*;

    #[test]
    fn the_template_keeps_cvs_and_punch_photos_for_their_configured_days() {
        let mut rules = expirations();
        rules.sort_by(|a, b| a.prefix.cmp(&b.prefix));
        assert_eq!(
            rules,
            [
                Expiration {
                    bucket: "PhotoBucket".into(),
                    prefix: "attendance/".into(),
                    days: 90
                },
                Expiration {
                    bucket: "CvBucket".into(),
                    prefix: "resumes/".into(),
                    days: 180
                },
            ]
        );
        assert_eq!(env_name("CvRetentionDays"), "CV_RETENTION_DAYS");
    }

    #[tokio::test]
    async fn the_sweep_deletes_a_cv_past_its_period_and_keeps_a_fresh_one() {
        let root = testkit::temp_dir("retention");
        let blobs = FileBlobStore::new(root.clone(), "http://127.0.0.1:1".into(), vec![7; 32]);
        for key in ["resumes/old/cv.pdf", "resumes/new/cv.pdf"] {
            blobs
                .put(key, b"%PDF-".to_vec(), "application/pdf")
                .await
                .unwrap();
        }
        let written = blobs.stamp_now().await.unwrap() - Duration::from_secs(181 * 86_400);
        std::fs::File::options()
            .write(true)
            .open(root.join("objects/resumes/old/cv.pdf"))
            .unwrap()
            .set_modified(written)
            .unwrap();
        assert_eq!(sweep(&blobs, &expirations()).await, 1);
        assert!(blobs.get("resumes/old/cv.pdf").await.unwrap().is_none());
        assert!(blobs.get("resumes/new/cv.pdf").await.unwrap().is_some());
    }
}
