//! `cargo xtask bench memory`: the simulator's peak memory where a run could make it grow
//! without bound (issue #13 item 6):
//! - (a) a 10 s flood: node n0 of an echo pair (`xtask/sim/tests/fixtures/flood_endless.py`)
//!   writes to n1 as fast as it can while n1 stops reading for 5 s, once with small
//!   messages and once with 100 kB ones, so the flood piles up in front of n1 and the
//!   back-pressure of `sim::backlog` (in messages, then in bytes) is what holds it;
//! - (b) challenge 3d's suite (25 nodes, rate 100, latency 100 ms) run for 120 s (or
//!   `--seconds`) with our broadcast node, whose reads return every value seen so far.
//!
//! Each case runs in a child process of the xtask itself (see [`super::checker_runs`]), so
//! the peak is the simulator's alone: the nodes are processes of their own. Two figures a
//! case: the peak when the run is over and its history is on disk, before the checkers
//! read it back (what the simulator holds while it runs), and the peak at the end (with
//! the checkers' one copy of the history). Numbers only; a case fails only on a wrong
//! verdict. The flood run folders hold gigabytes of journal and are removed afterwards.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{bail, Context, Result};
use checkers::validity::Validity;
use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use sim::{RunRequest, Tuning};

use super::checker_runs::{self, mb};
use super::echo::peak_rss_kib;
use crate::catalog::Catalog;
use crate::project::Project;

/// The flood's length, as the issue asks.
const FLOOD_SECONDS: u64 = 10;
/// The padding of a large flood message.
const LARGE_PADDING: usize = 100_000;

/// One measurement, run in a child process (`bench memory --case ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Case {
    /// (a) with small messages.
    Flood,
    /// (a) with 100 kB messages.
    FloodLarge,
    /// (b) challenge 3d.
    Broadcast,
}

/// The case as spelt on the command line.
fn name(case: Case) -> &'static str {
    match case {
        Case::Flood => "flood",
        Case::FloodLarge => "flood-large",
        Case::Broadcast => "broadcast",
    }
}

/// What a child measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Figures {
    pub seconds: u64,
    pub valid: Validity,
    pub ops: u64,
    pub server_msgs_per_second: f64,
    pub peak_undelivered: u64,
    /// `VmHWM` once the run is over and its history on disk, before the checks.
    pub run_peak_kib: u64,
    /// `VmHWM` at the end, checks included.
    pub peak_kib: u64,
    pub store: PathBuf,
}

/// Runs every case in a child and prints the figures; fails if a verdict was not valid.
pub fn bench(seconds: u64) -> Result<ExitCode> {
    let mut wrong = Vec::new();
    for case in [Case::Flood, Case::FloodLarge, Case::Broadcast] {
        let figures: Figures =
            checker_runs::child_with("memory", name(case), &["--seconds", &seconds.to_string()])?;
        println!("{}", case_line(case, &figures));
        if figures.valid != Validity::Valid {
            wrong.push(format!(
                "{}: {:?} (run folder {})",
                name(case),
                figures.valid,
                figures.store.display()
            ));
        }
        if case != Case::Broadcast {
            std::fs::remove_dir_all(&figures.store)
                .with_context(|| format!("removing {}", figures.store.display()))?;
        }
    }
    if wrong.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        bail!("runs that were not valid: {}", wrong.join("; "))
    }
}

/// The peak the run itself reached, set by [`Tuning::before_checks`].
static RUN_PEAK_KIB: AtomicU64 = AtomicU64::new(0);

fn note_run_peak() {
    if let Ok(kib) = peak_rss_kib("/proc/self/status") {
        RUN_PEAK_KIB.store(kib, Ordering::SeqCst);
    }
}

/// The child's side: one run on the simulator in this process, then its figures as one line.
pub fn measure(case: Case, seconds: u64) -> Result<ExitCode> {
    let project = Project::locate()?;
    let fixture = project
        .root
        .join("xtask/sim/tests/fixtures/flood_endless.py");
    let (args, seconds) = match case {
        Case::Flood | Case::FloodLarge => {
            let padding = if case == Case::Flood {
                0
            } else {
                LARGE_PADDING
            };
            let python = super::sim::which_python()
                .context("the flood runs a Python node: install python3")?;
            (flood_args(&python, &fixture, padding), FLOOD_SECONDS)
        }
        Case::Broadcast => (broadcast_args(&project, seconds)?, seconds),
    };
    let request = RunRequest {
        args,
        seed: Some(1),
        store_root: project.store_dir().join("bench-memory"),
        name: name(case).to_string(),
        progress: false,
    };
    let tuning = Tuning {
        before_checks: Some(note_run_peak),
        ..Tuning::default()
    };
    let report =
        sim::run_with(&request, &tuning).with_context(|| format!("the {} run", name(case)))?;
    let peak_kib = peak_rss_kib("/proc/self/status")?;
    let sim = &report.results["sim"];
    let figures = Figures {
        seconds,
        valid: report.validity,
        ops: report.results["stats"]["count"].as_u64().unwrap_or(0),
        server_msgs_per_second: sim["main-phase-server-msgs-per-second"]
            .as_f64()
            .unwrap_or(0.0),
        peak_undelivered: sim["peak-undelivered-per-node"].as_u64().unwrap_or(0),
        run_peak_kib: RUN_PEAK_KIB.load(Ordering::SeqCst),
        // A later reading is at least an earlier one (see `checker_runs::measure`).
        peak_kib: peak_kib.max(RUN_PEAK_KIB.load(Ordering::SeqCst)),
        store: report.store_dir,
    };
    checker_runs::report(&figures)?;
    Ok(ExitCode::SUCCESS)
}

