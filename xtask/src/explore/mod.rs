//! `cargo xtask explore <selectors...> [--seeds N | --seed S] [--jobs J] [--mutant M]
//! [--mutants]`: runs the selected suites' own handlers in one process on the simulator's
//! virtual clock (the `glomers-explore` binary, built with the node binary), seed after
//! seed, with the same network model, generators and checkers as `cargo xtask test`.
//!
//! Each suite's seeds `1..=N` are shared out among `J` explorer processes in contiguous
//! ranges; every seed prints its verdict, figures and history digest as it finishes, and the
//! suite ends with seeds per minute and each failing seed with the command that replays it
//! (`--seed S`, which also keeps the run's folder). Exits 0 only when every seed is valid.
//! `--mutant M` runs a deliberately broken handler in place of the suite's own, and
//! `--mutants` hunts every mutant ([`mutants`]).

mod mutants;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use checkers::validity::Validity;
use clap::Args;
use serde::Deserialize;
use serde_json::Value;

use crate::build;
use crate::catalog::Entry;
use crate::outcome::{self, Outcome, RunInfo};
use crate::project::Project;

/// How many seeds a suite gets by default.
const DEFAULT_SEEDS: u64 = 20;

/// Explore suites on a virtual clock, many seeds each.
#[derive(Debug, Args)]
pub struct Explore {
    /// What to explore: `all`, a workload (`kafka`), a Maelstrom workload or a suite id
    /// (`3c`); with `--mutants`, whose mutants to hunt (all when none is named); with
    /// `--mutant`, the mutant's own suite when none is named.
    #[arg(required_unless_present_any = ["mutants", "mutant"])]
    selectors: Vec<String>,
    /// How many seeds per suite, from 1 (default 20); with `--mutants`, how many each
    /// mutant may survive (default 1000).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..), conflicts_with = "seed")]
    seeds: Option<u64>,
    /// One seed, replayed exactly, keeping its run folder.
    #[arg(long)]
    seed: Option<u64>,
    /// How many explorer processes run a suite's seeds at once.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    jobs: u32,
    /// Use the binaries already built instead of running cargo build.
    #[arg(long)]
    no_build: bool,
    /// Run this mutant (a deliberately broken handler, see `--mutants`) in place of the
    /// suite's own handler.
    #[arg(long, conflicts_with = "mutants")]
    mutant: Option<String>,
    /// Hunt the mutants: run each on its suite until a seed fails (`--seeds`, default 1000);
    /// exit 0 only when every mutant is caught.
    #[arg(long, conflicts_with = "seed")]
    mutants: bool,
}

/// One line of `glomers-explore`'s output.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Line {
    Run { run: SeedRun },
    Failed { seed: u64, error: String },
}

#[derive(Debug, Deserialize)]
struct SeedRun {
    seed: u64,
    validity: Validity,
    digest: String,
    wall_seconds: f64,
    virtual_seconds: f64,
    store: Option<PathBuf>,
    results: Value,
}

/// How one seed ended.
#[derive(Debug, Clone)]
pub struct SeedResult {
    pub seed: u64,
    pub valid: bool,
    /// The history digest; `None` when the run failed before it had a history.
    pub digest: Option<String>,
    /// The figures, read as `cargo xtask test` reads them; `None` when the run failed.
    pub outcome: Option<Outcome>,
    pub wall_seconds: f64,
    /// What the run covered on the virtual clock.
    pub virtual_seconds: f64,
}

impl Explore {
    pub fn run(self) -> Result<ExitCode> {
        let project = Project::locate()?;
        let catalog = build::catalog(&project, self.no_build)?;
        let explorer = project.release_dir().join("glomers-explore");
        if self.mutants {
            let seeds = self.seeds.unwrap_or(mutants::DEFAULT_SEEDS);
            return mutants::hunt(
                &project,
                &explorer,
                &catalog,
                &self.selectors,
                seeds,
                self.jobs,
            );
        }
        let selectors = match (&self.mutant, self.selectors.is_empty()) {
            (Some(name), true) => vec![mutants::find(&explorer, name)?.suite],
            _ => self.selectors.clone(),
        };
        let entries = catalog.select(&selectors)?;
        let mut all_valid = true;
        for entry in &entries {
            all_valid &= self.explore_suite(&project, &explorer, entry)?;
        }
        Ok(if all_valid {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        })
    }

