//! Strongly connected components (Tarjan's algorithm), iterative so that a history of tens
//! of thousands of transactions cannot overflow the stack.
//!
//! The algorithm runs over any graph given as a vertex count and a successor function, so
//! the same code serves the dependency graph, its projections onto a few relations, one
//! component of it, and the two-layer graph behind the snapshot-isolation marker.

use std::collections::HashMap;

use super::graph::{Graph, Rels};

/// The components of a graph with vertices `0..n` that have at least two vertices, each
/// sorted ascending, in order of their smallest vertex. (Single vertices never form a
/// cycle here: the graphs have no self-edges.)
pub fn components(n: usize, successors: impl Fn(usize, &mut Vec<usize>)) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut found: Vec<Vec<usize>> = Vec::new();
    let mut next_index = 0;
    // Each frame: a vertex, its successors, and how many of them we have explored.
    let mut frames: Vec<(usize, Vec<usize>, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        let mut succ = Vec::new();
        successors(root, &mut succ);
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        frames.push((root, succ, 0));
        while let Some(frame) = frames.last_mut() {
            let v = frame.0;
            if frame.2 < frame.1.len() {
                let w = frame.1[frame.2];
                frame.2 += 1;
                if index[w] == UNSEEN {
                    let mut succ = Vec::new();
                    successors(w, &mut succ);
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    frames.push((w, succ, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            frames.pop();
            if let Some(parent) = frames.last() {
                low[parent.0] = low[parent.0].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                loop {
                    let w = stack.pop().expect("v is still on the stack");
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort_unstable();
                    found.push(component);
                }
            }
        }
    }
    found.sort_unstable_by_key(|c| c[0]);
    found
}

/// The non-trivial components of `graph` restricted to `vertices` and to edges carrying any
/// of `allowed`, in graph vertex numbers.
pub fn sccs_within(graph: &Graph, vertices: &[u32], allowed: Rels) -> Vec<Vec<u32>> {
    let local: HashMap<u32, usize> = vertices.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let found = components(vertices.len(), |i, out| {
        for &(to, rels) in graph.out(vertices[i]) {
            if !rels.intersect(allowed).is_empty() {
                if let Some(&j) = local.get(&to) {
                    out.push(j);
                }
            }
        }
    });
    let mut mapped: Vec<Vec<u32>> = found
        .into_iter()
        .map(|c| {
            let mut c: Vec<u32> = c.into_iter().map(|i| vertices[i]).collect();
            c.sort_unstable();
            c
        })
        .collect();
    mapped.sort_unstable_by_key(|c| c[0]);
    mapped
}

/// The non-trivial components of the whole graph projected onto `allowed`.
pub fn sccs(graph: &Graph, allowed: Rels) -> Vec<Vec<u32>> {
    let n = graph.node_count();
    components(n, |v, out| {
        out.extend(
            graph
                .out(v as u32)
                .iter()
                .filter(|e| !e.1.intersect(allowed).is_empty())
                .map(|e| e.0 as usize),
        )
    })
    .into_iter()
    .map(|c| c.into_iter().map(|v| v as u32).collect())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::txn::graph::{GraphBuilder, Rel};

    #[test]
    fn finds_cycles_per_projection() {
        let mut b = GraphBuilder::new(6);
        b.link(0, 1, Rel::Ww);
        b.link(1, 2, Rel::Ww);
        b.link(2, 0, Rel::Rw);
        b.link(3, 4, Rel::Wr);
        b.link(4, 3, Rel::Wr);
        b.link(4, 5, Rel::Ww);
        let g = b.build();
        assert_eq!(sccs(&g, Rels::DATA), vec![vec![0, 1, 2], vec![3, 4]]);
        assert_eq!(sccs(&g, Rels::WW | Rels::WR), vec![vec![3, 4]]);
        assert!(sccs(&g, Rels::WW).is_empty());
        assert_eq!(sccs_within(&g, &[2, 0, 1], Rels::DATA), vec![vec![0, 1, 2]]);
        assert!(sccs_within(&g, &[0, 1], Rels::DATA).is_empty());
    }

    #[test]
    fn deep_chains_do_not_overflow() {
        let n = 200_000;
        let found = components(n, |v, out| out.push((v + 1) % n));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), n);
    }
}
