//! `cargo xtask bench <what>`: measurements that print numbers against their targets. Tests never
//! assert on speed; a bench only checks that every answer came back right, and reports.
//!
//! One module per bench ([`echo`], [`linearizability`], [`txn`], ...); a new bench adds a
//! module and a [`What`] variant. What the simulator benches share (running suites,
//! formatting their spread) lives in [`suite_runs`]; what the checker benches share (a
//! measurement in a child process) in [`checker_runs`].

mod broadcast;
mod checker_runs;
mod echo;
mod explore;
mod jobs;
mod kafka;
mod lin_kv;
mod linearizability;
mod memory;
mod sim;
mod suite_runs;
mod txn;

use std::fs;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use crate::build;
use crate::project::Project;

/// Measure something and print the figures against their targets.
#[derive(Debug, Args)]
pub struct Bench {
    /// What to measure.
    #[arg(value_enum)]
    what: What,
    /// How many times to repeat the measurement (default: echo 1, broadcast 5, kafka 3, lin-kv 1).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    runs: Option<u32>,
    /// Requests per run (echo).
    #[arg(long, default_value_t = 200_000)]
    requests: u64,
    /// Use the glomers binary already built instead of running cargo build.
    #[arg(long)]
    no_build: bool,
    /// The parallel sides compared with `--jobs 1` (jobs), e.g. `--jobs 4,6`; default: the
    /// default of `cargo xtask test`.
    #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(u32).range(1..))]
    jobs: Vec<u32>,
    /// The suites run (jobs: default 3b 3c 3d 3e 5b 5c; explore: see its default).
    #[arg(long, value_delimiter = ',')]
    suites: Vec<String>,
    /// The seed of every run (jobs), so both sides run the same operations.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How long the 3d run of the memory bench lasts, in seconds.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..))]
    seconds: u64,
    /// Internal: run one measurement of `linearizability`, `txn` or `memory` in this process
    /// and print its figures (see `checker_runs`).
    #[arg(long, hide = true)]
    case: Option<String>,
}

/// The benches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum What {
    /// The echo node's message rate and peak memory (target: ≥ 400,000 msg/s, < 30 MB).
    Echo,
    /// Challenges 3d and 3e on the simulator, each run with a fresh seed: msgs/op and stable
    /// latency spread, and the runs that met every target.
    Broadcast,
    /// Challenges 5b and 5c on the simulator, seeds 1..=runs: msgs/op, availability, and
    /// send and poll latency quantiles.
    Kafka,
    /// The simulator's own overhead at 3d load: delivery lateness and harness CPU.
    Sim,
    /// Suites one at a time against several at once (`cargo xtask test --jobs N`): wall
    /// time (target: `--jobs 4` 2.5 times quicker), verdicts, msgs/op, delivery lateness.
    Jobs,
    /// The explorer beside the process simulator, seeds 1..=runs (default 2) of each suite
    /// (`--suites`, default one of each kind of node): msgs/op and latency quantiles (target:
    /// within 15 %), then seeds per minute for 3c, 3d, 5c and lin-kv.
    Explore,
    /// Raft lin-kv beside the lin-kv service proxy at 3 and 5 nodes, with and without
    /// partitions, seeds 1..=runs; then the highest rate that stays valid.
    LinKv,
    /// The lin-kv checker on generated histories: a 60 s Maelstrom run (target: valid in < 1 s
    /// on one core) and a key too hard to search (target: unknown within its budget).
    Linearizability,
    /// The simulator's peak memory under a 10 s flood of small and of 100 kB messages, and
    /// over a 3d run of 120 s (`--seconds`), before and with the checks.
    Memory,
    /// Elle's list-append and rw-register checkers on generated 60 s, rate-1000 histories:
    /// time and peak memory (target: under 2 s each).
    Txn,
}

