//! The dependency graph between transactions (Adya's DSG as Elle builds it): vertices are
//! completion records numbered by the checker, and each edge carries a small set of
//! relations ([`Rels`]), since two transactions can be related in several ways at once.
//!
//! Data edges (ww, wr, rw) remember one explanation ([`Why`]) each, so that a cycle can be
//! reported with the key and values that justify every step. Edges are collected first and
//! frozen into a compact adjacency array by [`GraphBuilder::build`], because the cycle
//! search walks them many times.

use std::collections::HashMap;
use std::ops::BitOr;

use serde_json::Value;

use super::atom::Atom;

/// One kind of dependency between two transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rel {
    /// T1 installed a version, T2 installed the next one.
    Ww,
    /// T2 read a version T1 installed.
    Wr,
    /// T1 read a version, T2 installed the next one (anti-dependency).
    Rw,
    /// T1 and T2 are consecutive ok transactions of one process.
    Process,
    /// T1 completed before T2 was invoked.
    Realtime,
}

impl Rel {
    pub const ALL: [Rel; 5] = [Rel::Ww, Rel::Wr, Rel::Rw, Rel::Process, Rel::Realtime];

    /// Elle's name for the relation.
    pub fn name(self) -> &'static str {
        match self {
            Rel::Ww => "ww",
            Rel::Wr => "wr",
            Rel::Rw => "rw",
            Rel::Process => "process",
            Rel::Realtime => "realtime",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of relations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Rels(u8);

impl Rels {
    pub const NONE: Rels = Rels(0);
    pub const WW: Rels = Rels(1);
    pub const WR: Rels = Rels(2);
    pub const RW: Rels = Rels(4);
    pub const PROCESS: Rels = Rels(8);
    pub const REALTIME: Rels = Rels(16);
    /// The data relations.
    pub const DATA: Rels = Rels(7);

    /// Both sets together (usable in constants).
    pub const fn union(self, other: Rels) -> Rels {
        Rels(self.0 | other.0)
    }

    pub fn contains(self, rel: Rel) -> bool {
        self.0 & rel.bit() != 0
    }

    pub fn intersect(self, other: Rels) -> Rels {
        Rels(self.0 & other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The relations in this set, in [`Rel::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Rel> {
        Rel::ALL.into_iter().filter(move |r| self.contains(*r))
    }
}

impl From<Rel> for Rels {
    fn from(rel: Rel) -> Rels {
        Rels(rel.bit())
    }
}

impl BitOr for Rels {
    type Output = Rels;
    fn bitor(self, other: Rels) -> Rels {
        Rels(self.0 | other.0)
    }
}

/// Why a data edge exists: the key, and the value(s) involved (`value'` is the newer
/// version for ww and rw edges).
#[derive(Debug, Clone, PartialEq)]
pub struct Why {
    pub key: Atom,
    pub value: Value,
    pub value2: Option<Value>,
}

/// Collects edges; self-edges are dropped, as Elle's graphs never contain them.
#[derive(Debug, Default)]
pub struct GraphBuilder {
    nodes: usize,
    raw: Vec<(u32, u32, Rel)>,
    whys: HashMap<(u32, u32, Rel), Why>,
}

impl GraphBuilder {
    pub fn new(nodes: usize) -> GraphBuilder {
        GraphBuilder {
            nodes,
            ..GraphBuilder::default()
        }
    }

    pub fn link(&mut self, from: u32, to: u32, rel: Rel) {
        if from != to {
            self.raw.push((from, to, rel));
        }
    }

    /// Links and remembers the first explanation given for this edge and relation.
    pub fn link_why(&mut self, from: u32, to: u32, rel: Rel, why: Why) {
        if from != to {
            self.raw.push((from, to, rel));
            self.whys.entry((from, to, rel)).or_insert(why);
        }
    }

    pub fn build(mut self) -> Graph {
        self.raw.sort_unstable();
        let mut start = vec![0u32; self.nodes + 1];
        let mut edges: Vec<(u32, Rels)> = Vec::with_capacity(self.raw.len());
        let mut last: Option<(u32, u32)> = None;
        for &(from, to, rel) in &self.raw {
            assert!(
                (from as usize) < self.nodes && (to as usize) < self.nodes,
                "edge {from}->{to} names no vertex"
            );
            if last == Some((from, to)) {
                let merged = edges.last_mut().expect("a previous edge exists");
                merged.1 = merged.1 | rel.into();
            } else {
                edges.push((to, rel.into()));
                start[from as usize + 1] += 1;
                last = Some((from, to));
            }
        }
        for v in 0..self.nodes {
            start[v + 1] += start[v];
        }
        Graph {
            start,
            edges,
            whys: self.whys,
        }
    }
}

/// A frozen dependency graph over vertices `0..node_count()`.
#[derive(Debug)]
pub struct Graph {
    start: Vec<u32>,
    edges: Vec<(u32, Rels)>,
    whys: HashMap<(u32, u32, Rel), Why>,
}

impl Graph {
    pub fn node_count(&self) -> usize {
        self.start.len() - 1
    }

    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// The out-edges of `v`, sorted by target.
    pub fn out(&self, v: u32) -> &[(u32, Rels)] {
        &self.edges[self.start[v as usize] as usize..self.start[v as usize + 1] as usize]
    }

    /// The relations on the edge `from -> to` (empty if there is none).
    pub fn rels(&self, from: u32, to: u32) -> Rels {
        let out = self.out(from);
        out.binary_search_by_key(&to, |e| e.0)
            .map_or(Rels::NONE, |i| out[i].1)
    }

    pub fn why(&self, from: u32, to: u32, rel: Rel) -> Option<&Why> {
        self.whys.get(&(from, to, rel))
    }

    /// Elle's vertex count: vertices exist only through edges, so a graph without edges is
    /// the `empty-transaction-graph` case.
    pub fn has_vertices(&self) -> bool {
        !self.edges.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_relations_and_drops_self_edges() {
        let mut b = GraphBuilder::new(3);
        b.link(0, 1, Rel::Ww);
        b.link(0, 1, Rel::Realtime);
        b.link(2, 2, Rel::Wr);
        b.link_why(
            1,
            2,
            Rel::Wr,
            Why {
                key: Atom::Int(1),
                value: 5.into(),
                value2: None,
            },
        );
        b.link_why(
            1,
            2,
            Rel::Wr,
            Why {
                key: Atom::Int(9),
                value: 6.into(),
                value2: None,
            },
        );
        let g = b.build();
        assert_eq!(g.rels(0, 1), Rels::WW | Rels::REALTIME);
        assert!(g.rels(2, 2).is_empty() && g.out(2).is_empty());
        assert_eq!(
            g.why(1, 2, Rel::Wr).unwrap().key,
            Atom::Int(1),
            "the first reason is kept"
        );
        assert_eq!(g.edge_count(), 2);
        assert!(g.has_vertices());
        assert!(!GraphBuilder::new(4).build().has_vertices());
        assert_eq!(
            (Rels::WW | Rels::RW).iter().collect::<Vec<_>>(),
            vec![Rel::Ww, Rel::Rw]
        );
    }
}
