//! The broadcast bench: challenges 3d and 3e run K times each on the built-in simulator, every
//! run with a fresh seed, through the same backend and outcome code as `cargo xtask test`. It
//! prints each run, then per suite the spread (min / median / max) of servers msgs-per-op,
//! median stable latency and maximum stable latency, and how many runs met every target.
//!
//! Latencies are wall-clock figures of real node processes: on a machine busy with other work
//! they grow, which is why the bench shows their spread instead of one run's luck.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;

use super::suite_runs::{
    exit_code, figure, met_every_target, run_suites, spread, suites_in_order, targets_text,
    verdict, Seeds,
};
use crate::outcome::Outcome;
use crate::project::Project;

/// The suites the bench runs.
const SUITES: [&str; 2] = ["3d", "3e"];

/// Runs each suite `runs` times and prints the figures; fails only if a run was not valid.
pub fn bench(project: &Project, runs: u32) -> Result<ExitCode> {
    let outcomes = run_suites(project, &SUITES, runs, Seeds::Fresh, |run, outcome| {
        println!("{}", run_line(run, &outcome));
        Ok(outcome)
    })?;
    print!("{}", render(&outcomes));
    Ok(exit_code(outcomes.iter()))
}

/// One run: `3d run 2 (seed 7): valid, 2.42 msgs/op, p50 266 ms, max 433 ms, targets met`.
fn run_line(run: u32, o: &Outcome) -> String {
    let targets = targets_text(o);
    format!(
        "{} run {run} (seed {}): {}, {} msgs/op, p50 {} ms, max {} ms, {targets}",
        o.suite,
        o.seed.map_or("-".to_string(), |s| s.to_string()),
        verdict(o.valid),
        figure(o.msgs_per_op, 2),
        figure(o.latency_ms.and_then(|l| l.p50), 0),
        figure(o.latency_ms.and_then(|l| l.max), 0),
    )
}

/// Per suite, in order of first appearance: the spread of each figure and the runs that met
/// every target (valid, and every target's bound).
fn render(outcomes: &[Outcome]) -> String {
    let mut text = String::new();
    for suite in suites_in_order(outcomes.iter()) {
        let runs: Vec<&Outcome> = outcomes.iter().filter(|o| o.suite == suite).collect();
        let met = runs.iter().filter(|o| met_every_target(o)).count();
        let column = |pick: fn(&Outcome) -> Option<f64>| -> Vec<f64> {
            runs.iter().filter_map(|o| pick(o)).collect()
        };
        let _ = writeln!(
            text,
            "{suite} over {} run(s) (min / median / max): msgs/op {}; p50 ms {}; max ms {}; \
             every target met in {met} of {} run(s)",
            runs.len(),
            spread(column(|o| o.msgs_per_op), 2),
            spread(column(|o| o.latency_ms.and_then(|l| l.p50)), 0),
            spread(column(|o| o.latency_ms.and_then(|l| l.max)), 0),
            runs.len(),
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Latency, TargetOutcome};
    use checkers::validity::Validity;

    fn outcome(suite: &str, valid: Validity, msgs: f64, p50: f64, max: f64, met: bool) -> Outcome {
        Outcome {
            suite: suite.to_string(),
            title: String::new(),
            workload: "broadcast".to_string(),
            node: "broadcast".to_string(),
            backend: "sim".to_string(),
            valid,
            ops: Some(2000),
            availability: Some(1.0),
            msgs_per_op: Some(msgs),
            latency_ms: Some(Latency {
                p50: Some(p50),
                p99: None,
                max: Some(max),
            }),
            ok_latency_ms: None,
            targets: vec![TargetOutcome {
                name: "ours msgs/op".to_string(),
                bound: "msgs/op<=5".to_string(),
                figure: Some(msgs),
                met,
            }],
            anomalies: Vec::new(),
            store: "store/3d/x".into(),
            seed: Some(7),
            replay: String::new(),
        }
    }

    #[test]
    fn the_summary_gives_each_suites_spread_and_the_runs_that_met_every_target() {
        let outcomes = [
            outcome("3d", Validity::Valid, 2.5, 270.0, 430.0, true),
            outcome("3d", Validity::Valid, 2.4, 300.0, 610.0, false),
            outcome("3d", Validity::Invalid, 2.6, 260.0, 420.0, true),
            outcome("3e", Validity::Valid, 0.87, 657.0, 1347.0, true),
        ];
        assert_eq!(
            render(&outcomes),
            "3d over 3 run(s) (min / median / max): msgs/op 2.40 / 2.50 / 2.60; \
             p50 ms 260 / 270 / 300; max ms 420 / 430 / 610; every target met in 1 of 3 run(s)\n\
             3e over 1 run(s) (min / median / max): msgs/op 0.87 / 0.87 / 0.87; \
             p50 ms 657 / 657 / 657; max ms 1347 / 1347 / 1347; every target met in 1 of 1 run(s)\n"
        );
    }

    #[test]
    fn a_run_line_names_the_missed_targets() {
        assert_eq!(
            run_line(2, &outcome("3d", Validity::Valid, 2.4, 300.0, 610.0, false)),
            "3d run 2 (seed 7): valid, 2.40 msgs/op, p50 300 ms, max 610 ms, missed: ours msgs/op"
        );
        assert_eq!(spread(Vec::new(), 2), "-");
        assert_eq!(spread(vec![4.0, 1.0], 0), "1 / 4 / 4");
    }
}
