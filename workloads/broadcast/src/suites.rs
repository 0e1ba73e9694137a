//! The Maelstrom tests of the two broadcast handlers: Fly.io's challenges 3a-3e with
//! their published command lines, plus 3d and 3e under partitions, and the targets each
//! run is measured against (the challenge's own and this crate's tighter message goal).

use runtime::{Bound, Metric, Suite, Target};

const ONE_NODE: &[&str] = &["--node-count", "1", "--time-limit", "20", "--rate", "10"];
const FIVE_NODES: &[&str] = &["--node-count", "5", "--time-limit", "20", "--rate", "10"];
const FIVE_NODES_PARTITIONED: &[&str] = &[
    "--node-count",
    "5",
    "--time-limit",
    "20",
    "--rate",
    "10",
    "--nemesis",
    "partition",
];
const EFFICIENT: &[&str] = &[
    "--node-count",
    "25",
    "--time-limit",
    "20",
    "--rate",
    "100",
    "--latency",
    "100",
];
const EFFICIENT_PARTITIONED: &[&str] = &[
    "--node-count",
    "25",
    "--time-limit",
    "20",
    "--rate",
    "100",
    "--latency",
    "100",
    "--nemesis",
    "partition",
];

const fn target(name: &'static str, metric: Metric, bound: Bound) -> Target {
    Target {
        name,
        metric,
        bound,
    }
}

/// Challenge 3d's bounds, and ours: at most 5 messages per operation.
const EFFICIENT_I: &[Target] = &[
    target(
        "challenge msgs/op",
        Metric::ServersMsgsPerOp,
        Bound::Below(30.0),
    ),
    target("ours msgs/op", Metric::ServersMsgsPerOp, Bound::AtMost(5.0)),
    target("p50 ms", Metric::LatencyP50Ms, Bound::Below(400.0)),
    target("max ms", Metric::LatencyMaxMs, Bound::Below(600.0)),
];

/// Challenge 3e's bounds, and ours: at most 1.5 messages per operation.
const EFFICIENT_II: &[Target] = &[
    target(
        "challenge msgs/op",
        Metric::ServersMsgsPerOp,
        Bound::Below(20.0),
    ),
    target("ours msgs/op", Metric::ServersMsgsPerOp, Bound::AtMost(1.5)),
    target("p50 ms", Metric::LatencyP50Ms, Bound::Below(1000.0)),
    target("max ms", Metric::LatencyMaxMs, Bound::Below(2000.0)),
];

const fn suite(
    id: &'static str,
    title: &'static str,
    args: &'static [&'static str],
    targets: &'static [Target],
) -> Suite {
    Suite {
        id,
        title,
        workload: "broadcast",
        args,
        targets,
    }
}

/// Run by the `broadcast` handler: correctness first (3a-3c), then 3d's latency bounds.
/// Under partitions only correctness counts: values wait for the network to heal.
pub const QUICK_SUITES: &[Suite] = &[
    suite("3a", "Single-node broadcast", ONE_NODE, &[]),
    suite("3b", "Multi-node broadcast", FIVE_NODES, &[]),
    suite(
        "3c",
        "Fault-tolerant broadcast",
        FIVE_NODES_PARTITIONED,
        &[],
    ),
    suite("3d", "Efficient broadcast I", EFFICIENT, EFFICIENT_I),
    suite(
        "3d-partition",
        "Efficient broadcast I, partitioned",
        EFFICIENT_PARTITIONED,
        &[],
    ),
];

/// Run by the `broadcast-lean` handler: 3e's message bounds, and its correctness under
/// partitions.
pub const LEAN_SUITES: &[Suite] = &[
    suite("3e", "Efficient broadcast II", EFFICIENT, EFFICIENT_II),
    suite(
        "3e-partition",
        "Efficient broadcast II, partitioned",
        EFFICIENT_PARTITIONED,
        &[],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_variants_add_only_the_nemesis_to_their_challenge() {
        for (plain, partitioned) in [
            (FIVE_NODES, FIVE_NODES_PARTITIONED),
            (EFFICIENT, EFFICIENT_PARTITIONED),
        ] {
            assert_eq!(&partitioned[..plain.len()], plain);
            assert_eq!(&partitioned[plain.len()..], ["--nemesis", "partition"]);
        }
        let ids: Vec<&str> = QUICK_SUITES
            .iter()
            .chain(LEAN_SUITES)
            .map(|s| s.id)
            .collect();
        assert_eq!(
            ids,
            ["3a", "3b", "3c", "3d", "3d-partition", "3e", "3e-partition"]
        );
    }
}
