//! [`Trial`]: a Maelstrom test of one handler on the explorer's cluster, as a workload
//! crate's tests write it: a registered suite, varied by a few more options (spelled as
//! `maelstrom test`'s), run for a seed and judged by the simulator's checkers and
//! by the figures the suite's targets bound. This is the one cluster the workload tests
//! use: the simulator's network, services, client generators and checkers around our real
//! handlers, on the virtual clock, so a seed's figures are the same on every machine.

use std::fmt::Write as _;

use anyhow::{anyhow, bail};
use serde_json::Value;

use super::{run_seed, Folder, SeedRun, Validity};
use crate::ctx::Ctx;
use crate::handler::Handler;
use crate::suite::{Metric, Suite, Target};

/// A test to run: the handler, the Maelstrom options, and the targets its figures must meet
/// besides a valid verdict.
#[derive(Debug, Clone)]
pub struct Trial {
    start: fn(&Ctx) -> Box<dyn Handler>,
    options: Vec<String>,
    targets: Vec<Target>,
}

impl Trial {
    /// The suite `id` among `suites` (a workload's registered ones), with its options and
    /// its targets.
    pub fn suite(
        start: fn(&Ctx) -> Box<dyn Handler>,
        suites: &[Suite],
        id: &str,
    ) -> anyhow::Result<Trial> {
        let suite = suites.iter().find(|s| s.id == id).ok_or_else(|| {
            let known: Vec<&str> = suites.iter().map(|s| s.id).collect();
            anyhow!("no suite {id} among {}", known.join(", "))
        })?;
        Ok(Trial {
            start,
            options: super::suite_options(suite.id, suite),
            targets: suite.targets.to_vec(),
        })
    }

    /// The same test with `options` added. The simulator reads an option's last value, so
    /// this also changes a suite's options (a shorter `--time-limit`, a `--nemesis`).
    pub fn with(mut self, options: &str) -> Trial {
        self.options
            .extend(options.split_whitespace().map(str::to_string));
        self
    }

    /// The same test with `target` in place of the targets on the same figure: a suite's
    /// bound may assume its own time limit, which [`Trial::with`] shortened.
    pub fn target(mut self, target: Target) -> Trial {
        self.targets.retain(|t| t.metric != target.metric);
        self.targets.push(target);
        self
    }

    /// Runs the test with `seed` and returns the run if it is valid and meets every target;
    /// otherwise an error that names the options and the seed (to replay it), what the
    /// checkers found and the targets missed.
    pub fn check(&self, seed: u64) -> anyhow::Result<SeedRun> {
        let run = run_seed(self.start, &self.options, seed, &Folder::none())?;
        // Shown by libtest for a failing test (or with `--nocapture`): what ran, and its cost.
        eprintln!(
            "seed {seed} of `{}`: {:?}, {} ops, {:?} server msgs/op, {:.1} virtual s in {:.1} s",
            self.options.join(" "),
            run.validity,
            run.results["stats"]["count"],
            figure(&run.results, Metric::ServersMsgsPerOp),
            run.virtual_seconds,
            run.wall_seconds,
        );
        let missed = missed(&self.targets, &run.results);
        if run.validity == Validity::Valid && missed.is_empty() {
            return Ok(run);
        }
        let mut why = format!(
            "seed {seed} of `{}`: {:?}",
            self.options.join(" "),
            run.validity
        );
        for target in &missed {
            let _ = write!(why, "; missed {target}");
        }
        let workload = run.results["workload"].to_string();
        let _ = write!(
            why,
            "; workload checker: {}",
            workload.chars().take(1500).collect::<String>()
        );
        bail!(why)
    }
}

/// The figure of a results tree (shaped as Maelstrom's `results.edn`) that `metric` names.
pub fn figure(results: &Value, metric: Metric) -> Option<f64> {
    let latency = |quantiles: &[&str]| {
        let stable = &results["workload"]["stable-latencies"];
        quantiles.iter().find_map(|q| stable[*q].as_f64())
    };
    match metric {
        Metric::ServersMsgsPerOp => results["net"]["servers"]["msgs-per-op"].as_f64(),
        Metric::LatencyP50Ms => latency(&["0.5"]),
        Metric::LatencyMaxMs => latency(&["1", "1.0"]),
        Metric::Availability => results["availability"]["ok-fraction"].as_f64(),
    }
}

/// Node-to-node messages the network did not deliver (sent less received): what shows
/// that a partitioned run's partitions really cut traffic.
pub fn undelivered_server_messages(results: &Value) -> u64 {
    let servers = &results["net"]["servers"];
    let count = |key: &str| servers[key].as_u64().unwrap_or(0);
    count("send-count").saturating_sub(count("recv-count"))
}

/// The targets that `results` misses (a missing figure misses), each with its figure.
fn missed(targets: &[Target], results: &Value) -> Vec<String> {
    targets
        .iter()
        .filter_map(|target| {
            let figure = figure(results, target.metric);
            let met = figure.is_some_and(|f| target.bound.is_met_by(f));
            (!met).then(|| {
                format!(
                    "{} ({:?} {:?}: {figure:?})",
                    target.name, target.metric, target.bound
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::suite::Bound;

    const TARGETS: &[Target] = &[
        Target {
            name: "msgs/op",
            metric: Metric::ServersMsgsPerOp,
            bound: Bound::AtMost(5.0),
        },
        Target {
            name: "max ms",
            metric: Metric::LatencyMaxMs,
            bound: Bound::Below(600.0),
        },
    ];

    #[test]
    fn figures_are_read_where_maelstrom_puts_them() {
        let results = json!({
            "net": {"servers": {"msgs-per-op": 2.5}},
            "workload": {"stable-latencies": {"0.5": 120, "1": 700}},
            "availability": {"ok-fraction": 0.98},
        });
        assert_eq!(figure(&results, Metric::ServersMsgsPerOp), Some(2.5));
        assert_eq!(figure(&results, Metric::LatencyP50Ms), Some(120.0));
        assert_eq!(figure(&results, Metric::LatencyMaxMs), Some(700.0));
        assert_eq!(figure(&results, Metric::Availability), Some(0.98));
        let partitioned = json!({"net": {"servers": {"send-count": 10, "recv-count": 7}}});
        assert_eq!(undelivered_server_messages(&partitioned), 3);
        let missed = missed(TARGETS, &results);
        assert_eq!(missed.len(), 1, "{missed:?}");
        assert!(missed[0].starts_with("max ms"), "{missed:?}");
    }

    #[test]
    fn a_missing_figure_misses_its_target() {
        assert_eq!(missed(TARGETS, &json!({})).len(), 2);
    }

    #[test]
    fn an_unknown_suite_is_refused_with_the_known_ones() {
        let suites = [Suite {
            id: "3d",
            title: "t",
            workload: "broadcast",
            args: &[],
            targets: &[],
        }];
        let start: fn(&Ctx) -> Box<dyn Handler> = |_| unreachable!("never started");
        let error = Trial::suite(start, &suites, "3x").unwrap_err();
        assert_eq!(error.to_string(), "no suite 3x among 3d");
    }
}