    /// Explores one suite; true when every seed was valid.
    fn explore_suite(&self, project: &Project, explorer: &Path, entry: &Entry) -> Result<bool> {
        let id = &entry.suite.id;
        let (seeds, keep) = match self.seed {
            Some(seed) => (vec![seed..=seed], true),
            None => (
                split(
                    1..=self.seeds.unwrap_or(DEFAULT_SEEDS),
                    u64::from(self.jobs),
                ),
                false,
            ),
        };
        let invocation = Invocation {
            keep,
            mutant: self.mutant.clone(),
            until_invalid: false,
        };
        let count: u64 = seeds.iter().map(|r| r.end() - r.start() + 1).sum();
        eprintln!(
            "exploring {id} ({}): {count} seed(s), {} at a time",
            entry.node,
            seeds.len()
        );
        let started = Instant::now();
        let ended = explore_seeds(project, explorer, entry, &seeds, &invocation, &|result| {
            print_seed(entry, result)
        })?;
        let minutes = started.elapsed().as_secs_f64() / 60.0;
        let failed: Vec<u64> = ended.iter().filter(|e| !e.valid).map(|e| e.seed).collect();
        println!(
            "{id}: {} of {} seed(s) valid in {:.2} s, {:.0} seeds/minute with {} job(s)",
            ended.len() - failed.len(),
            ended.len(),
            minutes * 60.0,
            ended.len() as f64 / minutes.max(1e-9),
            seeds.len()
        );
        for &seed in &failed {
            println!(
                "  seed {seed} failed; replay it: {}",
                invocation.replay(id, seed)
            );
        }
        Ok(failed.is_empty() && ended.len() as u64 == count)
    }
}

/// How each explorer process runs its seeds.
#[derive(Debug, Clone, Default)]
pub struct Invocation {
    /// Keep every seed's run folder.
    pub keep: bool,
    /// Run this mutant instead of the suite's own handler.
    pub mutant: Option<String>,
    /// Stop at the first seed that is not valid.
    pub until_invalid: bool,
}

impl Invocation {
    /// The command that replays `seed` of suite `id` as this invocation ran it.
    pub fn replay(&self, id: &str, seed: u64) -> String {
        match &self.mutant {
            Some(mutant) => format!("cargo xtask explore {id} --mutant {mutant} --seed {seed}"),
            None => format!("cargo xtask explore {id} --seed {seed}"),
        }
    }
}

/// Runs `entry` on every seed of `ranges`, one explorer process per range, all at once;
/// hands each seed's result to `each` as it finishes and returns them all in seed order.
pub fn explore_seeds(
    project: &Project,
    explorer: &Path,
    entry: &Entry,
    ranges: &[std::ops::RangeInclusive<u64>],
    invocation: &Invocation,
    each: &(dyn Fn(&SeedResult) + Sync),
) -> Result<Vec<SeedResult>> {
    let ended = Mutex::new(Vec::new());
    let failures = std::thread::scope(|scope| {
        let children: Vec<_> = ranges
            .iter()
            .map(|range| {
                let ended = &ended;
                scope.spawn(move || {
                    run_explorer(project, explorer, entry, range, invocation, &|line| {
                        let result = read_seed(entry, invocation, line);
                        each(&result);
                        ended.lock().expect("seed results lock").push(result);
                    })
                })
            })
            .collect();
        children
            .into_iter()
            .filter_map(|c| c.join().expect("an explorer reader panicked").err())
            .collect::<Vec<_>>()
    });
    if let Some(error) = failures.into_iter().next() {
        return Err(error);
    }
    let mut ended = ended.into_inner().expect("seed results lock");
    ended.sort_by_key(|e| e.seed);
    Ok(ended)
}

/// Splits `seeds` into at most `parts` contiguous ranges of nearly equal length.
pub fn split(
    seeds: std::ops::RangeInclusive<u64>,
    parts: u64,
) -> Vec<std::ops::RangeInclusive<u64>> {
    let (first, count) = (*seeds.start(), seeds.end() - seeds.start() + 1);
    let parts = parts.clamp(1, count);
    (0..parts)
        .map(|k| {
            let from = first + count * k / parts;
            let to = first + count * (k + 1) / parts - 1;
            from..=to
        })
        .collect()
}

