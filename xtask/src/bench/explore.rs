//! `cargo xtask bench explore`: the explorer beside the process simulator. For each suite,
//! seeds `1..=runs` run both ways on the same options: node processes in real time, and the
//! same handlers in-process on the virtual clock. The bench prints the mean servers
//! msgs/op and latency quantiles of both and how far apart they are (target: within 15 %),
//! and then how many seeds a minute one explorer process gets through.
//!
//! Latencies are the workload's stable latencies where it has them (broadcast), and the
//! invocation-to-`ok` latencies of every operation otherwise, where the network makes them
//! (Raft, transactions): the virtual clock does not count computing time, so the latency
//! of a reply a node computes on the spot (a g-counter read) is not compared.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use super::suite_runs::{self, Seeds};
use crate::build;
use crate::catalog::Entry;
use crate::explore::{explore_seeds, Invocation, SeedResult};
use crate::outcome::{Latency, Outcome};
use crate::project::Project;

/// The suites compared when none are named: one of each kind of node.
pub const DEFAULT_SUITES: [&str; 10] = [
    "3b",
    "3c",
    "3d",
    "3e",
    "4",
    "5b",
    "5c",
    "6b",
    "lin-kv-5-partition",
    "txn-list-append-strict",
];

/// The suites timed for seeds per minute, and how many seeds each.
const SPEED: [(&str, u64); 4] = [("3c", 200), ("3d", 50), ("5c", 20), ("lin-kv", 50)];

/// How far apart the two figures may be.
const TOLERANCE: f64 = 0.15;

pub fn bench(project: &Project, suites: &[String], runs: u32) -> Result<ExitCode> {
    let catalog = build::reuse(project)?;
    let explorer = project.release_dir().join("glomers-explore");
    let names: Vec<String> = if suites.is_empty() {
        DEFAULT_SUITES.iter().map(|s| s.to_string()).collect()
    } else {
        suites.to_vec()
    };
    let entries = catalog.select(&names)?;
    let mut all_valid = true;
    println!("| suite | msgs/op sim | msgs/op explore | Δ | latency p50/p99/max ms sim | explore | Δ p50 / p99 / max | within 15 % |");
    println!("|---|---|---|---|---|---|---|---|");
    for entry in &entries {
        let processes = suite_runs::run_entries(
            project,
            std::slice::from_ref(entry),
            runs,
            Seeds::Numbered,
            |_, o| Ok(o),
        )?;
        let explored = explore_seeds(
            project,
            &explorer,
            entry,
            &[1..=u64::from(runs)],
            &Invocation::default(),
            &|_| {},
        )?;
        let explored: Vec<Outcome> = explored.into_iter().filter_map(|r| r.outcome).collect();
        all_valid &= processes
            .iter()
            .chain(&explored)
            .all(|o| o.valid == checkers::validity::Validity::Valid)
            && explored.len() == runs as usize;
        println!("{}", row(&entry.suite.id, &processes, &explored));
    }
    println!();
    for (suite, seeds) in SPEED {
        if let Ok(entries) = catalog.select(&[suite.to_string()]) {
            speed(project, &explorer, &entries[0], seeds)?;
        }
    }
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Seeds per minute of one explorer process over `seeds` seeds.
fn speed(project: &Project, explorer: &std::path::Path, entry: &Entry, seeds: u64) -> Result<()> {
    let started = Instant::now();
    let results: Vec<SeedResult> = explore_seeds(
        project,
        explorer,
        entry,
        &[1..=seeds],
        &Invocation::default(),
        &|_| {},
    )?;
    let wall = started.elapsed().as_secs_f64();
    let valid = results.iter().filter(|r| r.valid).count();
    let virtual_seconds: f64 = results.iter().map(|r| r.virtual_seconds).sum();
    println!(
        "{}: {seeds} seeds in {wall:.1} s on one process = {:.0} seeds/minute, {:.0}× quicker than real time ({valid} valid)",
        entry.suite.id,
        seeds as f64 / wall * 60.0,
        virtual_seconds / wall,
    );
    Ok(())
}

/// The table row comparing the two sides' means.
fn row(suite: &str, processes: &[Outcome], explored: &[Outcome]) -> String {
    let msgs = |os: &[Outcome]| mean(os.iter().filter_map(|o| o.msgs_per_op));
    let (m_sim, m_exp) = (msgs(processes), msgs(explored));
    let quantiles = |os: &[Outcome], which: fn(&Outcome) -> Option<Latency>| {
        let pick = |f: fn(&Latency) -> Option<f64>| {
            mean(os.iter().filter_map(|o| which(o).and_then(|l| f(&l))))
        };
        [pick(|l| l.p50), pick(|l| l.p99), pick(|l| l.max)]
    };
    // Stable latencies where the workload has them; else the operations' own latencies, but
    // only where the network makes them (a median of a millisecond or more on processes):
    // the virtual clock does not count the time a node computes, so a reply computed on the
    // spot takes no time there at all.
    let has_stable = processes.iter().any(|o| o.latency_ms.is_some());
    let which: fn(&Outcome) -> Option<Latency> = if has_stable {
        |o| o.latency_ms
    } else {
        |o| o.ok_latency_ms
    };
    let (mut l_sim, mut l_exp) = (quantiles(processes, which), quantiles(explored, which));
    if !has_stable && !l_sim[0].is_some_and(|p50| p50 >= 1.0) {
        (l_sim, l_exp) = ([None; 3], [None; 3]);
    }
    let delta_m = delta(m_sim, m_exp);
    let delta_l: Vec<Option<f64>> = l_sim
        .iter()
        .zip(&l_exp)
        .map(|(a, b)| delta(*a, *b))
        .collect();
    let within = std::iter::once(delta_m)
        .chain(delta_l.iter().copied())
        .flatten()
        .all(|d| d.abs() <= TOLERANCE);
    let show = |v: Option<f64>, d: usize| v.map_or("-".to_string(), |v| format!("{v:.d$}"));
    let pct = |d: Option<f64>| d.map_or("-".to_string(), |d| format!("{:+.0} %", d * 100.0));
    let triple = |l: [Option<f64>; 3]| {
        l.iter()
            .map(|v| show(*v, 1))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    format!(
        "| {suite} | {} | {} | {} | {} | {} | {} | {} |",
        show(m_sim, 2),
        show(m_exp, 2),
        pct(delta_m),
        triple(l_sim),
        triple(l_exp),
        delta_l
            .iter()
            .map(|d| pct(*d))
            .collect::<Vec<_>>()
            .join(" / "),
        if within { "✓" } else { "✗" }
    )
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let values: Vec<f64> = values.collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The explorer's figure relative to the simulator's; `None` without both (or from zero).
fn delta(sim: Option<f64>, explored: Option<f64>) -> Option<f64> {
    match (sim, explored) {
        (Some(s), Some(e)) if s > 0.0 => Some((e - s) / s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_are_relative_to_the_simulator_and_need_both_figures() {
        assert_eq!(
            delta(Some(2.0), Some(2.3)).map(|d| (d * 100.0).round()),
            Some(15.0)
        );
        assert_eq!(delta(Some(0.0), Some(1.0)), None);
        assert_eq!(delta(None, Some(1.0)), None);
        assert_eq!(mean([1.0, 2.0, 6.0].into_iter()), Some(3.0));
        assert_eq!(mean(std::iter::empty()), None);
    }
}
