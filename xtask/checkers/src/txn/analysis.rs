//! The graph stage shared by both Elle checkers: given a dependency graph and the anomaly
//! types worth reporting, record the cycle-exists markers, the concrete cycles, search
//! timeouts, and the `empty-transaction-graph` case.
//!
//! It also decides which order relations a checker must add to its data graph, as Elle's
//! `additional-graphs` does: realtime when any `-realtime` type is reportable (process
//! anomalies are then found through realtime, as process order is part of realtime order),
//! else process when any `-process` type is, else neither.

use std::collections::BTreeSet;

use serde_json::Value;

use super::anomalies::Anomalies;
use super::cycle_spec::cycle_anomaly_types;
use super::cycles::{find_cycles, DEFAULT_BUDGET};
use super::graph::Graph;
use super::markers::cycle_exists_markers;

/// Which order relation to add to the data dependencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtraOrder {
    Neither,
    Process,
    Realtime,
}

/// Elle's `additional-graphs` for the given reportable anomaly types.
pub fn extra_order(reportable: &BTreeSet<&'static str>) -> ExtraOrder {
    let types: Vec<&str> = cycle_anomaly_types()
        .filter(|t| reportable.contains(t))
        .collect();
    if types.iter().any(|t| t.ends_with("-realtime")) {
        ExtraOrder::Realtime
    } else if types.iter().any(|t| t.ends_with("-process")) {
        ExtraOrder::Process
    } else {
        ExtraOrder::Neither
    }
}

/// How to name a vertex in a report.
pub struct VertexNames<'a> {
    /// The history index of the vertex's completion record.
    pub index: &'a dyn Fn(u32) -> u64,
    /// The completion record as JSON.
    pub op: &'a dyn Fn(u32) -> Value,
}

/// Adds the graph's anomalies of the `reportable` types (markers and timeouts are added
/// regardless; the result map filters them).
pub fn analyse_graph(
    graph: &Graph,
    reportable: &BTreeSet<&'static str>,
    names: &VertexNames,
    anomalies: &mut Anomalies,
) {
    if !graph.has_vertices() {
        anomalies.flag("empty-transaction-graph");
        return;
    }
    for marker in cycle_exists_markers(graph, names.index) {
        anomalies.add(&marker.anomaly, marker.case);
    }
    let findings = find_cycles(graph, reportable, DEFAULT_BUDGET);
    for (kind, cycles) in &findings.cycles {
        for cycle in cycles {
            anomalies.add(kind, cycle.to_json(graph, names.op));
        }
    }
    for timeout in findings.timeouts {
        anomalies.add("cycle-search-timeout", timeout);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::txn::graph::{GraphBuilder, Rel};
    use crate::txn::models::{prohibited_anomalies, ConsistencyModel};

    #[test]
    fn extra_orders_follow_the_models() {
        let of = |m: ConsistencyModel| extra_order(&prohibited_anomalies(&[m]));
        assert_eq!(
            of(ConsistencyModel::STRICT_SERIALIZABLE),
            ExtraOrder::Realtime
        );
        assert_eq!(of(ConsistencyModel::SERIALIZABLE), ExtraOrder::Neither);
        assert_eq!(of(ConsistencyModel::READ_COMMITTED), ExtraOrder::Neither);
        assert_eq!(
            of(ConsistencyModel::parse("strong-session-serializable").unwrap()),
            ExtraOrder::Process
        );
    }

    #[test]
    fn reports_markers_cycles_and_empty_graphs() {
        let names = VertexNames {
            index: &|v| v as u64,
            op: &|v| Value::from(v),
        };
        let mut a = Anomalies::new();
        analyse_graph(
            &GraphBuilder::new(2).build(),
            &BTreeSet::new(),
            &names,
            &mut a,
        );
        assert!(a.contains("empty-transaction-graph"));
        let mut b = GraphBuilder::new(2);
        b.link(0, 1, Rel::Ww);
        b.link(1, 0, Rel::Ww);
        let mut a = Anomalies::new();
        analyse_graph(&b.build(), &["G0"].into_iter().collect(), &names, &mut a);
        assert_eq!(
            a.types().collect::<Vec<_>>(),
            vec!["G0", "PL-1-cycle-exists"]
        );
        assert_eq!(a.to_json()["G0"][0]["cycle"], serde_json::json!([0, 1, 0]));
    }
}