impl Bench {
    pub fn run(self) -> Result<ExitCode> {
        // The checker bench runs no node, so it builds nothing.
        match (self.what, self.case.as_deref()) {
            (What::Linearizability, None) => return linearizability::bench(),
            (What::Linearizability, Some(case)) => {
                return linearizability::measure(
                    ValueEnum::from_str(case, false).map_err(anyhow::Error::msg)?,
                )
            }
            (What::Txn, None) => return txn::bench(),
            (What::Txn, Some(case)) => {
                return txn::measure(ValueEnum::from_str(case, false).map_err(anyhow::Error::msg)?)
            }
            (What::Memory, Some(case)) => {
                return memory::measure(
                    ValueEnum::from_str(case, false).map_err(anyhow::Error::msg)?,
                    self.seconds,
                )
            }
            (_, Some(_)) => {
                anyhow::bail!("--case is for the linearizability, txn and memory benches")
            }
            (_, None) => {}
        }
        let project = Project::locate()?;
        build::catalog(&project, self.no_build)?;
        match self.what {
            What::Echo => self.echo(&project),
            What::Broadcast => broadcast::bench(&project, self.runs.unwrap_or(5)),
            What::Kafka => kafka::bench(&project, self.runs.unwrap_or(3)),
            What::Sim => sim::bench(&project, self.runs.unwrap_or(1)).map(|()| ExitCode::SUCCESS),
            What::Jobs => self.jobs(&project),
            What::LinKv => lin_kv::bench(&project, self.runs.unwrap_or(1)),
            What::Explore => explore::bench(&project, &self.suites, self.runs.unwrap_or(2)),
            What::Memory => memory::bench(self.seconds),
            What::Linearizability | What::Txn => unreachable!("handled before the build"),
        }
    }

    fn jobs(&self, project: &Project) -> Result<ExitCode> {
        let suites: Vec<String> = if self.suites.is_empty() {
            jobs::DEFAULT_SUITES.iter().map(|s| s.to_string()).collect()
        } else {
            self.suites.clone()
        };
        let parallel: Vec<usize> = if self.jobs.is_empty() {
            vec![crate::jobs::DEFAULT_JOBS]
        } else {
            self.jobs.iter().map(|&n| n as usize).collect()
        };
        jobs::bench(project, &suites, &parallel, self.seed)
    }

    fn echo(&self, project: &Project) -> Result<ExitCode> {
        let node = project.node("echo");
        let folder = project.store_dir().join("bench");
        fs::create_dir_all(&folder)
            .with_context(|| format!("could not create {}", folder.display()))?;
        let stderr_log = folder.join("echo-stderr.log");
        let mut runs = Vec::new();
        let count = self.runs.unwrap_or(1);
        for run in 1..=count {
            let figures = echo::run(&node, self.requests, &stderr_log)
                .with_context(|| format!("echo bench run {run} of {count}"))?;
            println!(
                "run {run}: {} requests in {:.3} s = {:.0} msg/s, peak RSS {:.1} MB",
                figures.requests,
                figures.seconds,
                figures.rate(),
                figures.peak_rss_mb()
            );
            runs.push(figures);
        }
        print!("{}", echo_verdict(&runs));
        Ok(ExitCode::SUCCESS)
    }
}

/// The median rate and the largest peak memory over the runs, against the targets.
fn echo_verdict(runs: &[echo::Figures]) -> String {
    let mut rates: Vec<f64> = runs.iter().map(echo::Figures::rate).collect();
    rates.sort_by(f64::total_cmp);
    // The lower middle for an even count: a median that flatters nobody.
    let rate = rates[(rates.len() - 1) / 2];
    let rss = runs
        .iter()
        .map(echo::Figures::peak_rss_mb)
        .fold(0.0, f64::max);
    let mark = |ok: bool| if ok { "✓" } else { "✗ (missed)" };
    format!(
        "echo over {} run(s): median {rate:.0} msg/s (target ≥ 400000 {}), peak RSS {rss:.1} MB (target < 30 {})\n",
        runs.len(),
        mark(rate >= 400_000.0),
        mark(rss < 30.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_takes_the_median_rate_and_the_worst_memory() {
        let run = |seconds, peak_rss_kib| echo::Figures {
            requests: 200_000,
            seconds,
            peak_rss_kib,
        };
        assert_eq!(
            echo_verdict(&[run(1.0, 1000), run(0.25, 40_000), run(0.4, 2000)]),
            "echo over 3 run(s): median 500000 msg/s (target ≥ 400000 ✓), \
             peak RSS 41.0 MB (target < 30 ✗ (missed))\n"
        );
    }
}
