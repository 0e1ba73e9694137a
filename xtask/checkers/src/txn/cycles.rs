//! Elle's cycle search (spec `checkers.md` §4.6): find strongly connected components of the
//! dependency graph, then inside each one look for a concrete cycle of every anomaly type
//! still worth reporting, most severe first, and name it by the relations on its steps.
//!
//! Each anomaly type ([`super::cycle_spec`]) is a breadth-first search over (vertex,
//! automaton state), so the cycle found is classified by construction. A search starts from one edge of a kind the anomaly needs (a wr edge for G1c, an rw edge
//! for G-single) and looks for the shortest way back. Candidate start edges are only those
//! inside a component of the graph projected onto the type's relations, so G0 and G1c need
//! a single search each. The work is bounded by a deterministic budget of relaxations per
//! (component, type); running out is reported as `cycle-search-timeout`, as Elle does after
//! its one-second limit.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use serde_json::{json, Value};

use super::cycle_spec::{Spec, SPECS};
use super::graph::{Graph, Rel, Rels};
use super::lattice::implied_anomalies;
use super::scc;

/// How many (vertex, state) relaxations one anomaly type may spend in one component.
pub const DEFAULT_BUDGET: u64 = 2_000_000;

/// A cycle: `vertices[0] -> vertices[1] -> … -> vertices[0]`, the relation each step is
/// explained by, and the anomaly type that names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cycle {
    pub anomaly: &'static str,
    pub vertices: Vec<u32>,
    pub steps: Vec<Rel>,
}

impl Cycle {
    /// Elle's report of a cycle: the ops in order (the first repeated at the end) and one
    /// step per edge saying which relation, key and values link the two ops.
    pub fn to_json(&self, graph: &Graph, op_json: &dyn Fn(u32) -> Value) -> Value {
        let n = self.vertices.len();
        let mut ops: Vec<Value> = self.vertices.iter().map(|&v| op_json(v)).collect();
        ops.push(op_json(self.vertices[0]));
        let steps: Vec<Value> = (0..n)
            .map(|i| {
                let (a, b, rel) = (self.vertices[i], self.vertices[(i + 1) % n], self.steps[i]);
                let mut step = json!({"type": rel.name()});
                if let Some(why) = graph.why(a, b, rel) {
                    step["key"] = why.key.to_json();
                    step["value"] = why.value.clone();
                    if let Some(v2) = &why.value2 {
                        step["value'"] = v2.clone();
                    }
                }
                step
            })
            .collect();
        json!({"type": self.anomaly, "cycle": ops, "steps": steps})
    }
}

/// Concrete cycles by anomaly type, plus `cycle-search-timeout` cases.
#[derive(Debug, Default)]
pub struct CycleFindings {
    pub cycles: BTreeMap<&'static str, Vec<Cycle>>,
    pub timeouts: Vec<Value>,
}

/// Searches every component of `graph` for the cycle types in `wanted`, within `budget`
/// relaxations per (component, type).
pub fn find_cycles(graph: &Graph, wanted: &BTreeSet<&'static str>, budget: u64) -> CycleFindings {
    let mut findings = CycleFindings::default();
    let specs: Vec<&Spec> = SPECS.iter().filter(|s| wanted.contains(s.name)).collect();
    if specs.is_empty() {
        return findings;
    }
    let all = Rels::DATA | Rels::PROCESS | Rels::REALTIME;
    for component in scc::sccs(graph, all) {
        let mut found: Vec<&'static str> = Vec::new();
        for spec in &specs {
            if implied_anomalies(found.iter().copied()).contains(spec.name) {
                continue;
            }
            match search(graph, &component, spec, budget) {
                Ok(Some(cycle)) => {
                    found.push(spec.name);
                    findings.cycles.entry(spec.name).or_default().push(cycle);
                }
                Ok(None) => {}
                Err(OutOfBudget) => findings.timeouts.push(json!({
                    "type": "cycle-search-timeout",
                    "anomaly-spec-type": spec.name,
                    "does-not-contain": found.clone(),
                    "scc-size": component.len(),
                })),
            }
        }
    }
    findings
}

struct OutOfBudget;

/// Looks for one cycle of `spec`'s type inside one component of the full graph.
fn search(
    graph: &Graph,
    component: &[u32],
    spec: &Spec,
    budget: u64,
) -> Result<Option<Cycle>, OutOfBudget> {
    let mut spent = 0u64;
    let allowed = spec.allowed();
    for sub in scc::sccs_within(graph, component, allowed) {
        let members: HashSet<u32> = sub.iter().copied().collect();
        for &u in &sub {
            for &(v, rels) in graph.out(u) {
                let Some(first) = rels.intersect(spec.first_step()).iter().next() else {
                    continue;
                };
                if !members.contains(&v) {
                    continue;
                }
                let state = spec.step(0, first).expect("the first step is allowed");
                if let Some(cycle) = walk_back(
                    graph,
                    &members,
                    spec,
                    (u, v, first),
                    state,
                    &mut spent,
                    budget,
                )? {
                    return Ok(Some(cycle));
                }
            }
        }
    }
    Ok(None)
}