/// An echo pair whose n0 floods n1, which stops reading for 5 s after its init.
fn flood_args(python: &Path, fixture: &Path, padding: usize) -> Vec<String> {
    let mut args: Vec<String> = vec!["-w".into(), "echo".into(), "--bin".into()];
    args.push(python.display().to_string());
    args.extend(["--node-count".into(), "2".into()]);
    args.extend(["--time-limit".into(), FLOOD_SECONDS.to_string()]);
    args.extend(["--rate", "10", "--"].map(String::from));
    args.extend([
        fixture.display().to_string(),
        padding.to_string(),
        "5".into(),
    ]);
    args
}

/// Challenge 3d's command line as its suite declares it, with `seconds` as the time limit.
fn broadcast_args(project: &Project, seconds: u64) -> Result<Vec<String>> {
    let catalog = Catalog::load(&project.glomers())?;
    let entry = catalog
        .select(&["3d".to_string()])?
        .into_iter()
        .next()
        .context("no suite 3d")?;
    let mut args: Vec<String> = vec!["-w".into(), entry.suite.workload.clone(), "--bin".into()];
    args.push(project.node(&entry.node).display().to_string());
    args.extend(with_time_limit(&entry.suite.args, seconds)?);
    Ok(args)
}

/// `args` with the value of `--time-limit` replaced by `seconds`.
fn with_time_limit(args: &[String], seconds: u64) -> Result<Vec<String>> {
    let at = args
        .iter()
        .position(|a| a == "--time-limit")
        .filter(|&i| i + 1 < args.len())
        .with_context(|| format!("no --time-limit in {}", args.join(" ")))?;
    let mut args = args.to_vec();
    args[at + 1] = seconds.to_string();
    Ok(args)
}

/// `(a) flood of 100000-byte messages, 10 s: 1840 server msgs/s, at most 675 undelivered;
/// peak RSS 139.5 MB (139.1 MB before the checks)`.
fn case_line(case: Case, f: &Figures) -> String {
    let what = match case {
        Case::Flood => "(a) flood of small messages".to_string(),
        Case::FloodLarge => format!("(a) flood of {LARGE_PADDING}-byte messages"),
        Case::Broadcast => "(b) 3d".to_string(),
    };
    format!(
        "{what}, {} s: {} ops, {:?}, {:.0} server msgs/s, at most {} undelivered to a node; \
         simulator peak RSS {:.1} MB until the checks, {:.1} MB with them",
        f.seconds,
        f.ops,
        f.valid,
        f.server_msgs_per_second,
        f.peak_undelivered,
        mb(f.run_peak_kib),
        mb(f.peak_kib)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_limit_is_replaced_and_its_absence_named() {
        let args: Vec<String> = "--node-count 25 --time-limit 20 --rate 100"
            .split(' ')
            .map(String::from)
            .collect();
        assert_eq!(
            with_time_limit(&args, 7).unwrap().join(" "),
            "--node-count 25 --time-limit 7 --rate 100"
        );
        let e = with_time_limit(&args[..3], 7).unwrap_err().to_string();
        assert!(e.contains("no --time-limit"), "{e}");
        let flood = flood_args(Path::new("/p"), Path::new("/f.py"), 100).join(" ");
        assert_eq!(
            flood,
            "-w echo --bin /p --node-count 2 --time-limit 10 --rate 10 -- /f.py 100 5"
        );
    }

    #[test]
    fn a_case_line_shows_both_peaks() {
        let figures = Figures {
            seconds: 10,
            valid: Validity::Valid,
            ops: 48,
            server_msgs_per_second: 1840.4,
            peak_undelivered: 675,
            run_peak_kib: 1000,
            peak_kib: 2000,
            store: PathBuf::from("/s"),
        };
        assert_eq!(
            case_line(Case::FloodLarge, &figures),
            "(a) flood of 100000-byte messages, 10 s: 48 ops, Valid, 1840 server msgs/s, \
             at most 675 undelivered to a node; simulator peak RSS 1.0 MB until the checks, \
             2.0 MB with them"
        );
    }
}
