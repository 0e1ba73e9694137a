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
//! The child prints one JSON line of figures: wall and CPU seconds of the check alone, and the
//! kernel's high-water mark `VmHWM` before the check (the generated history's footprint) and
//! after it. CPU time comes from `/proc/self/stat` (clock ticks of 10 ms).

use std::fs;
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use checkers::history::{History, OpType};
use checkers::linearizable::{self, synthetic, Budget};
use checkers::validity::Validity;
use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use super::echo::peak_rss_kib;

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
    pub seconds: f64,
    pub cpu_seconds: f64,
    pub history_peak_kib: u64,
    pub peak_kib: u64,
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
        let figures = child(case)?;
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

fn child(case: Case) -> Result<Figures> {
    let exe = std::env::current_exe().context("could not find the xtask's own binary")?;
    let output = Command::new(&exe)
        .args(["bench", "linearizability", "--case", name(case)])
        .output()
        .with_context(|| format!("could not run {}", exe.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "the {} measurement failed ({}): {}",
            name(case),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let line = stdout.lines().last().context("the child printed nothing")?;
    serde_json::from_str(line).with_context(|| format!("not figures: {line}"))
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
    let history_peak_kib = peak_rss_kib("/proc/self/status")?;
    let cpu_before = cpu_seconds()?;
    let started = Instant::now();
    let checked = linearizable::check_on_threads(&history, &budget, threads);
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = cpu_seconds()? - cpu_before;
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

/// Fields 14 and 15 (utime, stime) count clock ticks, which Linux fixes at 100 a second for
/// `/proc`. The command name (field 2) may hold spaces, so fields are counted after its `)`.
fn parse_cpu_seconds(stat: &str) -> Option<f64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    // After the `)`, field 3 (state) is index 0, so utime (14) is index 11.
    Some((ticks(11)? + ticks(12)?) as f64 / 100.0)
}

fn mb(kib: u64) -> f64 {
    (kib * 1024) as f64 / 1e6
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
        "{what} on {} thread(s): {} ops over {} key(s), {verdict}{cause} in {:.3} s (cpu {:.2} s), \
         peak RSS {:.1} MB ({:.1} MB with the history alone)",
        f.threads,
        f.ops,
        f.keys,
        f.seconds,
        f.cpu_seconds,
        mb(f.peak_kib),
        mb(f.history_peak_kib)
    )
}

/// The figures against the targets.
fn verdict(lines: &[(Case, Figures)]) -> String {
    let mark = |ok: bool| if ok { "✓" } else { "✗ (missed)" };
    let mut text = String::new();
    for (case, f) in lines {
        match case {
            Case::Run => text.push_str(&format!(
                "(a) on one core: {:.3} s (target < 1 s {})\n",
                f.seconds,
                mark(f.valid == Validity::Valid && f.seconds < 1.0)
            )),
            Case::Hard => text.push_str(&format!(
                "(b): unknown within its budget in {:.3} s, peak RSS {:.1} MB (target: unknown {})\n",
                f.seconds,
                mb(f.peak_kib),
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
    fn cpu_time_is_read_past_the_command_name() {
        let stat = "42 (a (b) c) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0";
        assert_eq!(parse_cpu_seconds(stat), Some(3.0));
        assert!(cpu_seconds().unwrap() >= 0.0);
    }

    #[test]
    fn the_verdict_marks_missed_targets() {
        let figures = |valid, seconds| Figures {
            ops: 60_000,
            keys: 25,
            threads: 1,
            valid,
            cause: None,
            seconds,
            cpu_seconds: seconds,
            history_peak_kib: 1000,
            peak_kib: 2000,
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
