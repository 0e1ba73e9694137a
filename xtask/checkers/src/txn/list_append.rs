//! Elle's list-append checker as Maelstrom's txn-list-append workload runs it (spec
//! `checkers.md` §2.8, §4.8); Elle's verdict is returned as is (`true`, `false` or
//! `unknown`).
//!
//! History shape (what the simulator must record): `f` is `"txn"`; the value is the list of
//! micro-ops as on the wire, `[["r", k, null], ["append", k, v], …]` on the invocation and
//! on `fail`/`info` completions, and with each read's whole list filled in (`null` for a
//! missing key) on `ok` completions: `[["r", 1, [8, 9]], ["append", 1, 6]]`. Appended
//! values must be unique per key; otherwise the result is `unknown`, as upstream throws.
//!
//! Because reads return whole lists, version orders are known from reads alone, and every
//! append gets ww and rw edges from the version before it. Info transactions take part
//! (their appends can be observed); failed ones are only checked as aborted writers.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::analysis::{analyse_graph, extra_order, ExtraOrder, VertexNames};
use super::anomalies::{op_json, Anomalies};
use super::append_anomalies::{
    dirty_read_cases, dirty_update_cases, duplicate_cases, internal_cases,
};
use super::append_order::AppendOrders;
use super::atom::Atom;
use super::graph::{Graph, GraphBuilder, Rel, Why};
use super::lost_update::lost_update_cases;
use super::models::ConsistencyModel;
use super::mop::{completed_txns, parse_mops, Mop, Txn};
use super::order::{link_process, link_realtime};
use super::report::{elle_checked, reportable_types};
use crate::checked::Checked;
use crate::history::{Op, OpType};
use crate::pairing::Pairs;

type ListTxn = Txn<Vec<Atom>>;

/// Checks a txn-list-append history against `models` (none means
/// [`ConsistencyModel::DEFAULT`], strict-serializable, as in Maelstrom).
pub fn check(history: &[Op], models: &[ConsistencyModel]) -> Checked {
    run(history, models).unwrap_or_else(Checked::error)
}

fn run(history: &[Op], models: &[ConsistencyModel]) -> Result<Checked, String> {
    let models = ConsistencyModel::or_default(models);
    let pairs = Pairs::of(history).map_err(|e| e.to_string())?;
    check_unique_appends(history)?;
    let txns: Vec<ListTxn> = completed_txns(history, "append").map_err(|e| e.to_string())?;
    let (_, reportable) = reportable_types(models);

    let mut anomalies = Anomalies::new();
    internal_cases(history, &txns, &mut anomalies);
    duplicate_cases(history, &txns, &mut anomalies);
    dirty_read_cases(history, &txns, &mut anomalies);
    lost_update_cases(history, &txns, &mut anomalies);
    let orders = AppendOrders::infer(&txns, &mut anomalies);
    dirty_update_cases(history, &txns, &orders, &mut anomalies);

    let graph = dependency_graph(history, &pairs, &txns, &orders, extra_order(&reportable));
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
    Ok(elle_checked(anomalies, models))
}

/// Upstream's pre-check: every appended value is unique per key across invocations.
fn check_unique_appends(history: &[Op]) -> Result<(), String> {
    let mut seen: HashSet<(Atom, Atom)> = HashSet::new();
    for op in history
        .iter()
        .filter(|op| op.is_client() && op.f == "txn" && op.kind == OpType::Invoke)
    {
        for mop in parse_mops::<Vec<Atom>>(op, "append").map_err(|e| e.to_string())? {
            if let Mop::Write { key, value } = mop {
                if !seen.insert((key.clone(), value.clone())) {
                    return Err(format!(
                        "value {value} was appended to key {key} more than once (op {})",
                        op.index
                    ));
                }
            }
        }
    }
    Ok(())
}

fn dependency_graph(
    history: &[Op],
    pairs: &Pairs,
    txns: &[ListTxn],
    orders: &AppendOrders,
    extra: ExtraOrder,
) -> Graph {
    let possible = |t: &ListTxn| matches!(t.kind, OpType::Ok | OpType::Info);
    let mut writer: HashMap<(&Atom, &Atom), u32> = HashMap::new();
    // (key, last element read, or None for an empty read) → ok readers.
    let mut readers: HashMap<(&Atom, Option<&Atom>), Vec<u32>> = HashMap::new();
    for (i, txn) in txns.iter().enumerate().filter(|(_, t)| possible(t)) {
        for mop in &txn.mops {
            match mop {
                Mop::Write { key, value } => {
                    writer.insert((key, value), i as u32);
                }
                Mop::Read { key, value } if txn.kind == OpType::Ok => {
                    let last = value.as_ref().and_then(|l| l.last());
                    let entry = readers.entry((key, last)).or_default();
                    if entry.last() != Some(&(i as u32)) {
                        entry.push(i as u32);
                    }
                }
                Mop::Read { .. } => {}
            }
        }
    }
    let mut builder = GraphBuilder::new(txns.len());
    for (i, txn) in txns.iter().enumerate().filter(|(_, t)| possible(t)) {
        let me = i as u32;
        for mop in &txn.mops {
            match mop {
                Mop::Read {
                    key,
                    value: Some(list),
                } if txn.kind == OpType::Ok => {
                    let Some(last) = list.last() else { continue };
                    if let Some(&w) = writer.get(&(key, last)) {
                        builder.link_why(
                            w,
                            me,
                            Rel::Wr,
                            Why {
                                key: key.clone(),
                                value: last.to_json(),
                                value2: None,
                            },
                        );
                    }
                }
                Mop::Write { key, value } => {
                    let prev = orders.previous(key, value);
                    let why = || Why {
                        key: key.clone(),
                        value: prev.map_or(Value::Null, Atom::to_json),
                        value2: Some(value.to_json()),
                    };
                    if let Some(&w) = prev.and_then(|p| writer.get(&(key, p))) {
                        builder.link_why(w, me, Rel::Ww, why());
                    }
                    for &r in readers.get(&(key, prev)).map_or(&[][..], Vec::as_slice) {
                        builder.link_why(r, me, Rel::Rw, why());
                    }
                }
                Mop::Read { .. } => {}
            }
        }
    }
    let vertex: HashMap<usize, u32> = txns
        .iter()
        .enumerate()
        .filter(|(_, t)| possible(t))
        .map(|(i, t)| (t.pos, i as u32))
        .collect();
    let vertex_of = |pos: usize| vertex.get(&pos).copied();
    match extra {
        ExtraOrder::Realtime => link_realtime(&mut builder, history, pairs, &vertex_of),
        ExtraOrder::Process => link_process(&mut builder, history, &vertex_of),
        ExtraOrder::Neither => {}
    }
    builder.build()
}

#[cfg(test)]
#[path = "list_append_tests.rs"]
mod tests;
