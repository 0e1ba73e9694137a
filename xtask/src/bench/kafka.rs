//! The kafka bench: challenges 5b (`kafka`, lin-kv) and 5c (`kafka-lean`) run a few times each
//! on the built-in simulator, seeds 1..=K so a rerun measures the same schedules, through the
//! same backend and outcome code as `cargo xtask test`. It prints each run (verdict, servers
//! msgs-per-op, availability, and the latency quantiles of `ok` sends and polls, which it reads
//! from the run's `history.jsonl`), then per suite the spread of each figure over the runs.
//!
//! Kafka has no stable-latency figure of its own in Maelstrom's results, so the latencies here
//! are plain request latencies: from an operation's invocation to its `ok` completion (a poll
//! includes its `commit_offsets`). They are wall-clock figures of real processes on a shared
//! machine, which is why the bench reports their spread.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use checkers::history::Op;
use checkers::op_latency::ok_latencies;
use checkers::quantiles::quantile;

use super::suite_runs::{
    exit_code, figure, met_every_target, run_suites, spread, suites_in_order, targets_text,
    verdict, Seeds,
};
use crate::outcome::Outcome;
use crate::project::Project;

/// The suites the bench runs.
const SUITES: [&str; 2] = ["5b", "5c"];

/// The operations whose latencies are reported.
const TIMED: [&str; 2] = ["send", "poll"];

/// Latency quantiles of one kind of operation, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantiles {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
}

/// One run's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub outcome: Outcome,
    /// Per timed operation (`send`, `poll`), its `ok` latencies' quantiles.
    pub latency: BTreeMap<String, Quantiles>,
}

/// Runs each suite `runs` times and prints the figures; fails only if a run was not valid.
pub fn bench(project: &Project, runs: u32) -> Result<ExitCode> {
    let all = run_suites(project, &SUITES, runs, Seeds::Numbered, |_, outcome| {
        let history = sim::recorder::read_history(&outcome.store.join("history.jsonl"))?;
        let run = Run {
            latency: latencies(&history),
            outcome,
        };
        println!("{}", run_line(&run));
        Ok(run)
    })?;
    print!("{}", render(&all));
    Ok(exit_code(all.iter().map(|r| &r.outcome)))
}

/// The quantiles of the `ok` latencies of each timed operation in `history` (paired by
/// `checkers::op_latency`, indexed as Jepsen does by `checkers::quantiles`).
pub fn latencies(history: &[Op]) -> BTreeMap<String, Quantiles> {
    ok_latencies(history)
        .into_iter()
        .filter(|(f, _)| TIMED.contains(&f.as_str()))
        .filter_map(|(f, values)| quantiles(values).map(|q| (f, q)))
        .collect()
}

/// p50, p99 and max in milliseconds of latencies in nanoseconds.
fn quantiles(mut nanos: Vec<u64>) -> Option<Quantiles> {
    nanos.sort_unstable();
    let at = |p: f64| Some(quantile(&nanos, p)? as f64 / 1e6);
    Some(Quantiles {
        p50: at(0.5)?,
        p99: at(0.99)?,
        max: at(1.0)?,
    })
}

/// One run: `5c seed 1: valid, 0.56 msgs/op, availability 0.99954, send p50/p99/max
/// 0.29/2.04/12.05 ms, poll ..., targets met`.
fn run_line(run: &Run) -> String {
    let o = &run.outcome;
    let targets = targets_text(o);
    let mut line = format!(
        "{} seed {}: {}, {} msgs/op, availability {}",
        o.suite,
        o.seed.map_or("-".to_string(), |s| s.to_string()),
        verdict(o.valid),
        figure(o.msgs_per_op, 2),
        figure(o.availability, 5),
    );
    for f in TIMED {
        match run.latency.get(f) {
            Some(q) => {
                let _ = write!(
                    line,
                    ", {f} p50/p99/max {:.2}/{:.2}/{:.2} ms",
                    q.p50, q.p99, q.max
                );
            }
            None => {
                let _ = write!(line, ", {f} -");
            }
        }
    }
    let _ = write!(line, ", {targets}");
    line
}

