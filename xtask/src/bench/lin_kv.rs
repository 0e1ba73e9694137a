//! The lin-kv bench: the Raft store (`lin-kv`) beside the reference that passes every
//! request to Maelstrom's `lin-kv` service (`lin-kv-proxy`), on the same command lines and
//! seeds: 3 and 5 nodes, rate 100, 10 ms latency, with and without partitions. The proxy's
//! ok-fraction is the ceiling (CASes that do not match and reads of missing keys fail by
//! design), so Raft's availability is reported as a share of it. Then Raft alone at rising
//! rates on 5 nodes, for the highest rate that stays valid.
//!
//! Figures per run: verdict, availability, servers msgs/op, and the invocation-to-ok
//! latency quantiles (`sim.ok-latencies`). The proxy's msgs/op is exactly 2 by design.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result};
use checkers::validity::Validity;

use super::suite_runs::{figure, run_entries, verdict, Seeds};
use crate::build;
use crate::catalog::{Entry, Suite};
use crate::outcome::Outcome;
use crate::project::Project;

/// The node under test and the reference.
const RAFT: &str = "lin-kv";
const PROXY: &str = "lin-kv-proxy";

/// Rates tried for the highest valid rate, on 5 nodes without partitions, with
/// `--concurrency 10n` (50 clients), since 10 clients saturate near 140 ops/s.
const RATES: [u32; 4] = [250, 500, 1000, 2000];

/// Clients per node in the comparison and in the sweep (lin-kv needs a multiple of 2).
const COMPARISON_CLIENTS: u32 = 2;
const SWEEP_CLIENTS: u32 = 10;

/// One command line of the comparison.
#[derive(Debug, Clone, Copy)]
struct Shape {
    nodes: u32,
    partitions: bool,
    rate: u32,
    clients_per_node: u32,
}

impl Shape {
    fn id(self) -> String {
        let faults = if self.partitions { "-partition" } else { "" };
        format!(
            "{}n-rate{}-c{}n{faults}",
            self.nodes, self.rate, self.clients_per_node
        )
    }

    fn args(self) -> Vec<String> {
        let mut args: Vec<String> = [
            "--node-count".to_string(),
            self.nodes.to_string(),
            "--time-limit".into(),
            "20".into(),
            "--rate".into(),
            self.rate.to_string(),
            "--concurrency".into(),
            format!("{}n", self.clients_per_node),
            "--latency".into(),
            "10".into(),
        ]
        .into();
        if self.partitions {
            args.extend(["--nemesis".into(), "partition".into()]);
        }
        args
    }

    fn entry(self, node: &str) -> Entry {
        Entry {
            node: node.to_string(),
            suite: Suite {
                id: format!("{node} {}", self.id()),
                title: String::new(),
                workload: "lin-kv".to_string(),
                args: self.args(),
                targets: Vec::new(),
            },
        }
    }
}

