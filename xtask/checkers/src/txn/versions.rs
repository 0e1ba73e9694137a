//! Per-key version graphs for rw-register (spec `checkers.md` §4.3): which value of a key
//! must have been installed before which, as far as the history shows.
//!
//! Facts arrive in named sources (the initial state, writes-follow-reads, and for our
//! warnings a stricter in-transaction order). Sources are merged one at a time, per key; a
//! source that would make a key's graph cyclic is left out for that key and reported as
//! `cyclic-versions`, since a register's versions must form a total order.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};

use super::atom::{opt_json, Atom};
use super::scc;

/// A version: a value, or `None` for the initial (missing) state.
pub type Version = Option<Atom>;

/// One source of version facts: `(key, earlier, later)` triples.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub name: &'static str,
    pub edges: Vec<(Atom, Version, Atom)>,
}

/// The merged version graphs, and the sources that were refused for making one cyclic.
#[derive(Debug, Default)]
pub struct VersionGraphs {
    /// key → direct edges `earlier → later`.
    pub edges: BTreeMap<Atom, BTreeSet<(Version, Atom)>>,
    /// `cyclic-versions` cases: `{key, scc, sources}`.
    pub cyclic: Vec<Value>,
}

impl VersionGraphs {
    /// Merges `sources` in order, per key.
    pub fn merge(sources: &[Source]) -> VersionGraphs {
        let mut graphs = VersionGraphs::default();
        let mut accepted: HashMap<Atom, Vec<&'static str>> = HashMap::new();
        for source in sources {
            let mut by_key: BTreeMap<&Atom, Vec<(Version, Atom)>> = BTreeMap::new();
            for (k, from, to) in &source.edges {
                if from.as_ref() != Some(to) {
                    by_key
                        .entry(k)
                        .or_default()
                        .push((from.clone(), to.clone()));
                }
            }
            for (key, new_edges) in by_key {
                let mut candidate = graphs.edges.get(key).cloned().unwrap_or_default();
                candidate.extend(new_edges);
                let names = accepted.entry(key.clone()).or_default();
                match cycle_in(&candidate) {
                    None => {
                        graphs.edges.insert(key.clone(), candidate);
                        if !names.contains(&source.name) {
                            names.push(source.name);
                        }
                    }
                    Some(scc) => {
                        let mut sources = names.clone();
                        sources.push(source.name);
                        graphs.cyclic.push(json!({
                            "key": key.to_json(),
                            "scc": scc.iter().map(|v| opt_json(v.as_ref())).collect::<Vec<_>>(),
                            "sources": sources,
                        }));
                    }
                }
            }
        }
        graphs
    }
}

/// The smallest strongly connected set of versions with more than one member, if any.
fn cycle_in(edges: &BTreeSet<(Version, Atom)>) -> Option<Vec<Version>> {
    let mut ids: BTreeMap<Version, usize> = BTreeMap::new();
    for (from, to) in edges {
        let n = ids.len();
        ids.entry(from.clone()).or_insert(n);
        let n = ids.len();
        ids.entry(Some(to.clone())).or_insert(n);
    }
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); ids.len()];
    for (from, to) in edges {
        out[ids[from]].push(ids[&Some(to.clone())]);
    }
    let names: Vec<Version> = {
        let mut v = vec![None; ids.len()];
        for (version, &i) in &ids {
            v[i] = version.clone();
        }
        v
    };
    scc::components(ids.len(), |v, succ| succ.extend(&out[v]))
        .into_iter()
        .min_by_key(|c| c.len())
        .map(|c| {
            let mut versions: Vec<Version> = c.into_iter().map(|i| names[i].clone()).collect();
            versions.sort();
            versions
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(i: i64) -> Atom {
        Atom::Int(i)
    }

    #[test]
    fn refuses_a_source_that_makes_versions_cyclic() {
        let initial = Source {
            name: "initial-state",
            edges: vec![(a(1), None, a(1)), (a(1), None, a(2))],
        };
        let wfr = Source {
            name: "wfr",
            edges: vec![
                (a(1), Some(a(1)), a(2)),
                (a(1), Some(a(2)), a(1)),
                (a(2), Some(a(5)), a(6)),
            ],
        };
        let g = VersionGraphs::merge(&[initial, wfr]);
        assert_eq!(
            g.edges[&a(1)],
            [(None, a(1)), (None, a(2))].into_iter().collect()
        );
        assert_eq!(
            g.edges[&a(2)],
            [(Some(a(5)), a(6))].into_iter().collect(),
            "other keys keep the source"
        );
        assert_eq!(
            g.cyclic,
            vec![json!({"key": 1, "scc": [1, 2], "sources": ["initial-state", "wfr"]})]
        );
    }
}
