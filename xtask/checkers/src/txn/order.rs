//! The two non-data orders Elle adds to a dependency graph: realtime (T1 completed before
//! T2 was invoked) and process (consecutive ok transactions of one process).
//!
//! Realtime is added as a transitive reduction, as Elle's `realtime-graph` does: we keep a
//! frontier of ok completions that nothing later has yet been ordered after. Linking only
//! from the frontier keeps the edge count near (transactions × concurrency) instead of
//! quadratic, and loses no cycle, since every dropped edge is implied by a path.
//! `info` completions receive realtime edges but never give them (they may have taken
//! effect arbitrarily late); `fail` ones take no part.

use std::collections::{BTreeSet, HashMap};

use super::graph::{GraphBuilder, Rel};
use crate::history::{Op, OpType, Process};
use crate::pairing::Pairs;

/// Adds realtime edges between the vertices that `vertex_of` assigns to completion
/// positions (vertices must be ok or info completions).
pub fn link_realtime(
    builder: &mut GraphBuilder,
    history: &[Op],
    pairs: &Pairs,
    vertex_of: &dyn Fn(usize) -> Option<u32>,
) {
    let mut frontier: BTreeSet<u32> = BTreeSet::new();
    // For each ok vertex still running: the frontier it was linked from at its invocation.
    let mut linked_from: HashMap<u32, Vec<u32>> = HashMap::new();
    for (pos, op) in history.iter().enumerate() {
        match op.kind {
            OpType::Invoke => {
                let Some(done) = pairs.completion(pos) else {
                    continue;
                };
                let Some(x) = vertex_of(done) else { continue };
                if !matches!(history[done].kind, OpType::Ok | OpType::Info) {
                    continue;
                }
                for &f in &frontier {
                    builder.link(f, x, Rel::Realtime);
                }
                if history[done].kind == OpType::Ok {
                    linked_from.insert(x, frontier.iter().copied().collect());
                }
            }
            OpType::Ok => {
                let Some(y) = vertex_of(pos) else { continue };
                // Everything already ordered before y is now implied through y.
                for f in linked_from.remove(&y).unwrap_or_default() {
                    frontier.remove(&f);
                }
                frontier.insert(y);
            }
            OpType::Fail | OpType::Info => {}
        }
    }
}

/// Adds process edges: each ok vertex follows its process's previous ok vertex.
pub fn link_process(
    builder: &mut GraphBuilder,
    history: &[Op],
    vertex_of: &dyn Fn(usize) -> Option<u32>,
) {
    let mut last: HashMap<Process, u32> = HashMap::new();
    for (pos, op) in history.iter().enumerate() {
        if op.kind != OpType::Ok {
            continue;
        }
        let Some(x) = vertex_of(pos) else { continue };
        if let Some(previous) = last.insert(op.process, x) {
            builder.link(previous, x, Rel::Process);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::HistoryBuilder;
    use crate::txn::graph::Rels;
    use serde_json::json;

    #[test]
    fn realtime_is_a_transitive_reduction_and_skips_info_sources() {
        // 0: A, then B and C overlap, then D after both; E is info and invoked after A.
        let h = HistoryBuilder::new()
            .invoke(0, "txn", json!([]))
            .ok(0, "txn", json!([])) // pos 1: A
            .invoke(1, "txn", json!([]))
            .invoke(2, "txn", json!([]))
            .ok(1, "txn", json!([])) // pos 4: B
            .ok(2, "txn", json!([])) // pos 5: C
            .invoke(0, "txn", json!([]))
            .invoke(3, "txn", json!([]))
            .info(3, "txn", json!([])) // pos 8: E
            .ok(0, "txn", json!([])) // pos 9: D
            .build();
        let pairs = Pairs::of(&h).unwrap();
        let ids: HashMap<usize, u32> = [(1, 0), (4, 1), (5, 2), (9, 3), (8, 4)]
            .into_iter()
            .collect();
        let vertex_of = |pos: usize| ids.get(&pos).copied();
        let mut b = GraphBuilder::new(5);
        link_realtime(&mut b, &h, &pairs, &vertex_of);
        link_process(&mut b, &h, &vertex_of);
        let g = b.build();
        assert!(g.rels(0, 1).contains(Rel::Realtime) && g.rels(0, 2).contains(Rel::Realtime));
        assert!(g.rels(1, 3).contains(Rel::Realtime) && g.rels(2, 3).contains(Rel::Realtime));
        assert!(
            g.rels(0, 3).intersect(Rels::REALTIME).is_empty(),
            "implied by A->B->D"
        );
        assert!(
            g.rels(1, 4).contains(Rel::Realtime),
            "info completions are targets"
        );
        assert!(g.out(4).is_empty(), "info completions are never sources");
        assert!(
            g.rels(0, 3).contains(Rel::Process),
            "A and D are process 0's ok ops"
        );
    }
}
