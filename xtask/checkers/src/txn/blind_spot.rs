//! A stricter search for G0 in rw-register histories, reported as a warning only.
//!
//! Maelstrom's checker infers write order only from writes-follow-reads on a
//! transaction's *external* read (spec `checkers.md` §4.3, §7.2; jepsen-io/maelstrom#56),
//! so a node with write cycles can pass read-uncommitted. We keep Maelstrom's verdict, and
//! additionally read every transaction's micro-ops as a timeline of one register per key:
//! each value it reads or writes after another one on the same key was installed later.
//! `[w x 1] [r x 10] [w x 2]` then says 1 < 10 < 2, and writers of consecutive versions
//! get ww edges (intermediate writes included). A ww cycle in that graph is reported under
//! `warnings`. The assumption (micro-ops of one transaction observe a single evolving copy
//! of each key) holds for single-copy nodes but not for nodes that read stale replicas,
//! which is why this is a warning and not a failure.

use std::collections::{BTreeSet, HashMap};

use serde_json::{json, Value};

use super::anomalies::op_json;
use super::atom::Atom;
use super::cycles::{find_cycles, DEFAULT_BUDGET};
use super::graph::{GraphBuilder, Rel, Why};
use super::mop::{Mop, Txn};
use super::versions::{Source, Version, VersionGraphs};
use crate::history::{Op, OpType};

/// The warning's explanation, stored beside its cases.
pub const NOTE: &str = "write cycle inferred from the order of values each transaction observed or wrote, \
including reads after its own writes (which Maelstrom's checker ignores); Maelstrom's verdict does not count it";

/// Version facts from the order of values inside each ok transaction.
pub fn in_transaction_order(txns: &[Txn<Atom>]) -> Source {
    let mut edges = Vec::new();
    for txn in txns.iter().filter(|t| t.kind == OpType::Ok) {
        let mut current: HashMap<&Atom, Version> = HashMap::new();
        for mop in &txn.mops {
            match mop {
                Mop::Read { key, value } => {
                    if let (Some(Some(seen)), Some(now)) = (current.get(key), value) {
                        if seen != now {
                            edges.push((key.clone(), Some(seen.clone()), now.clone()));
                        }
                    }
                    current.insert(key, value.clone());
                }
                Mop::Write { key, value } => {
                    if let Some(before) = current.get(key) {
                        edges.push((key.clone(), before.clone(), value.clone()));
                    }
                    current.insert(key, Some(value.clone()));
                }
            }
        }
    }
    Source {
        name: "in-transaction-order",
        edges,
    }
}

/// G0 cycles under the stricter inference, as cycle reports; `sources` are the checker's
/// own version sources, which the stricter one extends.
pub fn stricter_g0_cycles(history: &[Op], txns: &[Txn<Atom>], sources: &[Source]) -> Vec<Value> {
    let mut all = sources.to_vec();
    all.push(in_transaction_order(txns));
    let versions = VersionGraphs::merge(&all);
    let mut writers: HashMap<(&Atom, &Atom), Vec<u32>> = HashMap::new();
    for (i, txn) in txns
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == OpType::Ok)
    {
        for mop in &txn.mops {
            if let Mop::Write { key, value } = mop {
                writers.entry((key, value)).or_default().push(i as u32);
            }
        }
    }
    let mut builder = GraphBuilder::new(txns.len());
    for (key, edges) in &versions.edges {
        for (from, to) in edges {
            let Some(from) = from else { continue };
            let (Some(a), Some(b)) = (writers.get(&(key, from)), writers.get(&(key, to))) else {
                continue;
            };
            for &x in a {
                for &y in b {
                    let why = Why {
                        key: key.clone(),
                        value: from.to_json(),
                        value2: Some(to.to_json()),
                    };
                    builder.link_why(x, y, Rel::Ww, why);
                }
            }
        }
    }
    let graph = builder.build();
    let wanted: BTreeSet<&'static str> = ["G0"].into_iter().collect();
    let findings = find_cycles(&graph, &wanted, DEFAULT_BUDGET);
    let op = |v: u32| op_json(&history[txns[v as usize].pos]);
    findings
        .cycles
        .values()
        .flatten()
        .map(|c| c.to_json(&graph, &op))
        .collect()
}

/// The `warnings` entry for the cycles found, if any.
pub fn warning(cycles: Vec<Value>) -> Option<Value> {
    (!cycles.is_empty())
        .then(|| json!({"G0": {"note": NOTE, "count": cycles.len(), "cases": cycles}}))
}