/// Runs the comparison `runs` times (seeds 1..=runs), then the rate sweep once.
pub fn bench(project: &Project, runs: u32) -> Result<ExitCode> {
    build::reuse(project)?;
    let shapes: Vec<Shape> = [3, 5]
        .into_iter()
        .flat_map(|nodes| {
            [false, true].map(|partitions| Shape {
                nodes,
                partitions,
                rate: 100,
                clients_per_node: COMPARISON_CLIENTS,
            })
        })
        .collect();
    let mut pairs = Vec::new();
    for shape in &shapes {
        let entries = [shape.entry(RAFT), shape.entry(PROXY)];
        let outcomes = run_entries(project, &entries, runs, Seeds::Numbered, |_, o| {
            println!("{}", run_line(&o));
            Ok(o)
        })
        .with_context(|| format!("lin-kv bench, {}", shape.id()))?;
        let (raft, proxy) = outcomes.split_at(runs as usize);
        pairs.push((*shape, raft.to_vec(), proxy.to_vec()));
    }
    let mut sweep = Vec::new();
    for rate in RATES {
        let shape = Shape {
            nodes: 5,
            partitions: false,
            rate,
            clients_per_node: SWEEP_CLIENTS,
        };
        let outcome = run_entries(project, &[shape.entry(RAFT)], 1, Seeds::Numbered, |_, o| {
            println!("{}", run_line(&o));
            Ok(o)
        })?
        .remove(0);
        let valid = outcome.valid == Validity::Valid;
        sweep.push((rate, outcome));
        if !valid {
            break;
        }
    }
    print!("{}", render(&pairs, &sweep));
    let all_valid = pairs
        .iter()
        .flat_map(|(_, raft, proxy)| raft.iter().chain(proxy))
        .all(|o| o.valid == Validity::Valid);
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `lin-kv 5n-rate100-partition seed 1: valid, availability 0.626, 2.88 msgs/op, ok p50/p99 21.3/240.1 ms`
fn run_line(o: &Outcome) -> String {
    format!(
        "{} seed {}: {}, availability {}, {} msgs/op, ok p50/p99 {}/{} ms",
        o.suite,
        o.seed.map_or_else(|| "-".to_string(), |s| s.to_string()),
        verdict(o.valid),
        figure(o.availability, 3),
        figure(o.msgs_per_op, 2),
        figure(o.ok_latency_ms.and_then(|l| l.p50), 1),
        figure(o.ok_latency_ms.and_then(|l| l.p99), 1),
    )
}

/// Medians over runs, Raft beside the proxy, then the sweep.
fn render(pairs: &[(Shape, Vec<Outcome>, Vec<Outcome>)], sweep: &[(u32, Outcome)]) -> String {
    let mut text = String::from(
        "\nlin-kv, Raft against the lin-kv service proxy (medians over runs)\n\
         | command line | Raft valid | Raft availability | proxy availability | share of ceiling | Raft msgs/op | Raft ok p50 / p99 ms | proxy ok p50 / p99 ms |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for (shape, raft, proxy) in pairs {
        let raft_avail = median(raft.iter().filter_map(|o| o.availability));
        let proxy_avail = median(proxy.iter().filter_map(|o| o.availability));
        let share = raft_avail.zip(proxy_avail).map(|(r, p)| 100.0 * r / p);
        let valid = raft.iter().filter(|o| o.valid == Validity::Valid).count();
        let _ = writeln!(
            text,
            "| {} | {valid} of {} | {} | {} | {} % | {} | {} / {} | {} / {} |",
            shape.id(),
            raft.len(),
            figure(raft_avail, 3),
            figure(proxy_avail, 3),
            figure(share, 0),
            figure(median(raft.iter().filter_map(|o| o.msgs_per_op)), 2),
            figure(median(raft.iter().filter_map(|o| o.ok_latency_ms?.p50)), 1),
            figure(median(raft.iter().filter_map(|o| o.ok_latency_ms?.p99)), 1),
            figure(median(proxy.iter().filter_map(|o| o.ok_latency_ms?.p50)), 1),
            figure(median(proxy.iter().filter_map(|o| o.ok_latency_ms?.p99)), 1),
        );
    }
    text.push_str("\nRaft on 5 nodes at rising rates (latency 10, no partitions, 50 clients)\n| rate | verdict | ops | availability | msgs/op | ok p50 / p99 ms |\n|---|---|---|---|---|---|\n");
    for (rate, o) in sweep {
        let _ = writeln!(
            text,
            "| {rate} | {} | {} | {} | {} | {} / {} |",
            verdict(o.valid),
            o.ops.map_or_else(|| "-".to_string(), |n| n.to_string()),
            figure(o.availability, 3),
            figure(o.msgs_per_op, 2),
            figure(o.ok_latency_ms.and_then(|l| l.p50), 1),
            figure(o.ok_latency_ms.and_then(|l| l.p99), 1),
        );
    }
    let highest = sweep
        .iter()
        .filter(|(_, o)| o.valid == Validity::Valid)
        .map(|(rate, _)| *rate)
        .max();
    let _ = writeln!(
        text,
        "highest rate tried that stayed valid: {}",
        highest.map_or_else(|| "none".to_string(), |r| r.to_string())
    );
    text
}

/// The upper median (as `suite_runs::spread` takes it), or `None` without figures.
fn median(figures: impl Iterator<Item = f64>) -> Option<f64> {
    let mut figures: Vec<f64> = figures.collect();
    figures.sort_by(f64::total_cmp);
    figures.get(figures.len() / 2).copied()
}
