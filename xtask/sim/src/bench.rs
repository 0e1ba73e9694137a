//! The harness's own overhead, for `cargo xtask bench sim`: run a broadcast test (25 nodes,
//! 100 ms latency by default, the shape of challenge 3d) with a given node binary and report
//! how late server messages were delivered and how much CPU the harness used while the
//! nodes exchanged them. Numbers only; nothing here asserts on speed.

use crate::metrics::DelaySummary;
use crate::runner::Tuning;
use crate::{run_with, RunReport, RunRequest};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// What to run.
#[derive(Debug, Clone)]
pub struct BenchRequest {
    /// A broadcast node binary (any language) and its arguments.
    pub bin: PathBuf,
    pub node_args: Vec<String>,
    pub node_count: usize,
    pub latency_ms: u64,
    pub rate: f64,
    pub time_limit_s: u64,
    pub store_root: PathBuf,
    pub seed: Option<u64>,
}

impl BenchRequest {
    /// Challenge 3d's shape with `bin`.
    pub fn challenge_3d(bin: PathBuf, store_root: PathBuf) -> BenchRequest {
        BenchRequest {
            bin,
            node_args: Vec::new(),
            node_count: 25,
            latency_ms: 100,
            rate: 100.0,
            time_limit_s: 20,
            store_root,
            seed: None,
        }
    }
}

/// What the harness measured about itself.
#[derive(Debug, Clone)]
pub struct BenchReport {
    /// Server messages accepted per second of main phase.
    pub server_msgs_per_sec: f64,
    /// How much later than its latency each server message reached its node's stdin.
    pub lateness: DelaySummary,
    /// Harness CPU time during the main phase.
    pub harness_cpu: Duration,
    /// That CPU time as a fraction of one core over the main phase.
    pub cpu_fraction: f64,
    pub run: RunReport,
}

/// Runs the benchmark test and extracts the harness figures from its results.
pub fn bench_overhead(request: &BenchRequest) -> anyhow::Result<BenchReport> {
    let mut args: Vec<String> = ["-w", "broadcast", "--bin"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push(request.bin.display().to_string());
    for (flag, value) in [
        ("--node-count", request.node_count.to_string()),
        ("--latency", request.latency_ms.to_string()),
        ("--rate", request.rate.to_string()),
        ("--time-limit", request.time_limit_s.to_string()),
    ] {
        args.push(flag.into());
        args.push(value);
    }
    args.push("--".into());
    args.extend(request.node_args.iter().cloned());
    let run_request = RunRequest {
        args,
        seed: request.seed,
        store_root: request.store_root.clone(),
        name: "bench-sim".into(),
        progress: false,
    };
    let report = run_with(&run_request, &Tuning::default())?;
    let sim = &report.results["sim"];
    let number = |path: &[&str]| {
        path.iter()
            .try_fold(sim, |v, k| v.get(*k))
            .and_then(Value::as_f64)
            .unwrap_or(0.0)
    };
    let lateness = DelaySummary {
        count: number(&["server-delivery-lateness", "count"]) as usize,
        p50_ms: number(&["server-delivery-lateness", "p50-ms"]),
        p99_ms: number(&["server-delivery-lateness", "p99-ms"]),
        max_ms: number(&["server-delivery-lateness", "max-ms"]),
    };
    Ok(BenchReport {
        server_msgs_per_sec: number(&["main-phase-server-msgs-per-second"]),
        lateness,
        harness_cpu: Duration::from_secs_f64(number(&["harness-cpu-seconds", "main-phase"])),
        cpu_fraction: number(&["harness-cpu-fraction-of-one-core"]),
        run: report,
    })
}
