//! `cargo xtask explore --mutants [selectors] [--seeds N] [--jobs J]`: hunts the mutants,
//! the deliberately broken handlers each workload crate carries for the explorer. Each runs
//! on its suite, seed 1 onwards, until a seed is not valid (caught) or `N` seeds (default
//! 1000) all pass (missed); `J` mutants are hunted at once, one explorer process each.
//! A mutant that survives means the suite's checkers cannot see what it breaks, so the run
//! exits 0 only when every mutant is caught.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use checkers::validity::Validity;
use serde::Deserialize;

use super::{explore_seeds, Invocation, SeedResult};
use crate::catalog::{Catalog, Entry};
use crate::project::Project;

/// How many seeds a mutant may survive by default.
pub const DEFAULT_SEEDS: u64 = 1000;

/// A mutant as `glomers-explore --list-mutants` describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct MutantInfo {
    pub name: String,
    /// The suite that must catch it.
    pub suite: String,
    /// What it breaks.
    pub breaks: String,
}

/// The mutants compiled into `explorer`; an error when there are none.
pub fn list(explorer: &Path) -> Result<Vec<MutantInfo>> {
    let output = Command::new(explorer)
        .arg("--list-mutants")
        .output()
        .with_context(|| {
            format!(
                "could not start {}; build it with cargo xtask build",
                explorer.display()
            )
        })?;
    if !output.status.success() {
        bail!(
            "{} --list-mutants failed ({}): {}",
            explorer.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let mutants: Vec<MutantInfo> = serde_json::from_slice(&output.stdout)
        .with_context(|| format!("{} --list-mutants printed no list", explorer.display()))?;
    if mutants.is_empty() {
        bail!(
            "{} has no mutants compiled in: it was built without the `mutants` feature \
             (a plain `cargo build --release` builds it so); run without --no-build, or `cargo xtask build`",
            explorer.display()
        );
    }
    Ok(mutants)
}

/// The mutant named `name`.
pub fn find(explorer: &Path, name: &str) -> Result<MutantInfo> {
    let mutants = list(explorer)?;
    match mutants.iter().find(|m| m.name == name) {
        Some(mutant) => Ok(mutant.clone()),
        None => bail!(
            "unknown mutant `{name}`; the mutants are {}",
            mutants
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// How a hunt for one mutant ended.
#[derive(Debug)]
struct Hunt {
    mutant: MutantInfo,
    /// The first seed that was not valid, if any.
    caught: Option<SeedResult>,
    seeds_run: usize,
    seconds: f64,
}

/// Hunts every mutant whose suite `selectors` select (every mutant when there are none), up
/// to `seeds` seeds each, `jobs` at once; exits 0 only when every one is caught.
pub fn hunt(
    project: &Project,
    explorer: &Path,
    catalog: &Catalog,
    selectors: &[String],
    seeds: u64,
    jobs: u32,
) -> Result<ExitCode> {
    let mut mutants = list(explorer)?;
    if !selectors.is_empty() {
        let selected: Vec<Entry> = catalog.select(selectors)?;
        mutants.retain(|m| selected.iter().any(|e| e.suite.id == m.suite));
        if mutants.is_empty() {
            bail!(
                "no mutant is hunted on the suites {} selects",
                selectors.join(" ")
            );
        }
    }
    let hunted: Vec<(MutantInfo, Entry)> = mutants
        .into_iter()
        .map(|mutant| {
            let entry = suite_entry(catalog, &mutant)?;
            Ok((mutant, entry))
        })
        .collect::<Result<_>>()?;
    eprintln!(
        "hunting {} mutant(s), up to {seeds} seed(s) each, {jobs} at a time",
        hunted.len()
    );
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let hunts = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut ended = Vec::new();
                    while let Some((mutant, entry)) =
                        hunted.get(next.fetch_add(1, Ordering::SeqCst))
                    {
                        let hunt = hunt_one(project, explorer, mutant, entry, seeds)?;
                        print_hunt(&hunt);
                        ended.push(hunt);
                    }
                    Ok::<_, anyhow::Error>(ended)
                })
            })
            .collect();
        let mut all = Vec::new();
        for worker in workers {
            all.extend(worker.join().expect("a mutant hunter panicked")?);
        }
        Ok::<_, anyhow::Error>(all)
    })?;
    let caught = hunts.iter().filter(|h| h.caught.is_some()).count();
    println!(
        "mutants: {caught} of {} caught in {:.1} s",
        hunts.len(),
        started.elapsed().as_secs_f64()
    );
    for missed in hunts.iter().filter(|h| h.caught.is_none()) {
        println!(
            "  {} survived {} seeds of {}: its checkers do not see that it {}",
            missed.mutant.name, missed.seeds_run, missed.mutant.suite, missed.mutant.breaks
        );
    }
    Ok(if caught == hunts.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The catalog entry of the suite that must catch `mutant`.
fn suite_entry(catalog: &Catalog, mutant: &MutantInfo) -> Result<Entry> {
    let entries = catalog.select(std::slice::from_ref(&mutant.suite))?;
    entries
        .into_iter()
        .find(|e| e.suite.id == mutant.suite)
        .with_context(|| {
            format!(
                "mutant {} names suite {}, which no workload declares",
                mutant.name, mutant.suite
            )
        })
}

/// Runs `mutant` on seeds `1..=seeds` of its suite until one is not valid.
fn hunt_one(
    project: &Project,
    explorer: &Path,
    mutant: &MutantInfo,
    entry: &Entry,
    seeds: u64,
) -> Result<Hunt> {
    let invocation = Invocation {
        keep: false,
        mutant: Some(mutant.name.clone()),
        until_invalid: true,
    };
    let started = Instant::now();
    let results = explore_seeds(project, explorer, entry, &[1..=seeds], &invocation, &|_| {})?;
    Ok(Hunt {
        mutant: mutant.clone(),
        seeds_run: results.len(),
        caught: results.into_iter().find(|r| !r.valid),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// One line per hunt: caught at which seed, with its verdict and replay command, or missed.
fn print_hunt(hunt: &Hunt) {
    let (name, suite) = (&hunt.mutant.name, &hunt.mutant.suite);
    match &hunt.caught {
        Some(seed) => {
            let verdict = match &seed.outcome {
                Some(o) if o.valid == Validity::Unknown => {
                    format!("unknown: {}", o.anomalies.join("; "))
                }
                Some(o) => format!("INVALID: {}", o.anomalies.join("; ")),
                None => "the run failed".to_string(),
            };
            println!(
                "{name} on {suite}: caught at seed {} ({verdict}) after {:.2} s; replay: {}",
                seed.seed,
                hunt.seconds,
                Invocation {
                    mutant: Some(name.clone()),
                    ..Invocation::default()
                }
                .replay(suite, seed.seed)
            );
        }
        None => println!(
            "{name} on {suite}: MISSED, {} seed(s) valid in {:.1} s",
            hunt.seeds_run, hunt.seconds
        ),
    }
    println!("  it {}", hunt.mutant.breaks);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_explorer_list_parses_as_mutants() {
        let mutants: Vec<MutantInfo> = serde_json::from_str(
            r#"[{"name":"broadcast-no-resend","suite":"3c","breaks":"never resends"}]"#,
        )
        .unwrap();
        assert_eq!(mutants[0].name, "broadcast-no-resend");
        assert_eq!(mutants[0].suite, "3c");
    }

    #[test]
    fn a_mutant_replay_names_the_mutant() {
        let invocation = Invocation {
            mutant: Some("echo-garbled".into()),
            ..Invocation::default()
        };
        assert_eq!(
            invocation.replay("2", 7),
            "cargo xtask explore 2 --mutant echo-garbled --seed 7"
        );
        assert_eq!(
            Invocation::default().replay("3c", 7),
            "cargo xtask explore 3c --seed 7"
        );
    }
}