/// Per suite, in order of first appearance: the spread (min / median / max) of each figure,
/// and the runs that met every target.
fn render(runs: &[Run]) -> String {
    let mut text = String::new();
    for suite in suites_in_order(runs.iter().map(|r| &r.outcome)) {
        let mine: Vec<&Run> = runs.iter().filter(|r| r.outcome.suite == suite).collect();
        let met = mine.iter().filter(|r| met_every_target(&r.outcome)).count();
        let column = |pick: &dyn Fn(&Run) -> Option<f64>| -> Vec<f64> {
            mine.iter().filter_map(|r| pick(r)).collect()
        };
        let _ = write!(
            text,
            "{suite} over {} run(s) (min / median / max): msgs/op {}; availability {}",
            mine.len(),
            spread(column(&|r| r.outcome.msgs_per_op), 2),
            spread(column(&|r| r.outcome.availability), 5),
        );
        for f in TIMED {
            let _ = write!(
                text,
                "; {f} p50 ms {}, p99 ms {}, max ms {}",
                spread(column(&|r| r.latency.get(f).map(|q| q.p50)), 2),
                spread(column(&|r| r.latency.get(f).map(|q| q.p99)), 2),
                spread(column(&|r| r.latency.get(f).map(|q| q.max)), 1),
            );
        }
        let _ = writeln!(text, "; every target met in {met} of {} run(s)", mine.len());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::TargetOutcome;
    use checkers::history::{OpType, Process};
    use checkers::validity::Validity;
    use serde_json::json;

    fn op(process: u64, kind: OpType, f: &str, time_ms: u64) -> Op {
        Op {
            index: 0,
            time: time_ms * 1_000_000,
            process: Process::Client(process),
            kind,
            f: f.to_string(),
            value: json!(null),
            error: None,
            is_final: false,
        }
    }

    #[test]
    fn latencies_pair_invocations_with_ok_completions_per_process() {
        let history = [
            op(0, OpType::Invoke, "send", 0),
            op(1, OpType::Invoke, "poll", 1),
            op(1, OpType::Ok, "poll", 4),
            op(0, OpType::Ok, "send", 10),
            op(1, OpType::Invoke, "send", 10),
            // A failed or crashed op is not a latency sample.
            op(1, OpType::Info, "send", 15),
            op(2, OpType::Invoke, "crash", 20),
            op(2, OpType::Info, "crash", 20),
            op(0, OpType::Invoke, "send", 20),
            op(0, OpType::Ok, "send", 22),
        ];
        let q = latencies(&history);
        assert_eq!(q.keys().collect::<Vec<_>>(), ["poll", "send"]);
        assert_eq!(
            q["poll"],
            Quantiles {
                p50: 3.0,
                p99: 3.0,
                max: 3.0
            }
        );
        assert_eq!(
            q["send"],
            Quantiles {
                p50: 10.0,
                p99: 10.0,
                max: 10.0
            }
        );
    }

    #[test]
    fn quantiles_index_like_jepsen() {
        let q = quantiles((1..=100).map(|ms| ms * 1_000_000).collect()).unwrap();
        assert_eq!((q.p50, q.p99, q.max), (51.0, 100.0, 100.0));
        assert_eq!(quantiles(Vec::new()), None);
    }

    fn run(suite: &str, msgs: f64, send_p50: f64, met: bool) -> Run {
        let outcome = Outcome {
            suite: suite.to_string(),
            title: String::new(),
            workload: "kafka".to_string(),
            node: "kafka-lean".to_string(),
            backend: "sim".to_string(),
            valid: Validity::Valid,
            ops: Some(19_000),
            availability: Some(0.9995),
            msgs_per_op: Some(msgs),
            latency_ms: None,
            ok_latency_ms: None,
            targets: vec![TargetOutcome {
                name: "ours msgs/op".to_string(),
                bound: "msgs/op<=2".to_string(),
                figure: Some(msgs),
                met,
            }],
            anomalies: Vec::new(),
            store: "store/5c/x".into(),
            seed: Some(1),
            replay: String::new(),
        };
        let q = |p50| Quantiles {
            p50,
            p99: 2.0,
            max: 10.0,
        };
        Run {
            outcome,
            latency: BTreeMap::from([
                ("send".to_string(), q(send_p50)),
                ("poll".to_string(), q(0.2)),
            ]),
        }
    }

    #[test]
    fn a_run_line_shows_every_figure() {
        assert_eq!(
            run_line(&run("5c", 0.56, 0.3, true)),
            "5c seed 1: valid, 0.56 msgs/op, availability 0.99950, \
             send p50/p99/max 0.30/2.00/10.00 ms, poll p50/p99/max 0.20/2.00/10.00 ms, targets met"
        );
    }

    #[test]
    fn the_summary_gives_each_suites_spread() {
        let runs = [
            run("5c", 0.56, 0.3, true),
            run("5c", 0.6, 0.5, false),
            run("5b", 5.0, 1.0, true),
        ];
        assert_eq!(
            render(&runs),
            "5c over 2 run(s) (min / median / max): msgs/op 0.56 / 0.60 / 0.60; \
             availability 0.99950 / 0.99950 / 0.99950; \
             send p50 ms 0.30 / 0.50 / 0.50, p99 ms 2.00 / 2.00 / 2.00, max ms 10.0 / 10.0 / 10.0; \
             poll p50 ms 0.20 / 0.20 / 0.20, p99 ms 2.00 / 2.00 / 2.00, max ms 10.0 / 10.0 / 10.0; \
             every target met in 1 of 2 run(s)\n\
             5b over 1 run(s) (min / median / max): msgs/op 5.00 / 5.00 / 5.00; \
             availability 0.99950 / 0.99950 / 0.99950; \
             send p50 ms 1.00 / 1.00 / 1.00, p99 ms 2.00 / 2.00 / 2.00, max ms 10.0 / 10.0 / 10.0; \
             poll p50 ms 0.20 / 0.20 / 0.20, p99 ms 2.00 / 2.00 / 2.00, max ms 10.0 / 10.0 / 10.0; \
             every target met in 1 of 1 run(s)\n"
        );
    }
}
