//! `cargo xtask bench jobs`: the same suites with the same seed run one at a time, then with
//! `--jobs N` (for each N asked), through the code `cargo xtask test` uses, and the figures
//! side by side: wall time and speed-up, verdicts, servers msgs/op, and the simulator's own
//! delivery lateness (`sim.server-delivery-lateness` in each `results.json`), whose p99 must
//! stay within 5 ms at 3d for parallel runs' latencies to be trusted. Also the load average,
//! since other work on the machine moves every figure.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use serde_json::Value;
use sim::version::MaelstromVersion;

use super::suite_runs::{figure, verdict};
use crate::backend::Backend;
use crate::build;
use crate::outcome::Outcome;
use crate::project::Project;
use crate::summary::markdown_table;
use crate::test::run_suites;

/// The suites compared when none are named: the broadcast and kafka challenges, which carry
/// the most traffic.
pub const DEFAULT_SUITES: [&str; 6] = ["3b", "3c", "3d", "3e", "5b", "5c"];

/// The speed-up `--jobs 4` must reach over `--jobs 1`.
const SPEED_UP_TARGET: f64 = 2.5;

/// The simulator's own bound on how late a server message may be delivered, at p99.
const LATENESS_P99_BOUND_MS: f64 = 5.0;

/// One side of the comparison: a `--jobs` value and what its runs gave.
struct Side {
    jobs: usize,
    seconds: f64,
    load_before: String,
    load_after: String,
    runs: Vec<Run>,
}

/// One suite's run: its outcome and the simulator's figures from `results.json`.
struct Run {
    outcome: Outcome,
    lateness_p99_ms: Option<f64>,
    lateness_max_ms: Option<f64>,
    cpu_fraction: Option<f64>,
}

/// Runs `suites` (seed `seed`) at `--jobs 1` and then at each of `jobs`, and prints the table.
pub fn bench(project: &Project, suites: &[String], jobs: &[usize], seed: u64) -> Result<ExitCode> {
    let catalog = build::reuse(project)?;
    let entries = catalog.select(suites)?;
    let mut sides = Vec::new();
    for &n in std::iter::once(&1).chain(jobs.iter().filter(|&&n| n != 1)) {
        eprintln!(
            "bench jobs: {} suite(s), --jobs {n}, seed {seed}",
            entries.len()
        );
        let load_before = load_average();
        let started = Instant::now();
        let (outcomes, failure) = run_suites(
            project,
            &entries,
            &Backend::Sim,
            Some(seed),
            MaelstromVersion::default(),
            n,
        );
        if let Some(error) = failure {
            return Err(error.context(format!("bench jobs at --jobs {n}")));
        }
        let seconds = started.elapsed().as_secs_f64();
        let runs = outcomes.into_iter().map(run).collect::<Result<_>>()?;
        sides.push(Side {
            jobs: n,
            seconds,
            load_before,
            load_after: load_average(),
            runs,
        });
    }
    print!("{}", render(&sides));
    let all_valid = sides
        .iter()
        .flat_map(|s| &s.runs)
        .all(|r| r.outcome.valid == checkers::validity::Validity::Valid);
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Adds the simulator's own figures from the run's `results.json`.
fn run(outcome: Outcome) -> Result<Run> {
    let path = outcome.store.join("results.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read {}", path.display()))?;
    let results: Value = serde_json::from_str(&text)
        .with_context(|| format!("could not parse {}", path.display()))?;
    let sim = &results["sim"];
    Ok(Run {
        lateness_p99_ms: sim["server-delivery-lateness"]["p99-ms"].as_f64(),
        lateness_max_ms: sim["server-delivery-lateness"]["max-ms"].as_f64(),
        cpu_fraction: sim["harness-cpu-fraction-of-one-core"].as_f64(),
        outcome,
    })
}

