//! Elle's rw-register checker as Maelstrom's txn-rw-register workload runs it (spec
//! `checkers.md` §2.7, §4.3–4.7), with Maelstrom's wrapper on the verdict.
//!
//! History shape (what the simulator must record): `f` is `"txn"`; the value is the list of
//! micro-ops exactly as on the wire, `[["r", k, null], ["w", k, v], …]` on the invocation
//! and on `fail`/`info` completions, and with read values filled in (`null` for a missing
//! key) on `ok` completions: `[["r", 1, 3], ["w", 1, 6]]`. Keys and values are integers in
//! practice; written values must be unique per key.
//!
//! Edges: wr from the one ok transaction whose external write a committed transaction
//! externally read; ww and rw from per-key version graphs built from the initial state and
//! writes-follow-reads; realtime or process edges when the models need them. Failed
//! transactions are never vertices; info ones only seed versions and receive realtime edges.
//! On top of Maelstrom's verdict, `warnings` reports write cycles that only a stricter
//! inference sees ([`super::blind_spot`]).

use std::collections::HashMap;

use serde_json::Value;

use super::analysis::{analyse_graph, extra_order, ExtraOrder, VertexNames};
use super::anomalies::{op_json, Anomalies};
use super::atom::Atom;
use super::blind_spot;
use super::graph::{Graph, GraphBuilder, Rel, Why};
use super::lost_update::lost_update_cases;
use super::models::ConsistencyModel;
use super::mop::{completed_txns, Txn};
use super::order::{link_process, link_realtime};
use super::report::{maelstrom_rw_checked, reportable_types};
use super::rw_anomalies::{dirty_read_cases, internal_cases};
use super::versions::{Source, VersionGraphs};
use crate::checked::Checked;
use crate::history::{Op, OpType};
use crate::pairing::Pairs;

/// Checks a txn-rw-register history against `models` (none means
/// [`ConsistencyModel::DEFAULT`], strict-serializable, as in Maelstrom).
pub fn check(history: &[Op], models: &[ConsistencyModel]) -> Checked {
    run(history, models).unwrap_or_else(Checked::error)
}

fn run(history: &[Op], models: &[ConsistencyModel]) -> Result<Checked, String> {
    let models = ConsistencyModel::or_default(models);
    let pairs = Pairs::of(history).map_err(|e| e.to_string())?;
    let txns: Vec<Txn<Atom>> = completed_txns(history, "w").map_err(|e| e.to_string())?;
    let (_, reportable) = reportable_types(models);

    let mut anomalies = Anomalies::new();
    internal_cases(history, &txns, &mut anomalies);
    dirty_read_cases(history, &txns, &mut anomalies);
    lost_update_cases(history, &txns, &mut anomalies);

    let sources = version_sources(&txns);
    let versions = VersionGraphs::merge(&sources);
    for case in &versions.cyclic {
        anomalies.add("cyclic-versions", case.clone());
    }
    let graph = dependency_graph(history, &pairs, &txns, &versions, extra_order(&reportable))?;
    let index = |v: u32| history[txns[v as usize].pos].index as u64;
    let op = |v: u32| op_json(&history[txns[v as usize].pos]);
    analyse_graph(
        &graph,
        &reportable,
        &VertexNames {
            index: &index,
            op: &op,
        },
        &mut anomalies,
    );

    let g0_found = anomalies.contains("G0");
    let mut checked = maelstrom_rw_checked(anomalies, models);
    if reportable.contains("G0") && !g0_found {
        if let Some(warning) =
            blind_spot::warning(blind_spot::stricter_g0_cycles(history, &txns, &sources))
        {
            checked.results["warnings"] = warning;
        }
    }
    Ok(checked)
}

