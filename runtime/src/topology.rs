//! Dissemination graphs over a cluster's node ids: who forwards what to whom when a value
//! must reach every node. A [`Graph`] is an undirected neighbour map; flooding it (pass a
//! value to every neighbour but the one it came from) delivers each value to every node
//! of a connected graph, and over a tree it does so with exactly one message per edge.
//!
//! The shapes: a [`Graph::star`] (every value two hops from anywhere, one busy hub), a
//! [`Graph::tree`] of fan-out `k` laid out as Maelstrom's `treeK` topologies are, and
//! Maelstrom's [`Graph::grid`]. Maelstrom's own `topology` message can be taken as is
//! with [`Graph::from_map`].

use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// An undirected graph over node ids, each node's neighbours in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Graph {
    neighbours: BTreeMap<String, Vec<String>>,
}

impl Graph {
    /// A graph given as node → neighbours, e.g. Maelstrom's `topology` message. Taken as
    /// it comes: if the map is not symmetric, flooding follows it as directed.
    pub fn from_map(neighbours: BTreeMap<String, Vec<String>>) -> Graph {
        Graph { neighbours }
    }

    /// Every node linked to `nodes[hub]` and to nothing else. An empty `nodes` gives an
    /// empty graph.
    ///
    /// # Panics
    /// If `hub` is not an index of `nodes`.
    pub fn star(nodes: &[String], hub: usize) -> Graph {
        let Some(centre) = nodes.get(hub) else {
            assert!(
                nodes.is_empty(),
                "hub {hub} is not one of {} nodes",
                nodes.len()
            );
            return Graph::default();
        };
        let leaves: Vec<String> = nodes.iter().filter(|n| *n != centre).cloned().collect();
        let mut neighbours: BTreeMap<String, Vec<String>> = leaves
            .iter()
            .map(|leaf| (leaf.clone(), vec![centre.clone()]))
            .collect();
        neighbours.insert(centre.clone(), leaves);
        Graph { neighbours }
    }

