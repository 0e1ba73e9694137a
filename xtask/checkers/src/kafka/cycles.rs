//! Elle's cycle search over Kafka ops (spec `checkers.md` §2.6 rule 11): wr edges from the
//! op that sent a message to every op that polled it, plus realtime edges, since the Kafka
//! checker always assumes strict serializability. With one micro-op per op the reachable
//! anomaly is `G1c-realtime`: a poll that completed before the send it returned began.
//! Every type found is reported (the cycle-exists markers too); the verdict rule decides
//! which are allowed.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::context::{Case, Ctx};
use super::ops::Kind;
use crate::history::OpType;
use crate::pairing::Pairs;
use crate::txn::cycles::{find_cycles, DEFAULT_BUDGET};
use crate::txn::graph::{GraphBuilder, Rel, Why};
use crate::txn::markers::cycle_exists_markers;
use crate::txn::models::{prohibited_anomalies, ConsistencyModel};

/// Cycle-search findings by error type, each case rendered already (there are few).
pub fn cycle_errors<'a>(
    ctx: &Ctx<'a>,
    pairs: &Pairs,
) -> Result<BTreeMap<String, Vec<Case<'a>>>, String> {
    let in_graph = |i: usize| matches!(ctx.ops[i].f, Kind::Send | Kind::Poll | Kind::Txn);
    let mut builder = GraphBuilder::new(ctx.ops.len());
    for (i, op) in ctx.ops.iter().enumerate().filter(|(i, _)| in_graph(*i)) {
        for (key, pairs) in &op.polls {
            for (_, msg) in pairs {
                let Some(&writer) = ctx.index.writer_of.get(&(*key, msg.clone())) else {
                    return Err(format!(
                        "key {} message {} was polled but never sent",
                        ctx.keys.name(*key),
                        msg
                    ));
                };
                let why = Why {
                    key: crate::txn::atom::Atom::Str(ctx.keys.name(*key).to_owned()),
                    value: msg.to_json(),
                    value2: None,
                };
                builder.link_why(writer as u32, i as u32, Rel::Wr, why);
            }
        }
    }
    let vertex: HashMap<usize, u32> = ctx
        .ops
        .iter()
        .enumerate()
        .filter(|(i, op)| in_graph(*i) && matches!(op.kind, OpType::Ok | OpType::Info))
        .map(|(i, op)| (op.pos, i as u32))
        .collect();
    crate::txn::order::link_realtime(&mut builder, ctx.history, pairs, &|pos| {
        vertex.get(&pos).copied()
    });
    let graph = builder.build();

    let mut errors: BTreeMap<String, Vec<Case<'a>>> = BTreeMap::new();
    let mut add = |kind: &str, weight: i64, value: Value| {
        errors
            .entry(kind.to_owned())
            .or_default()
            .push(Case::new(weight, move || value.clone()));
    };
    if !graph.has_vertices() {
        add(
            "empty-transaction-graph",
            0,
            serde_json::json!({"type": "empty-transaction-graph"}),
        );
        return Ok(errors);
    }
    let index = |v: u32| ctx.history[ctx.ops[v as usize].pos].index as u64;
    for marker in cycle_exists_markers(&graph, &index) {
        add(&marker.anomaly, 0, marker.case);
    }
    let wanted = prohibited_anomalies(&[ConsistencyModel::STRICT_SERIALIZABLE]);
    let findings = find_cycles(&graph, &wanted, DEFAULT_BUDGET);
    for (kind, cycles) in &findings.cycles {
        for cycle in cycles {
            add(
                kind,
                cycle.vertices.len() as i64,
                cycle.to_json(&graph, &|v| ctx.op_json(v as usize)),
            );
        }
    }
    for timeout in findings.timeouts {
        add("cycle-search-timeout", 0, timeout);
    }
    Ok(errors)
}
