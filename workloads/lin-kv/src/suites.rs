//! The Maelstrom tests the lin-kv handlers declare: the Raft store on 1 node, on 3 nodes
//! under partitions, and on 5 nodes with 10 ms latency under partitions; and the proxy
//! reference on the 5-node command line, so the table shows the ceiling beside Raft.
//!
//! `--concurrency 2n` is the least Maelstrom's lin-kv generator accepts (a multiple of
//! 2 × node-count: one group of readers and writers per key).

use runtime::{Bound, Metric, Suite, Target};

/// The 5-node partitioned command line shared by Raft and the proxy reference.
const FIVE_NODES_PARTITIONED: &[&str] = &[
    "--node-count",
    "5",
    "--time-limit",
    "20",
    "--rate",
    "100",
    "--concurrency",
    "2n",
    "--latency",
    "10",
    "--nemesis",
    "partition",
];

/// Ours: Raft costs a forward for requests that reach a follower plus one batched
/// AppendEntries round per flush; the bench (`cargo xtask bench lin-kv`) shows the spread.
const RAFT_TARGETS: &[Target] = &[Target {
    name: "ours msgs/op",
    metric: Metric::ServersMsgsPerOp,
    bound: Bound::AtMost(3.0),
}];

/// The `lin-kv` (Raft) handler's suites.
pub const RAFT: &[Suite] = &[
    Suite {
        id: "lin-kv",
        title: "Raft lin-kv, 1 node",
        workload: "lin-kv",
        args: &[
            "--node-count",
            "1",
            "--time-limit",
            "20",
            "--rate",
            "100",
            "--concurrency",
            "2n",
        ],
        targets: &[],
    },
    Suite {
        id: "lin-kv-3-partition",
        title: "Raft lin-kv, 3 nodes, partitions",
        workload: "lin-kv",
        args: &[
            "--node-count",
            "3",
            "--time-limit",
            "20",
            "--rate",
            "100",
            "--concurrency",
            "2n",
            "--nemesis",
            "partition",
        ],
        targets: &[],
    },
    Suite {
        id: "lin-kv-5-partition",
        title: "Raft lin-kv, 5 nodes, partitions",
        workload: "lin-kv",
        args: FIVE_NODES_PARTITIONED,
        targets: RAFT_TARGETS,
    },
];

/// The `lin-kv-proxy` handler's suite: the reference store on Raft's hardest command line.
pub const PROXY: &[Suite] = &[Suite {
    id: "lin-kv-proxy",
    title: "lin-kv service proxy (reference)",
    workload: "lin-kv",
    args: FIVE_NODES_PARTITIONED,
    targets: &[],
}];