    /// A tree in which node `i` (in list order) has children `k·i + 1 ..= k·i + k`, so
    /// tiers of size 1, k, k², … fill in order, as in Maelstrom's `treeK`. Neighbours are
    /// listed parent first, then children.
    ///
    /// # Panics
    /// If `fanout` is zero.
    pub fn tree(nodes: &[String], fanout: usize) -> Graph {
        assert!(fanout > 0, "a tree needs a fan-out of at least 1");
        let neighbours = nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let parent = (i > 0).then(|| (i - 1) / fanout);
                let children = (fanout * i + 1..=fanout * i + fanout).filter(|c| *c < nodes.len());
                let list = parent
                    .into_iter()
                    .chain(children)
                    .map(|j| nodes[j].clone())
                    .collect();
                (node.clone(), list)
            })
            .collect();
        Graph { neighbours }
    }

    /// Maelstrom's `grid`: nodes fill the rows of a square of side ⌈√n⌉ in list order;
    /// neighbours are listed down, up, right, left, where those cells exist.
    pub fn grid(nodes: &[String]) -> Graph {
        let side = (1..).find(|s| s * s >= nodes.len()).unwrap_or(1);
        let at = |row: Option<usize>, col: Option<usize>| -> Option<String> {
            let (row, col) = (row?, col?);
            (col < side)
                .then(|| nodes.get(row * side + col).cloned())
                .flatten()
        };
        let neighbours = nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let (row, col) = (i / side, i % side);
                let list = [
                    at(Some(row + 1), Some(col)),
                    at(row.checked_sub(1), Some(col)),
                    at(Some(row), Some(col + 1)),
                    at(Some(row), col.checked_sub(1)),
                ]
                .into_iter()
                .flatten()
                .collect();
                (node.clone(), list)
            })
            .collect();
        Graph { neighbours }
    }

    /// `node`'s neighbours; none for a node the graph does not know.
    pub fn neighbours(&self, node: &str) -> &[String] {
        self.neighbours.get(node).map_or(&[], Vec::as_slice)
    }

    /// Where `node` passes a value on when flooding: every neighbour except the one it
    /// came from (`None` when the value starts at `node`).
    pub fn flood_targets<'a>(
        &'a self,
        node: &str,
        came_from: Option<&'a str>,
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.neighbours(node)
            .iter()
            .map(String::as_str)
            .filter(move |peer| Some(*peer) != came_from)
    }

    /// Undirected edges, each counted once.
    pub fn edge_count(&self) -> usize {
        let edges: BTreeSet<(&str, &str)> = self
            .neighbours
            .iter()
            .flat_map(|(a, list)| {
                list.iter().map(move |b| {
                    if a.as_str() <= b.as_str() {
                        (a.as_str(), b.as_str())
                    } else {
                        (b.as_str(), a.as_str())
                    }
                })
            })
            .collect();
        edges.len()
    }

    /// The most hops a value starting at `from` needs to reach any node flooding can
    /// reach, and how many nodes that is (`from` included).
    pub fn reach(&self, from: &str) -> (usize, usize) {
        let mut depth: BTreeMap<&str, usize> = BTreeMap::from([(from, 0)]);
        let mut queue = VecDeque::from([from]);
        while let Some(node) = queue.pop_front() {
            let next = depth[node] + 1;
            for peer in self.neighbours(node) {
                if !depth.contains_key(peer.as_str()) {
                    depth.insert(peer, next);
                    queue.push_back(peer);
                }
            }
        }
        (depth.values().copied().max().unwrap_or(0), depth.len())
    }

    /// The most hops between any two nodes, if every node reaches every other.
    pub fn diameter(&self) -> Option<usize> {
        let nodes = self.neighbours.len();
        self.neighbours
            .keys()
            .map(|node| match self.reach(node) {
                (hops, reached) if reached == nodes => Some(hops),
                _ => None,
            })
            .try_fold(0, |widest, hops| Some(widest.max(hops?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("n{i}")).collect()
    }

    fn list<'a>(graph: &'a Graph, node: &str) -> Vec<&'a str> {
        graph.neighbours(node).iter().map(String::as_str).collect()
    }

    #[test]
    fn a_star_links_every_leaf_to_the_hub_only() {
        let star = Graph::star(&ids(25), 0);
        assert_eq!(list(&star, "n0").len(), 24);
        assert_eq!(list(&star, "n7"), ["n0"]);
        assert_eq!((star.edge_count(), star.diameter()), (24, Some(2)));
        assert_eq!(star.flood_targets("n7", None).collect::<Vec<_>>(), ["n0"]);
        assert_eq!(star.flood_targets("n7", Some("n0")).count(), 0);
        assert_eq!(star.flood_targets("n0", Some("n7")).count(), 23);
        let single = Graph::star(&ids(1), 0);
        assert_eq!(
            (single.neighbours("n0").len(), single.diameter()),
            (0, Some(0))
        );
        assert_eq!(Graph::star(&[], 0), Graph::default());
    }

    #[test]
    fn trees_are_laid_out_as_maelstroms_tree_topologies() {
        let tree2 = Graph::tree(&ids(5), 2);
        assert_eq!(list(&tree2, "n0"), ["n1", "n2"]);
        assert_eq!(list(&tree2, "n1"), ["n0", "n3", "n4"]);
        assert_eq!(list(&tree2, "n4"), ["n1"]);
        let tree4 = Graph::tree(&ids(25), 4);
        assert_eq!(list(&tree4, "n0"), ["n1", "n2", "n3", "n4"]);
        assert_eq!(list(&tree4, "n2"), ["n0", "n9", "n10", "n11", "n12"]);
        assert_eq!(list(&tree4, "n5"), ["n1", "n21", "n22", "n23", "n24"]);
        assert_eq!(list(&tree4, "n24"), ["n5"]);
        assert_eq!((tree4.edge_count(), tree4.diameter()), (24, Some(5)));
    }

    #[test]
    fn grids_are_laid_out_as_maelstroms_grid_topology() {
        let grid5 = Graph::grid(&ids(5));
        assert_eq!(list(&grid5, "n0"), ["n3", "n1"]);
        assert_eq!(list(&grid5, "n1"), ["n4", "n2", "n0"]);
        assert_eq!(list(&grid5, "n2"), ["n1"]);
        assert_eq!(list(&grid5, "n3"), ["n0", "n4"]);
        assert_eq!(list(&grid5, "n4"), ["n1", "n3"]);
        let grid25 = Graph::grid(&ids(25));
        assert_eq!(list(&grid25, "n6"), ["n11", "n1", "n7", "n5"]);
        assert_eq!(grid25.diameter(), Some(8));
    }

    #[test]
    fn a_graph_that_does_not_connect_has_no_diameter() {
        let map = BTreeMap::from([
            ("a".to_string(), vec!["b".to_string()]),
            ("b".to_string(), vec!["a".to_string()]),
            ("c".to_string(), vec![]),
        ]);
        let graph = Graph::from_map(map);
        assert_eq!(graph.reach("a"), (1, 2));
        assert_eq!(graph.diameter(), None);
        assert!(graph.neighbours("zz").is_empty());
    }
}
