//! Criterion's own results, read back from `target/criterion/<group>/<bench>/new/`: the mean
//! with its 95% confidence interval and the median, in nanoseconds per call.

use std::path::Path;

use serde_json::Value;

/// One benchmark's estimates.
pub struct Estimate {
    pub group: String,
    pub name: String,
    pub mean_ns: f64,
    pub mean_low_ns: f64,
    pub mean_high_ns: f64,
    pub median_ns: f64,
}

fn read(path: &Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// The latest estimates of every benchmark in `groups` under `criterion_dir`, by group then name.
pub fn load(criterion_dir: &Path, groups: &[&str]) -> Vec<Estimate> {
    let mut found = Vec::new();
    for group in groups {
        let Ok(entries) = std::fs::read_dir(criterion_dir.join(group)) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let new = entry.path().join("new");
            let (Some(info), Some(est)) = (
                read(&new.join("benchmark.json")),
                read(&new.join("estimates.json")),
            ) else {
                continue;
            };
            let ns = |stat: &str, field: &str| est[stat][field].as_f64().unwrap_or(f64::NAN);
            found.push(Estimate {
                group: group.to_string(),
                name: info["function_id"]
                    .as_str()
                    .unwrap_or_else(|| info["full_id"].as_str().unwrap_or("?"))
                    .to_string(),
                mean_ns: ns("mean", "point_estimate"),
                mean_low_ns: est["mean"]["confidence_interval"]["lower_bound"]
                    .as_f64()
                    .unwrap_or(f64::NAN),
                mean_high_ns: est["mean"]["confidence_interval"]["upper_bound"]
                    .as_f64()
                    .unwrap_or(f64::NAN),
                median_ns: ns("median", "point_estimate"),
            });
        }
    }
    found.sort_by(|a, b| (&a.group, &a.name).cmp(&(&b.group, &b.name)));
    found
}
