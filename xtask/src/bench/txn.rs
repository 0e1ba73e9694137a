//! The transaction checker bench: Elle's list-append and rw-register checkers, each on a
//! generated history of what a 60 s, rate-1000 Maelstrom run records (60,000 transactions,
//! 6 concurrent as `--concurrency 2n` on 3 nodes gives, from
//! `checkers::txn::synthetic`), judged strict-serializable. Target: under 2 s each.
//!
//! Each check runs in a child process of the xtask itself (`bench txn --case ...`), so that
//! its peak memory is its own; how it measures and reports is [`super::checker_runs`].

use std::process::ExitCode;

use anyhow::{bail, Result};
use checkers::history::{History, OpType};
use checkers::txn::models::ConsistencyModel;
use checkers::txn::{list_append, rw_register, synthetic};
use checkers::validity::Validity;
use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use super::checker_runs::{self, mark, Cost};

/// A 60 s run at 1000 transactions a second.
const TXNS: usize = 60_000;
/// `--concurrency 2n` on 3 nodes.
const CONCURRENCY: u64 = 6;
/// The goal for each checker, in seconds.
const TARGET_SECONDS: f64 = 2.0;

/// One measurement, run in a child process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Case {
    ListAppend,
    RwRegister,
}

impl Case {
    const ALL: [Case; 2] = [Case::ListAppend, Case::RwRegister];

    /// The case as spelt on the command line.
    fn name(self) -> &'static str {
        match self {
            Case::ListAppend => "list-append",
            Case::RwRegister => "rw-register",
        }
    }
}

/// What a child measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Figures {
    pub txns: usize,
    pub valid: Validity,
    #[serde(flatten)]
    pub cost: Cost,
}

/// Runs every case in a child and prints the figures; fails if a verdict was wrong.
pub fn bench() -> Result<ExitCode> {
    let mut measured = Vec::new();
    for case in Case::ALL {
        let figures: Figures = checker_runs::child("txn", case.name())?;
        println!("{}", case_line(case, &figures));
        measured.push((case, figures));
    }
    print!("{}", verdict(&measured));
    let wrong: Vec<&str> = measured
        .iter()
        .filter(|(_, f)| f.valid != Validity::Valid)
        .map(|(case, _)| case.name())
        .collect();
    if wrong.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        bail!("valid histories judged otherwise by: {}", wrong.join(", "))
    }
}

/// The child's side: generate, measure one check, print the figures as one JSON line.
pub fn measure(case: Case) -> Result<ExitCode> {
    let history: History = match case {
        Case::ListAppend => synthetic::list_append_history(TXNS, CONCURRENCY, 1),
        Case::RwRegister => synthetic::rw_register_history(TXNS, CONCURRENCY, 1),
    };
    let models = [ConsistencyModel::STRICT_SERIALIZABLE];
    let (checked, cost) = checker_runs::measure(|| match case {
        Case::ListAppend => list_append::check(&history, &models),
        Case::RwRegister => rw_register::check(&history, &models),
    })?;
    let figures = Figures {
        txns: history
            .iter()
            .filter(|op| op.kind == OpType::Invoke)
            .count(),
        valid: checked.validity,
        cost,
    };
    checker_runs::report(&figures)?;
    Ok(ExitCode::SUCCESS)
}

/// `list-append: 60000 txns, valid in 0.812 s (cpu 0.81 s), peak RSS 95.1 MB (87.0 MB with
/// the history alone)`.
fn case_line(case: Case, f: &Figures) -> String {
    let verdict = match f.valid {
        Validity::Valid => "valid",
        Validity::Invalid => "invalid",
        Validity::Unknown => "unknown",
    };
    format!(
        "{}: {} txns, {verdict} {}",
        case.name(),
        f.txns,
        f.cost.text()
    )
}

/// The figures against the target.
fn verdict(measured: &[(Case, Figures)]) -> String {
    measured
        .iter()
        .map(|(case, f)| {
            format!(
                "{}: {:.3} s (target < {TARGET_SECONDS} s {})\n",
                case.name(),
                f.cost.seconds,
                mark(f.valid == Validity::Valid && f.cost.seconds < TARGET_SECONDS)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_marks_slow_or_wrong_checks_as_missed() {
        let figures = |valid, seconds| Figures {
            txns: TXNS,
            valid,
            cost: Cost {
                seconds,
                cpu_seconds: seconds,
                history_peak_kib: 1000,
                peak_kib: 2000,
            },
        };
        assert_eq!(
            verdict(&[
                (Case::ListAppend, figures(Validity::Valid, 0.5)),
                (Case::RwRegister, figures(Validity::Unknown, 0.5)),
            ]),
            "list-append: 0.500 s (target < 2 s ✓)\nrw-register: 0.500 s (target < 2 s ✗ (missed))\n"
        );
    }
}
