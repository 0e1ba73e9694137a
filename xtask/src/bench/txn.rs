//! The transaction checker bench: Elle's list-append and rw-register checkers, each on a
//! generated history of what a 60 s, rate-1000 Maelstrom run records (60,000 transactions,
//! 6 concurrent as `--concurrency 2n` on 3 nodes gives, from
//! `checkers::txn::synthetic`), judged strict-serializable. Target: under 2 s each.
//!
//! Each check runs in a child process of the xtask itself (`bench txn --txn-case ...`), so
//! that its peak memory is its own. The child prints one JSON line: wall and CPU seconds of
//! the check alone, and the kernel's high-water mark `VmHWM` before the check (the
//! generated history's footprint) and after it.

use std::fs;
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use checkers::history::{History, OpType};
use checkers::txn::models::ConsistencyModel;
use checkers::txn::{list_append, rw_register, synthetic};
use checkers::validity::Validity;
use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use super::echo::peak_rss_kib;

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
    pub seconds: f64,
    pub cpu_seconds: f64,
    pub history_peak_kib: u64,
    pub peak_kib: u64,
}

/// Runs every case in a child and prints the figures; fails if a verdict was wrong.
pub fn bench() -> Result<ExitCode> {
    let mut measured = Vec::new();
    for case in Case::ALL {
        let figures = child(case)?;
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

fn child(case: Case) -> Result<Figures> {
    let exe = std::env::current_exe().context("could not find the xtask's own binary")?;
    let output = Command::new(&exe)
        .args(["bench", "txn", "--txn-case", case.name()])
        .output()
        .with_context(|| format!("could not run {}", exe.display()))?;
    if !output.status.success() {
        bail!(
            "the {} measurement failed ({}): {}",
            case.name(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().context("the child printed nothing")?;
    serde_json::from_str(line).with_context(|| format!("not figures: {line}"))
}

/// The child's side: generate, measure one check, print the figures as one JSON line.
pub fn measure(case: Case) -> Result<ExitCode> {
    let history: History = match case {
        Case::ListAppend => synthetic::list_append_history(TXNS, CONCURRENCY, 1),
        Case::RwRegister => synthetic::rw_register_history(TXNS, CONCURRENCY, 1),
    };
    let models = [ConsistencyModel::STRICT_SERIALIZABLE];
    let history_peak_kib = peak_rss_kib("/proc/self/status")?;
    let cpu_before = cpu_seconds()?;
    let started = Instant::now();
    let checked = match case {
        Case::ListAppend => list_append::check(&history, &models),
        Case::RwRegister => rw_register::check(&history, &models),
    };
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = cpu_seconds()? - cpu_before;
    let figures = Figures {
        txns: history
            .iter()
            .filter(|op| op.kind == OpType::Invoke)
            .count(),
        valid: checked.validity,
        seconds,
        cpu_seconds,
        history_peak_kib,
        peak_kib: peak_rss_kib("/proc/self/status")?,
    };
    println!("{}", serde_json::to_string(&figures)?);
    Ok(ExitCode::SUCCESS)
}

/// User plus system time of this process so far, from `/proc/self/stat`.
fn cpu_seconds() -> Result<f64> {
    let stat = fs::read_to_string("/proc/self/stat").context("could not read /proc/self/stat")?;
    parse_cpu_seconds(&stat).context("/proc/self/stat has no utime and stime")
}

/// Fields 14 and 15 (utime, stime) count clock ticks, which Linux fixes at 100 a second
/// for `/proc`. The command name (field 2) may hold spaces, so fields are counted after its
/// closing parenthesis, where field 3 is index 0.
fn parse_cpu_seconds(stat: &str) -> Option<f64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    Some((ticks(11)? + ticks(12)?) as f64 / 100.0)
}

fn mb(kib: u64) -> f64 {
    (kib * 1024) as f64 / 1e6
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
        "{}: {} txns, {verdict} in {:.3} s (cpu {:.2} s), peak RSS {:.1} MB ({:.1} MB with the history alone)",
        case.name(),
        f.txns,
        f.seconds,
        f.cpu_seconds,
        mb(f.peak_kib),
        mb(f.history_peak_kib)
    )
}

/// The figures against the target.
fn verdict(measured: &[(Case, Figures)]) -> String {
    let mark = |ok: bool| if ok { "✓" } else { "✗ (missed)" };
    measured
        .iter()
        .map(|(case, f)| {
            format!(
                "{}: {:.3} s (target < {TARGET_SECONDS} s {})\n",
                case.name(),
                f.seconds,
                mark(f.valid == Validity::Valid && f.seconds < TARGET_SECONDS)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_is_read_past_the_command_name() {
        let stat = "42 (a (b) c) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0";
        assert_eq!(parse_cpu_seconds(stat), Some(3.0));
    }

    #[test]
    fn the_verdict_marks_slow_or_wrong_checks_as_missed() {
        let figures = |valid, seconds| Figures {
            txns: TXNS,
            valid,
            seconds,
            cpu_seconds: seconds,
            history_peak_kib: 1000,
            peak_kib: 2000,
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
