//! The linearizability bench: the lin-kv checker on two generated histories
//! (`checkers::linearizable::synthetic`), each judged in a child process of the xtask itself so
//! that its peak memory is its own:
//! - (a) what a 60 s, rate-1000, 5-node, concurrency-10 Maelstrom lin-kv run records (60,000
//!   operations over the keys the generator moves through, some indeterminate), judged on one
//!   thread and then on the default thread count; target: valid in under 1 s on one core;
//! - (b) one key with 40 concurrent indeterminate writes and CASes under 2,000 sequential
//!   operations, which no search can settle cheaply; target: `unknown` within the default
//!   budget, with its cause.
//!
//! How the child measures and reports is [`super::checker_runs`].

use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use checkers::history::{History, OpType};
use checkers::linearizable::{self, synthetic, Budget};
use checkers::validity::Validity;
use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use super::checker_runs::{self, mark, mb, Cost};

/// One measurement, run in a child process (`bench linearizability --case ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Case {
    /// (a) on one thread.
    Run,
    /// (a) on the default thread count.
    RunParallel,
    /// (b) with the default budget.
    Hard,
}

/// What a child measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Figures {
    pub ops: usize,
    pub keys: usize,
    pub threads: usize,
    pub valid: Validity,
    /// The first key's `cause`, for an unknown verdict.
    pub cause: Option<String>,
    #[serde(flatten)]
    pub cost: Cost,
}

/// Runs every case in a child and prints the figures; fails if an answer was wrong.
pub fn bench() -> Result<ExitCode> {
    let mut wrong = Vec::new();
    let mut lines = Vec::new();
    for (case, expected) in [
        (Case::Run, Validity::Valid),
        (Case::RunParallel, Validity::Valid),
        (Case::Hard, Validity::Unknown),
    ] {
        let figures: Figures = checker_runs::child("linearizability", name(case))?;
        let line = case_line(case, &figures);
        println!("{line}");
        if figures.valid != expected {
            wrong.push(format!("{}: expected {expected:?}", name(case)));
        }
        lines.push((case, figures));
    }
    print!("{}", verdict(&lines));
    if wrong.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        bail!("wrong answers: {}", wrong.join("; "))
    }
}

/// The case as spelt on the command line.
fn name(case: Case) -> &'static str {
    match case {
        Case::Run => "run",
        Case::RunParallel => "run-parallel",
        Case::Hard => "hard",
    }
}

/// The child's side: generate, measure one check, print the figures as one JSON line.
pub fn measure(case: Case) -> Result<ExitCode> {
    let history: History = match case {
        Case::Run | Case::RunParallel => synthetic::lin_kv_history(60, 1000, 5, 10, 1),
        Case::Hard => synthetic::hard_history(40, 2000, 1),
    };
    let budget = Budget::default();
    let threads = match case {
        Case::Run => 1,
        _ => std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
    };
    let (checked, cost) =
        checker_runs::measure(|| linearizable::check_on_threads(&history, &budget, threads))?;
    let results = checked.results["results"]
        .as_object()
        .context("the checker returned no results map")?;
    let figures = Figures {
        ops: history
            .iter()
            .filter(|op| op.kind == OpType::Invoke)
            .count(),
        keys: results.len(),
        threads,
        valid: checked.validity,
        cause: results
            .values()
            .find_map(|r| r["linearizable"]["cause"].as_str().map(str::to_owned)),
        cost,
    };
    checker_runs::report(&figures)?;
    Ok(ExitCode::SUCCESS)
}

/// `(a) on 1 thread: 60000 ops over 25 keys, valid in 0.117 s (cpu 0.12 s), peak RSS 95.1 MB
/// (87.0 MB with the history alone)`.
fn case_line(case: Case, f: &Figures) -> String {
    let what = match case {
        Case::Run | Case::RunParallel => "(a) lin-kv run",
        Case::Hard => "(b) hard key",
    };
    let verdict = match f.valid {
        Validity::Valid => "valid",
        Validity::Invalid => "invalid",
        Validity::Unknown => "unknown",
    };
    let cause = f
        .cause
        .as_ref()
        .map_or(String::new(), |c| format!(" ({c})"));
    format!(
        "{what} on {} thread(s): {} ops over {} key(s), {verdict}{cause} {}",
        f.threads,
        f.ops,
        f.keys,
        f.cost.text()
    )
}

/// The figures against the targets.
fn verdict(lines: &[(Case, Figures)]) -> String {
    let mut text = String::new();
    for (case, f) in lines {
        match case {
            Case::Run => text.push_str(&format!(
                "(a) on one core: {:.3} s (target < 1 s {})\n",
                f.cost.seconds,
                mark(f.valid == Validity::Valid && f.cost.seconds < 1.0)
            )),
            Case::Hard => text.push_str(&format!(
                "(b): unknown within its budget in {:.3} s, peak RSS {:.1} MB (target: unknown {})\n",
                f.cost.seconds,
                mb(f.cost.peak_kib),
                mark(f.valid == Validity::Unknown)
            )),
            Case::RunParallel => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_marks_missed_targets() {
        let figures = |valid, seconds| Figures {
            ops: 60_000,
            keys: 25,
            threads: 1,
            valid,
            cause: None,
            cost: Cost {
                seconds,
                cpu_seconds: seconds,
                history_peak_kib: 1000,
                peak_kib: 2000,
            },
        };
        assert_eq!(
            verdict(&[
                (Case::Run, figures(Validity::Valid, 1.5)),
                (Case::Hard, figures(Validity::Unknown, 2.0)),
            ]),
            "(a) on one core: 1.500 s (target < 1 s ✗ (missed))\n\
             (b): unknown within its budget in 2.000 s, peak RSS 2.0 MB (target: unknown ✓)\n"
        );
    }
}
