//! Cold-start samples summarised: medians per language, the Rust/Python ratio and the targets,
//! as JSON and as the Markdown section of BENCHMARKS.md.

use bench::stats::{median, percentile};
use serde_json::{Value, json};

use bench::lambda::measure::ColdStart;

/// Medians over the cold starts of one language and function.
#[derive(Clone, Copy, Debug)]
pub struct Summary {
    pub init_ms: f64,
    pub init_cpu_ms: f64,
    pub first_invoke_ms: f64,
    pub first_invoke_cpu_ms: f64,
    pub warm_p50_ms: f64,
    pub warm_p99_ms: f64,
    pub peak_rss_mib: f64,
}

impl Summary {
    /// Medians of each cold start's init, first invoke, warm p50 and p99, and peak RSS.
    pub fn of(runs: &[ColdStart]) -> Summary {
        let warm = |p: f64| -> Vec<f64> {
            runs.iter()
                .map(|r| {
                    let mut w = r.warm_ms.clone();
                    w.sort_by(f64::total_cmp);
                    percentile(&w, p)
                })
                .collect()
        };
        let each = |f: fn(&ColdStart) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
        Summary {
            init_ms: each(|r| r.init_ms),
            init_cpu_ms: each(|r| r.init_cpu_ms),
            first_invoke_ms: each(|r| r.first_invoke_ms),
            first_invoke_cpu_ms: each(|r| r.first_invoke_cpu_ms),
            warm_p50_ms: median(&warm(50.0)),
            warm_p99_ms: median(&warm(99.0)),
            peak_rss_mib: each(|r| r.peak_rss_kib as f64 / 1024.0),
        }
    }

    pub fn json(&self) -> Value {
        json!({
            "init_ms": self.init_ms,
            "init_cpu_ms": self.init_cpu_ms,
            "first_invoke_ms": self.first_invoke_ms,
            "first_invoke_cpu_ms": self.first_invoke_cpu_ms,
            "warm_p50_ms": self.warm_p50_ms,
            "warm_p99_ms": self.warm_p99_ms,
            "peak_rss_mib": self.peak_rss_mib,
        })
    }
}

/// One metric's row: its name, the target ratio if it has one, and how to read it.
pub struct Metric {
    pub name: &'static str,
    pub unit: &'static str,
    pub value: fn(&Summary) -> f64,
    /// Rust/Python must be at most this.
    pub target: Option<(f64, &'static str)>,
}

pub const METRICS: [Metric; 5] = [
    Metric {
        name: "init",
        unit: "ms",
        value: |s| s.init_ms,
        target: Some((0.25, "≤ ¼")),
    },
    Metric {
        name: "first invoke",
        unit: "ms",
        value: |s| s.first_invoke_ms,
        target: None,
    },
    Metric {
        name: "warm p50",
        unit: "ms",
        value: |s| s.warm_p50_ms,
        target: None,
    },
    Metric {
        name: "warm p99",
        unit: "ms",
        value: |s| s.warm_p99_ms,
        target: Some((0.5, "≤ ½")),
    },
    Metric {
        name: "peak RSS",
        unit: "MiB",
        value: |s| s.peak_rss_mib,
        target: Some((1.0 / 3.0, "≤ ⅓")),
    },
];

/// A number for a table: 3 significant figures or so.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        "–".into()
    } else if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// Table rows for one function: metric, Rust, Python, ratio, target, met.
pub fn rows(function: &str, rust: &Summary, python: &Summary, misses: &mut Vec<String>) -> String {
    let mut out = String::new();
    for m in &METRICS {
        let (r, p) = ((m.value)(rust), (m.value)(python));
        let ratio = r / p;
        let (target, met) = match m.target {
            Some((limit, text)) if ratio <= limit => (text.to_string(), "yes".to_string()),
            Some((_, text)) => {
                misses.push(format!("{function} {}", m.name));
                (text.to_string(), "**no**".to_string())
            }
            None => ("–".into(), "–".into()),
        };
        out.push_str(&format!(
            "| {function} | {} ({}) | {} | {} | {:.2} | {target} | {met} |\n",
            m.name,
            m.unit,
            num(r),
            num(p),
            ratio
        ));
    }
    out
}

/// One function's row of the warm-up table: the shipped bootstrap against the same bootstrap
/// with `WARM_UP_AT_INIT=false`, times and CPU times in ms.
pub fn warm_up_row(function: &str, with: &Summary, without: &Summary) -> String {
    format!(
        "| {function} | {} / {} | {} / {} | {} / {} | {} / {} | {} / {} |\n",
        num(with.init_ms),
        num(without.init_ms),
        num(with.init_cpu_ms),
        num(without.init_cpu_ms),
        num(with.first_invoke_ms),
        num(without.first_invoke_ms),
        num(with.first_invoke_cpu_ms),
        num(without.first_invoke_cpu_ms),
        num(with.init_ms + with.first_invoke_ms),
        num(without.init_ms + without.first_invoke_ms),
    )
}
