//! Elle's "cycle exists" markers (spec `checkers.md` §4.6 step 2): cheap proofs that some
//! model is violated, found by projecting the graph onto a model's relations and asking
//! whether any strongly connected component remains, without naming a concrete cycle.
//!
//! Snapshot isolation's projection is "ww ∪ wr, then at most one rw hop": a cycle in which
//! every rw step follows a ww/wr/order step. Instead of composing relations (quadratic), we
//! search a two-layer copy of the graph: layer 1 is entered by a ww/wr/order step, and an
//! rw step may only leave layer 1 (into layer 0). Its cycles are exactly those walks.
//!
//! Once a model's marker is found, markers of stronger models would say nothing new and are
//! skipped, as upstream does.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::graph::{Graph, Rels};
use super::lattice::stronger_models;
use super::models::friendly;
use super::scc;

/// A projection of the graph: a union of relations, optionally extended by one rw hop.
#[derive(Debug, Clone, Copy)]
struct Subgraph {
    union: Rels,
    rw_extension: bool,
}

const WW_WR: Rels = Rels::WW.union(Rels::WR);

/// (model, projection), weakest first.
const MARKERS: &[(&str, Subgraph)] = &[
    (
        "PL-1",
        Subgraph {
            union: Rels::WW,
            rw_extension: false,
        },
    ),
    (
        "PL-2",
        Subgraph {
            union: WW_WR,
            rw_extension: false,
        },
    ),
    (
        "PL-SI",
        Subgraph {
            union: WW_WR,
            rw_extension: true,
        },
    ),
    (
        "PL-2.99",
        Subgraph {
            union: Rels::DATA,
            rw_extension: false,
        },
    ),
    (
        "PL-3",
        Subgraph {
            union: Rels::DATA,
            rw_extension: false,
        },
    ),
    (
        "strong-session-PL-1",
        Subgraph {
            union: Rels::WW.union(Rels::PROCESS),
            rw_extension: false,
        },
    ),
    (
        "strong-session-PL-2",
        Subgraph {
            union: WW_WR.union(Rels::PROCESS),
            rw_extension: false,
        },
    ),
    (
        "strong-session-snapshot-isolation",
        Subgraph {
            union: WW_WR.union(Rels::PROCESS),
            rw_extension: true,
        },
    ),
    (
        "strong-session-serializable",
        Subgraph {
            union: Rels::DATA.union(Rels::PROCESS),
            rw_extension: false,
        },
    ),
    (
        "strong-PL-1",
        Subgraph {
            union: Rels::WW.union(Rels::REALTIME),
            rw_extension: false,
        },
    ),
    (
        "strong-PL-2",
        Subgraph {
            union: WW_WR.union(Rels::REALTIME),
            rw_extension: false,
        },
    ),
    (
        "strong-snapshot-isolation",
        Subgraph {
            union: WW_WR.union(Rels::REALTIME),
            rw_extension: true,
        },
    ),
    (
        "PL-SS",
        Subgraph {
            union: Rels::DATA.union(Rels::REALTIME),
            rw_extension: false,
        },
    ),
];

impl Subgraph {
    fn to_json(self) -> Value {
        let names: Vec<Value> = self.union.iter().map(|r| Value::from(r.name())).collect();
        let union = if names.len() == 1 {
            names[0].clone()
        } else {
            json!(["union"]
                .into_iter()
                .map(Value::from)
                .chain(names)
                .collect::<Vec<_>>())
        };
        if self.rw_extension {
            json!(["extension", union, "rw"])
        } else {
            union
        }
    }

