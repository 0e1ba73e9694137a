//! What the simulator benches share: running each of their suites several times on the
//! built-in simulator through the same backend and outcome code as `cargo xtask test`, and
//! the small formatting of the figures they print (verdicts, missed targets, and the spread
//! of a figure over the runs).

use std::process::ExitCode;

use anyhow::{Context, Result};
use checkers::validity::Validity;
use sim::version::MaelstromVersion;

use crate::backend::Backend;
use crate::build;
use crate::catalog::Entry;
use crate::outcome::{self, Outcome};
use crate::project::Project;

/// Where each run's seed comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeds {
    /// A fresh seed every run, chosen by the simulator (run numbers count from 1).
    Fresh,
    /// Seeds 1..=runs, so a rerun measures the same schedules.
    Numbered,
}

/// Runs every suite of `suites` `runs` times on the simulator, in order, and hands each
/// run's number (its seed with [`Seeds::Numbered`]) and outcome to `each`, collecting what
/// it returns.
pub fn run_suites<T>(
    project: &Project,
    suites: &[&str],
    runs: u32,
    seeds: Seeds,
    each: impl FnMut(u32, Outcome) -> Result<T>,
) -> Result<Vec<T>> {
    let catalog = build::reuse(project)?;
    let selectors: Vec<String> = suites.iter().map(|s| s.to_string()).collect();
    run_entries(project, &catalog.select(&selectors)?, runs, seeds, each)
}

/// [`run_suites`] for suites the bench composed itself (a registered node on command lines
/// of the bench's choosing).
pub fn run_entries<T>(
    project: &Project,
    entries: &[Entry],
    runs: u32,
    seeds: Seeds,
    mut each: impl FnMut(u32, Outcome) -> Result<T>,
) -> Result<Vec<T>> {
    let mut all = Vec::new();
    for entry in entries {
        for run in 1..=runs {
            let seed = match seeds {
                Seeds::Fresh => None,
                Seeds::Numbered => Some(u64::from(run)),
            };
            let (results, info) = Backend::Sim
                .run(project, entry, seed, MaelstromVersion::default())
                .with_context(|| match seeds {
                    Seeds::Fresh => format!("suite {} run {run} of {runs}", entry.suite.id),
                    Seeds::Numbered => format!("suite {} seed {run}", entry.suite.id),
                })?;
            all.push(each(run, outcome::extract(entry, info, &results))?);
        }
    }
    Ok(all)
}

/// Success when every run was valid: a bench fails only on wrong answers, never on speed.
pub fn exit_code<'a>(mut outcomes: impl Iterator<Item = &'a Outcome>) -> ExitCode {
    if outcomes.all(|o| o.valid == Validity::Valid) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The suites of `outcomes` in order of first appearance.
pub fn suites_in_order<'a>(outcomes: impl Iterator<Item = &'a Outcome>) -> Vec<&'a str> {
    let mut suites: Vec<&str> = Vec::new();
    for o in outcomes {
        if !suites.contains(&o.suite.as_str()) {
            suites.push(&o.suite);
        }
    }
    suites
}

/// Whether a run was valid and met every target's bound.
pub fn met_every_target(o: &Outcome) -> bool {
    o.valid == Validity::Valid && o.targets.iter().all(|t| t.met)
}

/// `targets met`, or `missed: ` and the names of the targets a run missed.
pub fn targets_text(o: &Outcome) -> String {
    let missed: Vec<&str> = o
        .targets
        .iter()
        .filter(|t| !t.met)
        .map(|t| t.name.as_str())
        .collect();
    if missed.is_empty() {
        "targets met".to_string()
    } else {
        format!("missed: {}", missed.join(", "))
    }
}

/// `min / median / max`, or `-` without figures. The median of an even count is the upper
/// middle: for these figures (costs and delays) that flatters nobody.
pub fn spread(mut figures: Vec<f64>, decimals: usize) -> String {
    if figures.is_empty() {
        return "-".to_string();
    }
    figures.sort_by(f64::total_cmp);
    let median = figures[figures.len() / 2];
    format!(
        "{:.decimals$} / {median:.decimals$} / {:.decimals$}",
        figures[0],
        figures[figures.len() - 1]
    )
}

/// One figure with `decimals` decimals, or `-` when the run has none.
pub fn figure(value: Option<f64>, decimals: usize) -> String {
    value.map_or("-".to_string(), |v| format!("{v:.decimals$}"))
}

/// A verdict as a run line shows it; `INVALID` shouts because it is the one that matters.
pub fn verdict(valid: Validity) -> &'static str {
    match valid {
        Validity::Valid => "valid",
        Validity::Invalid => "INVALID",
        Validity::Unknown => "unknown",
    }
}