/// Breadth-first search from `v` back to `u` over (vertex, state), after the first step
/// `u -> v`; returns the shortest accepted cycle through that step.
fn walk_back(
    graph: &Graph,
    members: &HashSet<u32>,
    spec: &Spec,
    (u, v, first): (u32, u32, Rel),
    state: u8,
    spent: &mut u64,
    budget: u64,
) -> Result<Option<Cycle>, OutOfBudget> {
    // (vertex, state) -> the (vertex, state, relation) it was reached from.
    let mut parent: HashMap<(u32, u8), (u32, u8, Rel)> = HashMap::new();
    let mut queue: VecDeque<(u32, u8)> = VecDeque::from([(v, state)]);
    parent.insert((v, state), (u, 0, first));
    while let Some((x, s)) = queue.pop_front() {
        for &(y, rels) in graph.out(x) {
            if !members.contains(&y) {
                continue;
            }
            for rel in rels.intersect(spec.allowed()).iter() {
                *spent += 1;
                if *spent > budget {
                    return Err(OutOfBudget);
                }
                let Some(s2) = spec.step(s, rel) else {
                    continue;
                };
                if y == u {
                    if spec.accepts(first, s2) {
                        return Ok(Some(unwind(spec, &parent, (u, (v, state)), (x, s), rel)));
                    }
                    continue;
                }
                if let std::collections::hash_map::Entry::Vacant(e) = parent.entry((y, s2)) {
                    e.insert((x, s, rel));
                    queue.push_back((y, s2));
                }
            }
        }
    }
    Ok(None)
}

fn unwind(
    spec: &Spec,
    parent: &HashMap<(u32, u8), (u32, u8, Rel)>,
    (u, start): (u32, (u32, u8)),
    last: (u32, u8),
    last_rel: Rel,
) -> Cycle {
    // Follow parents from the last vertex before u back to the start (v, its state),
    // whose parent entry is the first step u -> v.
    let mut path: Vec<(u32, Rel)> = Vec::new();
    let mut at = last;
    loop {
        let (px, ps, rel) = parent[&at];
        path.push((at.0, rel));
        if at == start {
            break;
        }
        at = (px, ps);
    }
    path.reverse();
    let mut vertices = vec![u];
    let mut steps = Vec::with_capacity(path.len() + 1);
    for (x, rel) in path {
        vertices.push(x);
        steps.push(rel);
    }
    steps.push(last_rel);
    Cycle {
        anomaly: spec.name,
        vertices,
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::txn::cycle_spec::cycle_anomaly_types;
    use crate::txn::graph::GraphBuilder;

    fn graph(n: usize, edges: &[(u32, u32, Rel)]) -> Graph {
        let mut b = GraphBuilder::new(n);
        for &(a, c, r) in edges {
            b.link(a, c, r);
        }
        b.build()
    }

    fn everything() -> BTreeSet<&'static str> {
        cycle_anomaly_types().collect()
    }

    fn types(findings: &CycleFindings) -> Vec<&'static str> {
        findings.cycles.keys().copied().collect()
    }

    #[test]
    fn classifies_the_basic_shapes() {
        use Rel::*;
        let g0 = graph(2, &[(0, 1, Ww), (1, 0, Ww)]);
        assert_eq!(
            types(&find_cycles(&g0, &everything(), DEFAULT_BUDGET)),
            vec!["G0"]
        );
        let g1c = graph(3, &[(0, 1, Wr), (1, 2, Ww), (2, 0, Ww)]);
        let f = find_cycles(&g1c, &everything(), DEFAULT_BUDGET);
        assert_eq!(types(&f), vec!["G1c"]);
        assert_eq!(f.cycles["G1c"][0].vertices, vec![0, 1, 2]);
        assert_eq!(f.cycles["G1c"][0].steps, vec![Wr, Ww, Ww]);
        let single = graph(2, &[(0, 1, Rw), (1, 0, Wr)]);
        assert_eq!(
            types(&find_cycles(&single, &everything(), DEFAULT_BUDGET)),
            vec!["G-single-item"]
        );
        let g2 = graph(2, &[(0, 1, Rw), (1, 0, Rw)]);
        assert_eq!(
            types(&find_cycles(&g2, &everything(), DEFAULT_BUDGET)),
            vec!["G2-item"]
        );
        let nonadjacent = graph(4, &[(0, 1, Rw), (1, 2, Wr), (2, 3, Rw), (3, 0, Ww)]);
        let f = find_cycles(&nonadjacent, &everything(), DEFAULT_BUDGET);
        assert_eq!(types(&f), vec!["G-nonadjacent-item"]);
        assert_eq!(f.cycles["G-nonadjacent-item"][0].vertices.len(), 4);
    }

    #[test]
    fn realtime_variants_need_a_realtime_step() {
        use Rel::*;
        let g = graph(2, &[(0, 1, Wr), (1, 0, Realtime)]);
        let f = find_cycles(&g, &everything(), DEFAULT_BUDGET);
        assert_eq!(types(&f), vec!["G1c-realtime"]);
        assert_eq!(f.cycles["G1c-realtime"][0].steps, vec![Wr, Realtime]);
        let only_data: BTreeSet<&str> = ["G0", "G1c"].into_iter().collect();
        assert!(find_cycles(&g, &only_data, DEFAULT_BUDGET)
            .cycles
            .is_empty());
    }

    #[test]
    fn implied_types_are_not_searched_again() {
        use Rel::*;
        // A G0 cycle also has wr edges: G1c is implied by G0 and not reported.
        let g = graph(2, &[(0, 1, Ww), (0, 1, Wr), (1, 0, Ww), (1, 0, Wr)]);
        assert_eq!(
            types(&find_cycles(&g, &everything(), DEFAULT_BUDGET)),
            vec!["G0"]
        );
    }

    #[test]
    fn running_out_of_budget_is_a_timeout() {
        use Rel::*;
        let g = graph(3, &[(0, 1, Rw), (1, 2, Rw), (2, 0, Rw)]);
        let wanted: BTreeSet<&str> = ["G2-item"].into_iter().collect();
        let f = find_cycles(&g, &wanted, 1);
        assert!(f.cycles.is_empty());
        assert_eq!(f.timeouts[0]["anomaly-spec-type"], "G2-item");
        assert_eq!(
            types(&find_cycles(&g, &wanted, DEFAULT_BUDGET)),
            vec!["G2-item"]
        );
    }
}
