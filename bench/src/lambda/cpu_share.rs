//! Lambda's CPU share, reproduced with a cgroup: at 128 MB a function gets about 7.2% of a vCPU
//! (one vCPU at 1,769 MB), enforced as a quota of CPU time per scheduling period. An instance is
//! moved into the group once its init is over, so init runs at full speed (as Lambda's init is
//! reported to) and every invoke runs at the share.
//!
//! Needs root and a cgroup `cpu` controller (v1 at /sys/fs/cgroup/cpu, or v2 with `cpu` enabled
//! at /sys/fs/cgroup); where neither is writable, `CpuShare::create` says why and the bench runs
//! unthrottled and says so.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// The share of one vCPU Lambda gives a function of `memory_mb`.
pub fn lambda_share(memory_mb: u32) -> f64 {
    f64::from(memory_mb) / 1769.0
}

/// A cgroup that holds instances to `share` of one CPU per `period`.
pub struct CpuShare {
    dir: PathBuf,
    pub share: f64,
    pub period: Duration,
}

/// Lambda's share at the memory instances are told they have (128 MB, the size the template
/// gives every function but the photo one), per a period of `BENCH_CPU_PERIOD_MS` (default 20).
/// Lambda does not document its period; the shorter it is, the sooner a burst of CPU is cut
/// into slices.
pub fn at_128_mb() -> Result<CpuShare, String> {
    let period_ms = crate::lambda::env_count("BENCH_CPU_PERIOD_MS", 20);
    CpuShare::create(
        "genese-bench-128mb",
        lambda_share(crate::lambda::spawn::MEMORY_MB),
        Duration::from_millis(period_ms as u64),
    )
}

/// How a part's invokes ran, for its report: at the share, or at full speed and why.
pub fn how_invokes_ran(share: &Result<CpuShare, String>) -> String {
    match share {
        Ok(share) => format!(
            "init ran at full speed and every invoke at Lambda's 128 MB share, {} (a cgroup quota)",
            share.describe()
        ),
        Err(why) => format!("invokes ran at full speed, not at Lambda's 128 MB share ({why})"),
    }
}

impl CpuShare {
    /// Creates (or reuses) the group `name` with the quota `share` × `period`.
    pub fn create(name: &str, share: f64, period: Duration) -> Result<CpuShare, String> {
        let period_us = period.as_micros().max(1000);
        // The kernel refuses quotas under 1 ms.
        let quota_us = ((period_us as f64 * share) as u128).max(1000);
        let v1 = Path::new("/sys/fs/cgroup/cpu");
        let v2 = Path::new("/sys/fs/cgroup");
        let (root, settings): (&Path, Vec<(&str, String)>) = if v1.join("cpu.cfs_quota_us").exists()
        {
            (
                v1,
                vec![
                    ("cpu.cfs_period_us", period_us.to_string()),
                    ("cpu.cfs_quota_us", quota_us.to_string()),
                ],
            )
        } else if std::fs::read_to_string(v2.join("cgroup.subtree_control"))
            .is_ok_and(|enabled| enabled.split_whitespace().any(|c| c == "cpu"))
        {
            (v2, vec![("cpu.max", format!("{quota_us} {period_us}"))])
        } else {
            return Err("no writable cgroup cpu controller".into());
        };
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (file, value) in settings {
            let path = dir.join(file);
            std::fs::write(&path, &value).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(CpuShare {
            dir,
            share: quota_us as f64 / period_us as f64,
            period: Duration::from_micros(period_us as u64),
        })
    }

    /// Moves process `pid`, all its threads, into the group; it leaves when it exits.
    pub fn admit(&self, pid: u32) -> Result<(), String> {
        let procs = self.dir.join("cgroup.procs");
        std::fs::write(&procs, pid.to_string()).map_err(|e| format!("{}: {e}", procs.display()))
    }

    /// "7.2% of a CPU per 20 ms", for reports.
    pub fn describe(&self) -> String {
        format!(
            "{:.1}% of a CPU per {} ms",
            self.share * 100.0,
            self.period.as_millis()
        )
    }
}

impl Drop for CpuShare {
    fn drop(&mut self) {
        // Fails while a process is still inside; the group is then reused by the next run.
        let _ = std::fs::remove_dir(&self.dir);
    }
}