/// The initial-state and writes-follow-reads version sources.
fn version_sources(txns: &[Txn<Atom>]) -> Vec<Source> {
    let mut initial = Source {
        name: "initial-state",
        edges: Vec::new(),
    };
    let mut wfr = Source {
        name: "wfr",
        edges: Vec::new(),
    };
    for txn in txns {
        let committed = txn.kind == OpType::Ok;
        if matches!(txn.kind, OpType::Ok | OpType::Info) {
            for (key, value) in txn.ext_writes() {
                initial.edges.push((key.clone(), None, value.clone()));
            }
        }
        if committed {
            let writes: HashMap<&Atom, &Atom> = txn.ext_writes().into_iter().collect();
            for (key, read) in txn.ext_reads() {
                let Some(read) = read else { continue };
                initial.edges.push((key.clone(), None, read.clone()));
                if let Some(&written) = writes.get(key) {
                    wfr.edges
                        .push((key.clone(), Some(read.clone()), written.clone()));
                }
            }
        }
    }
    vec![initial, wfr]
}

/// wr, ww and rw edges between ok transactions, plus the order relation the models need.
fn dependency_graph(
    history: &[Op],
    pairs: &Pairs,
    txns: &[Txn<Atom>],
    versions: &VersionGraphs,
    extra: ExtraOrder,
) -> Result<Graph, String> {
    let mut writers: HashMap<(&Atom, &Atom), Vec<u32>> = HashMap::new();
    let mut readers: HashMap<(&Atom, Option<&Atom>), Vec<u32>> = HashMap::new();
    for (i, txn) in txns
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == OpType::Ok)
    {
        for (key, value) in txn.ext_writes() {
            writers.entry((key, value)).or_default().push(i as u32);
        }
        for (key, value) in txn.ext_reads() {
            readers.entry((key, value)).or_default().push(i as u32);
        }
    }
    let mut builder = GraphBuilder::new(txns.len());
    for (&(key, value), reader_ids) in &readers {
        let Some(value) = value else { continue };
        match writers.get(&(key, value)).map(Vec::as_slice) {
            None | Some([]) => {}
            Some([writer]) => {
                for &r in reader_ids {
                    builder.link_why(
                        *writer,
                        r,
                        Rel::Wr,
                        Why {
                            key: key.clone(),
                            value: value.to_json(),
                            value2: None,
                        },
                    );
                }
            }
            Some(many) => {
                let indices: Vec<usize> = many
                    .iter()
                    .map(|&w| history[txns[w as usize].pos].index)
                    .collect();
                return Err(format!("key {key} value {value} was written by several committed transactions (ops {indices:?}); written values must be unique"));
            }
        }
    }
    for (key, edges) in &versions.edges {
        for (from, to) in edges {
            let why = || Why {
                key: key.clone(),
                value: from.as_ref().map_or(Value::Null, Atom::to_json),
                value2: Some(to.to_json()),
            };
            let Some(next) = writers.get(&(key, to)) else {
                continue;
            };
            for &y in next {
                if let Some(from) = from {
                    for &x in writers.get(&(key, from)).map_or(&[][..], Vec::as_slice) {
                        builder.link_why(x, y, Rel::Ww, why());
                    }
                }
                for &x in readers
                    .get(&(key, from.as_ref()))
                    .map_or(&[][..], Vec::as_slice)
                {
                    builder.link_why(x, y, Rel::Rw, why());
                }
            }
        }
    }
    let vertex: HashMap<usize, u32> = txns
        .iter()
        .enumerate()
        .filter(|(_, t)| matches!(t.kind, OpType::Ok | OpType::Info))
        .map(|(i, t)| (t.pos, i as u32))
        .collect();
    let vertex_of = |pos: usize| vertex.get(&pos).copied();
    match extra {
        ExtraOrder::Realtime => link_realtime(&mut builder, history, pairs, &vertex_of),
        ExtraOrder::Process => link_process(&mut builder, history, &vertex_of),
        ExtraOrder::Neither => {}
    }
    Ok(builder.build())
}

#[cfg(test)]
#[path = "rw_register_tests.rs"]
mod tests;
