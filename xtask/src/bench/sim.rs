//! `cargo xtask bench sim`: the simulator's own overhead at challenge 3d's load (25 nodes,
//! `--latency 100`, rate 100), so the latencies it reports can be trusted. The nodes are the
//! simulator's naive Python broadcast fixture, which floods every neighbour and so makes the
//! harness carry thousands of server messages a second. Reports how late server messages
//! reached their node past the configured latency, and the harness's CPU share; targets:
//! lateness p99 within 5 ms, CPU under a quarter of one core.

use anyhow::{Context, Result};
use sim::bench::{bench_overhead, BenchRequest};

use crate::project::Project;

/// Runs the overhead test `runs` times and prints its figures.
pub fn bench(project: &Project, runs: u32) -> Result<()> {
    let fixture = project
        .root
        .join("xtask/sim/tests/fixtures/broadcast_neighbours.py");
    let python = which_python().context("the sim bench runs a Python node: install python3")?;
    for run in 1..=runs {
        let mut request = BenchRequest::challenge_3d(python.clone(), project.store_dir());
        request.node_args = vec![fixture.display().to_string()];
        let report =
            bench_overhead(&request).with_context(|| format!("sim bench run {run} of {runs}"))?;
        let lateness = &report.lateness;
        let mark = |ok: bool| if ok { "✓" } else { "✗ (missed)" };
        println!(
            "run {run}: {:.0} server msgs/s; delivery lateness p50 {:.2} ms, p99 {:.2} ms {}, max {:.2} ms \
             ({} messages); harness CPU {:.1}% of one core {}; verdict {:?}; seed {}",
            report.server_msgs_per_sec,
            lateness.p50_ms,
            lateness.p99_ms,
            mark(lateness.p99_ms <= 5.0),
            lateness.max_ms,
            lateness.count,
            report.cpu_fraction * 100.0,
            mark(report.cpu_fraction < 0.25),
            report.run.validity,
            report.run.seed,
        );
    }
    Ok(())
}

pub(super) fn which_python() -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| std::path::Path::new(dir).join("python3"))
        .find(|candidate| candidate.is_file())
}