    /// The non-trivial components of this projection, in graph vertex numbers.
    fn components(self, graph: &Graph) -> Vec<Vec<u32>> {
        if !self.rw_extension {
            return scc::sccs(graph, self.union);
        }
        // Vertex 2v is "v, entered by rw or at the start"; 2v+1 is "v, entered by a union step".
        let layered = scc::components(graph.node_count() * 2, |x, out| {
            let (v, after_union) = ((x / 2) as u32, x % 2 == 1);
            for &(to, rels) in graph.out(v) {
                if !rels.intersect(self.union).is_empty() {
                    out.push(to as usize * 2 + 1);
                }
                if after_union && !rels.intersect(Rels::RW).is_empty() {
                    out.push(to as usize * 2);
                }
            }
        });
        layered
            .into_iter()
            .map(|c| {
                c.into_iter()
                    .map(|x| (x / 2) as u32)
                    .collect::<BTreeSet<u32>>()
                    .into_iter()
                    .collect()
            })
            .collect()
    }
}

/// One marker found: its anomaly type and Elle's case map, with `scc` in op indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub anomaly: String,
    pub case: Value,
}

/// Elle's `cycle-exists-cases`: one marker per model whose projection has a cycle,
/// skipping models stronger than one already found. `op_index` maps vertices to history
/// indices for the report.
pub fn cycle_exists_markers(graph: &Graph, op_index: &dyn Fn(u32) -> u64) -> Vec<Marker> {
    let mut markers = Vec::new();
    let mut redundant: BTreeSet<&'static str> = BTreeSet::new();
    for &(model, subgraph) in MARKERS {
        if redundant.contains(model) {
            continue;
        }
        let Some(smallest) = subgraph
            .components(graph)
            .into_iter()
            .min_by_key(|c| c.len())
        else {
            continue;
        };
        let mut indices: Vec<u64> = smallest.iter().map(|&v| op_index(v)).collect();
        indices.sort_unstable();
        let anomaly = format!("{model}-cycle-exists");
        markers.push(Marker {
            case: json!({
                "type": anomaly,
                "not": friendly(model),
                "subgraph": subgraph.to_json(),
                "scc-size": indices.len(),
                "scc": indices,
            }),
            anomaly,
        });
        redundant.extend(stronger_models(model));
    }
    markers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::txn::graph::{GraphBuilder, Rel};

    fn names(g: &Graph) -> Vec<String> {
        cycle_exists_markers(g, &|v| v as u64 * 10)
            .into_iter()
            .map(|m| m.anomaly)
            .collect()
    }

    #[test]
    fn weakest_marker_only() {
        let mut b = GraphBuilder::new(3);
        b.link(0, 1, Rel::Ww);
        b.link(1, 0, Rel::Ww);
        let g = b.build();
        // A ww cycle rules out read-uncommitted, and with it every stronger model.
        assert_eq!(names(&g), vec!["PL-1-cycle-exists"]);
        let m = &cycle_exists_markers(&g, &|v| v as u64 * 10)[0];
        assert_eq!(m.case["scc"], json!([0, 10]));
        assert_eq!(m.case["not"], "read-uncommitted");
    }

    #[test]
    fn snapshot_isolation_marker_needs_nonadjacent_rw() {
        // Two adjacent rw edges (write skew) are allowed by SI: no PL-SI marker, but PL-2.99.
        let mut b = GraphBuilder::new(2);
        b.link(0, 1, Rel::Rw);
        b.link(1, 0, Rel::Rw);
        assert_eq!(names(&b.build()), vec!["PL-2.99-cycle-exists"]);
        // One rw and one wr: G-single, which SI forbids.
        let mut b = GraphBuilder::new(2);
        b.link(0, 1, Rel::Rw);
        b.link(1, 0, Rel::Wr);
        let g = b.build();
        assert_eq!(
            names(&g),
            vec!["PL-SI-cycle-exists", "PL-2.99-cycle-exists"]
        );
        assert_eq!(
            cycle_exists_markers(&g, &|v| v as u64)[0].case["subgraph"],
            json!(["extension", ["union", "ww", "wr"], "rw"])
        );
    }

    #[test]
    fn realtime_markers() {
        let mut b = GraphBuilder::new(2);
        b.link(0, 1, Rel::Wr);
        b.link(1, 0, Rel::Realtime);
        assert_eq!(names(&b.build()), vec!["strong-PL-2-cycle-exists"]);
    }
}