/// The per-suite table, then a line per parallel side against `--jobs 1`.
fn render(sides: &[Side]) -> String {
    let mut header = vec!["suite".to_string()];
    for figure_name in ["verdict", "msgs/op", "late p99 ms", "late max ms", "CPU %"] {
        for side in sides {
            header.push(format!("{figure_name} j{}", side.jobs));
        }
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows = sides[0].runs.iter().enumerate().map(|(i, first)| {
        let mut row = vec![first.outcome.suite.clone()];
        let each = |f: &dyn Fn(&Run) -> String| -> Vec<String> {
            sides.iter().map(|s| f(&s.runs[i])).collect()
        };
        row.extend(each(&|r| verdict(r.outcome.valid).to_string()));
        row.extend(each(&|r| figure(r.outcome.msgs_per_op, 2)));
        row.extend(each(&|r| figure(r.lateness_p99_ms, 2)));
        row.extend(each(&|r| figure(r.lateness_max_ms, 1)));
        row.extend(each(&|r| figure(r.cpu_fraction.map(|f| f * 100.0), 1)));
        row
    });
    let mut text = markdown_table(&header, rows);
    let one = &sides[0];
    text.push_str(&format!(
        "\n--jobs 1: {:.0} s (load average before {}, after {})\n",
        one.seconds, one.load_before, one.load_after
    ));
    let mark = |ok: bool| if ok { "✓" } else { "✗" };
    for side in &sides[1..] {
        let speed_up = one.seconds / side.seconds.max(1e-9);
        let same_verdicts = one
            .runs
            .iter()
            .zip(&side.runs)
            .all(|(a, b)| a.outcome.valid == b.outcome.valid);
        let worst_3d = side
            .runs
            .iter()
            .filter(|r| r.outcome.suite == "3d")
            .filter_map(|r| r.lateness_p99_ms)
            .fold(None, |worst: Option<f64>, p| {
                Some(worst.map_or(p, |w| w.max(p)))
            });
        let target = if side.jobs == 4 {
            format!(
                " (target ≥ {SPEED_UP_TARGET} {})",
                mark(speed_up >= SPEED_UP_TARGET)
            )
        } else {
            String::new()
        };
        let lateness = match worst_3d {
            Some(p) => format!(
                "3d lateness p99 {p:.2} ms (bound {LATENESS_P99_BOUND_MS} ms {})",
                mark(p <= LATENESS_P99_BOUND_MS)
            ),
            None => "no 3d run".to_string(),
        };
        text.push_str(&format!(
            "--jobs {}: {:.0} s, {speed_up:.2}× quicker{target}; verdicts {}; {lateness} \
             (load average before {}, after {})\n",
            side.jobs,
            side.seconds,
            if same_verdicts {
                "the same ✓"
            } else {
                "differ ✗"
            },
            side.load_before,
            side.load_after,
        ));
    }
    text
}

/// The 1, 5 and 15 minute load averages, as `/proc/loadavg` gives them.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".to_string(),
        |text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkers::validity::Validity;

    fn outcome_of(suite: &str, valid: bool, msgs_per_op: Option<f64>) -> Outcome {
        Outcome {
            suite: suite.into(),
            title: String::new(),
            workload: "broadcast".into(),
            node: "broadcast".into(),
            backend: "sim".into(),
            valid: if valid {
                Validity::Valid
            } else {
                Validity::Invalid
            },
            ops: Some(100),
            availability: Some(1.0),
            msgs_per_op,
            latency_ms: None,
            ok_latency_ms: None,
            targets: vec![],
            anomalies: vec![],
            store: std::path::PathBuf::from("store/3d/latest"),
            seed: Some(1),
            replay: String::new(),
        }
    }

    fn side(jobs: usize, seconds: f64, valid: bool, p99: f64) -> Side {
        let run = |suite: &str, p99: Option<f64>| Run {
            outcome: outcome_of(suite, valid, Some(2.4)),
            lateness_p99_ms: p99,
            lateness_max_ms: p99.map(|p| p * 2.0),
            cpu_fraction: Some(0.05),
        };
        Side {
            jobs,
            seconds,
            load_before: "1.00 2.00 3.00".into(),
            load_after: "2.00 2.00 3.00".into(),
            runs: vec![run("3b", None), run("3d", Some(p99))],
        }
    }

    #[test]
    fn sides_are_compared_with_one_job() {
        let text = render(&[
            side(1, 180.0, true, 4.1),
            side(4, 60.0, true, 3.2),
            side(6, 50.0, false, 6.0),
        ]);
        assert!(
            text.starts_with("| suite | verdict j1 | verdict j4 | verdict j6 | msgs/op j1 |"),
            "{text}"
        );
        assert!(
            text.contains("\n| 3d    | valid      | valid      | INVALID    | 2.40 "),
            "{text}"
        );
        assert!(
            text.contains(
                "--jobs 4: 60 s, 3.00× quicker (target ≥ 2.5 ✓); verdicts the same ✓; \
             3d lateness p99 3.20 ms (bound 5 ms ✓)"
            ),
            "{text}"
        );
        assert!(text.contains(
            "--jobs 6: 50 s, 3.60× quicker; verdicts differ ✗; 3d lateness p99 6.00 ms (bound 5 ms ✗)"
        ), "{text}");
    }
}
