//! The neighbour maps Maelstrom's broadcast workload sends in `topology` (spec §4.3),
//! computed over the test's node list in order. Nodes may ignore them; their exact shape
//! still matters because solutions that follow them behave differently per shape.

use crate::options::TopologyKind;

/// Node id → its neighbours, in node-list order. A node may be missing (`line` with N = 1).
pub type Topology = Vec<(String, Vec<String>)>;

/// The topology of `kind` over `nodes`.
pub fn topology(kind: TopologyKind, nodes: &[String]) -> Topology {
    let n = nodes.len();
    let named = |neighbours: Vec<usize>| neighbours.into_iter().map(|k| nodes[k].clone()).collect();
    match kind {
        TopologyKind::Line => {
            if n < 2 {
                return Vec::new();
            }
            (0..n)
                .map(|i| {
                    let mut around = Vec::new();
                    if i > 0 {
                        around.push(i - 1);
                    }
                    if i + 1 < n {
                        around.push(i + 1);
                    }
                    (nodes[i].clone(), named(around))
                })
                .collect()
        }
        TopologyKind::Total => (0..n)
            .map(|i| {
                (
                    nodes[i].clone(),
                    named((0..n).filter(|&k| k != i).collect()),
                )
            })
            .collect(),
        TopologyKind::Grid => {
            let side = (1..=n).find(|s| s * s >= n).unwrap_or(1);
            (0..n)
                .map(|index| {
                    let (row, col) = ((index / side) as isize, (index % side) as isize);
                    let cells = [
                        (row + 1, col),
                        (row - 1, col),
                        (row, col + 1),
                        (row, col - 1),
                    ];
                    let around = cells
                        .into_iter()
                        .filter(|&(r, c)| r >= 0 && c >= 0 && (c as usize) < side)
                        .map(|(r, c)| r as usize * side + c as usize)
                        .filter(|&k| k < n)
                        .collect();
                    (nodes[index].clone(), named(around))
                })
                .collect()
        }
        TopologyKind::Tree(branching) => {
            // Filling tiers of size 1, B, B², ... in list order and handing each tier's nodes
            // to the tier above in groups of B is exactly level-order B-ary heap indexing.
            (0..n)
                .map(|i| {
                    let parent = (i > 0).then(|| (i - 1) / branching);
                    let children =
                        (branching * i + 1..=branching * i + branching).filter(|&c| c < n);
                    (
                        nodes[i].clone(),
                        named(parent.into_iter().chain(children).collect()),
                    )
                })
                .collect()
        }
    }
}

/// The `topology` field of the message: an object from node id to neighbour list.
pub fn to_json(topology: &Topology) -> serde_json::Value {
    let map = topology
        .iter()
        .map(|(node, around)| (node.clone(), serde_json::json!(around)))
        .collect();
    serde_json::Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nodes(ids: impl IntoIterator<Item = usize>) -> Vec<String> {
        ids.into_iter().map(|i| format!("n{i}")).collect()
    }

    fn json_of(kind: TopologyKind, list: &[String]) -> serde_json::Value {
        to_json(&topology(kind, list))
    }

    #[test]
    fn grid_examples_from_the_spec() {
        assert_eq!(
            json_of(TopologyKind::Grid, &nodes(0..5)),
            json!({"n0":["n3","n1"],"n1":["n4","n2","n0"],"n2":["n1"],"n3":["n0","n4"],"n4":["n1","n3"]})
        );
        assert_eq!(
            json_of(TopologyKind::Grid, &nodes(1..=5)),
            json!({"n1":["n4","n2"],"n2":["n5","n3","n1"],"n3":["n2"],"n4":["n1","n5"],"n5":["n2","n4"]})
        );
        let big = json_of(TopologyKind::Grid, &nodes(0..25));
        assert_eq!(big["n6"], json!(["n11", "n1", "n7", "n5"]));
        assert_eq!(big["n0"], json!(["n5", "n1"]));
        assert_eq!(big["n24"], json!(["n19", "n23"]));
    }

    #[test]
    fn tree_examples_from_the_spec() {
        assert_eq!(
            json_of(TopologyKind::Tree(2), &nodes(0..5)),
            json!({"n0":["n1","n2"],"n1":["n0","n3","n4"],"n2":["n0"],"n3":["n1"],"n4":["n1"]})
        );
        let t = json_of(TopologyKind::Tree(4), &nodes(0..25));
        assert_eq!(t["n0"], json!(["n1", "n2", "n3", "n4"]));
        assert_eq!(t["n1"], json!(["n0", "n5", "n6", "n7", "n8"]));
        assert_eq!(t["n2"], json!(["n0", "n9", "n10", "n11", "n12"]));
        assert_eq!(t["n3"], json!(["n0", "n13", "n14", "n15", "n16"]));
        assert_eq!(t["n4"], json!(["n0", "n17", "n18", "n19", "n20"]));
        assert_eq!(t["n5"], json!(["n1", "n21", "n22", "n23", "n24"]));
        assert_eq!(t["n6"], json!(["n1"]));
        assert_eq!(t["n24"], json!(["n5"]));
        let t3 = json_of(TopologyKind::Tree(3), &nodes(0..5));
        assert_eq!(
            t3,
            json!({"n0":["n1","n2","n3"],"n1":["n0","n4"],"n2":["n0"],"n3":["n0"],"n4":["n1"]})
        );
    }

    #[test]
    fn line_and_total() {
        assert_eq!(
            json_of(TopologyKind::Line, &nodes(0..3)),
            json!({"n0":["n1"],"n1":["n0","n2"],"n2":["n1"]})
        );
        assert_eq!(
            json_of(TopologyKind::Total, &nodes(0..3)),
            json!({"n0":["n1","n2"],"n1":["n0","n2"],"n2":["n0","n1"]})
        );
    }

    #[test]
    fn single_node_cases() {
        let one = nodes(0..1);
        assert_eq!(json_of(TopologyKind::Line, &one), json!({}));
        for kind in [
            TopologyKind::Grid,
            TopologyKind::Total,
            TopologyKind::Tree(2),
            TopologyKind::Tree(4),
        ] {
            assert_eq!(json_of(kind, &one), json!({"n0": []}), "{kind:?}");
        }
    }
}