/// Runs one explorer process over `seeds`, handing each line it prints to `each`.
fn run_explorer(
    project: &Project,
    explorer: &Path,
    entry: &Entry,
    seeds: &std::ops::RangeInclusive<u64>,
    invocation: &Invocation,
    each: &dyn Fn(Line),
) -> Result<()> {
    let mut command = Command::new(explorer);
    command
        .arg(&entry.suite.id)
        .arg("--seeds")
        .arg(format!("{}..{}", seeds.start(), seeds.end()))
        .arg("--store")
        .arg(project.store_dir())
        .stdout(Stdio::piped());
    if invocation.keep {
        command.arg("--keep-folder");
    }
    if let Some(mutant) = &invocation.mutant {
        command.arg("--mutant").arg(mutant);
    }
    if invocation.until_invalid {
        command.arg("--until-invalid");
    }
    let mut child = command.spawn().with_context(|| {
        format!(
            "could not start {}; build it with cargo xtask build",
            explorer.display()
        )
    })?;
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.context("reading the explorer's output")?;
        let parsed: Line = serde_json::from_str(&line).with_context(|| {
            format!("the explorer printed a line that is not a seed's result: {line}")
        })?;
        each(parsed);
    }
    let status = child.wait()?;
    if !status.success() {
        bail!(
            "{} {} failed ({status})",
            explorer.display(),
            entry.suite.id
        );
    }
    Ok(())
}

/// One line of the explorer read as a seed's result.
fn read_seed(entry: &Entry, invocation: &Invocation, line: Line) -> SeedResult {
    let id = &entry.suite.id;
    match line {
        Line::Failed { seed, error } => {
            println!("{id} seed {seed}: the run failed: {error}");
            SeedResult {
                seed,
                valid: false,
                digest: None,
                outcome: None,
                wall_seconds: 0.0,
                virtual_seconds: 0.0,
            }
        }
        Line::Run { run } => {
            let info = RunInfo {
                backend: "explore",
                store: run.store.clone().unwrap_or_default(),
                seed: Some(run.seed),
                replay: invocation.replay(id, run.seed),
            };
            SeedResult {
                seed: run.seed,
                valid: run.validity == Validity::Valid,
                digest: Some(run.digest),
                outcome: Some(outcome::extract(entry, info, &run.results)),
                wall_seconds: run.wall_seconds,
                virtual_seconds: run.virtual_seconds,
            }
        }
    }
}

/// Prints one seed's line: verdict, digest, figures, time, and its folder if kept.
fn print_seed(entry: &Entry, result: &SeedResult) {
    let (Some(outcome), Some(digest)) = (&result.outcome, &result.digest) else {
        return; // A failed run was reported as it was read.
    };
    let mut figures = Vec::new();
    if let Some(ops) = outcome.ops {
        figures.push(format!("{ops} ops"));
    }
    if let Some(m) = outcome.msgs_per_op {
        figures.push(format!("{m:.2} msgs/op"));
    }
    if let Some(l) = outcome.latency_ms {
        let ms = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
        figures.push(format!(
            "stable latency p50 {} max {} ms",
            ms(l.p50),
            ms(l.max)
        ));
    }
    let verdict = match outcome.valid {
        Validity::Valid => "valid".to_string(),
        Validity::Invalid => format!("INVALID ({})", outcome.anomalies.join("; ")),
        Validity::Unknown => format!("unknown ({})", outcome.anomalies.join("; ")),
    };
    println!(
        "{} seed {}: {verdict}, digest {digest}, {} ({:.2} s)",
        entry.suite.id,
        result.seed,
        figures.join(", "),
        result.wall_seconds
    );
    if !outcome.store.as_os_str().is_empty() {
        println!("  run folder: {}", outcome.store.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_split_into_contiguous_ranges_covering_each_once() {
        assert_eq!(split(1..=10, 3), vec![1..=3, 4..=6, 7..=10]);
        assert_eq!(split(1..=2, 4), vec![1..=1, 2..=2], "never an empty range");
        assert_eq!(split(5..=5, 1), vec![5..=5]);
        let ranges = split(1..=1000, 7);
        let covered: Vec<u64> = ranges.into_iter().flatten().collect();
        assert_eq!(covered, (1..=1000).collect::<Vec<_>>());
    }

    #[test]
    fn explorer_lines_parse_as_runs_or_failures() {
        let run: Line = serde_json::from_str(
            r#"{"suite":"3a","run":{"seed":4,"validity":true,"digest":"00ff","wall_seconds":0.5,"virtual_seconds":30.0,"store":null,"results":{}}}"#,
        )
        .unwrap();
        assert!(
            matches!(run, Line::Run { run } if run.seed == 4 && run.validity == Validity::Valid)
        );
        let failed: Line =
            serde_json::from_str(r#"{"suite":"3a","seed":9,"error":"node n1 crashed"}"#).unwrap();
        assert!(matches!(failed, Line::Failed { seed: 9, .. }));
    }
}
