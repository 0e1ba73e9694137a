//! The Maelstrom tests the txn-list-append node declares: 3 nodes at 1000 transactions a
//! second (`--concurrency 2n`), judged strict-serializable without and with partitions (a new
//! partition every 5 s, so a 20 s run sees two; on 3 nodes one of Maelstrom's four shapes,
//! `minority-third`, cuts nothing), and
//! the same partitioned run judged at the weaker models Elle is often asked for
//! (serializable, snapshot isolation), so the table has a row per isolation level. A Raft
//! cluster of 3 survives any single-node partition; a minority side answers error 11, which
//! is what availability below 1 under partitions measures. Clients are closed-loop, so
//! `--rate 1000` is reached only as far as latency allows (about 930 a second here; see the
//! README).

use runtime::Suite;

/// `--node-count 3 --concurrency 2n --time-limit 20 --rate 1000`, then the model's options.
macro_rules! three_nodes {
    ($($extra:literal),*) => {
        &[
            "--node-count", "3", "--concurrency", "2n", "--time-limit", "20", "--rate", "1000",
            $($extra),*
        ]
    };
}

/// The `txn-list-append` handler's suites.
pub const SUITES: &[Suite] = &[
    Suite {
        id: "txn-list-append-strict",
        title: "List-append transactions, strict serializable, 3 nodes",
        workload: "txn-list-append",
        args: three_nodes!("--consistency-models", "strict-serializable"),
        targets: &[],
    },
    Suite {
        id: "txn-list-append-strict-partition",
        title: "List-append transactions, strict serializable, partitions",
        workload: "txn-list-append",
        args: three_nodes!(
            "--consistency-models",
            "strict-serializable",
            "--nemesis",
            "partition",
            "--nemesis-interval",
            "5"
        ),
        targets: &[],
    },
    Suite {
        id: "txn-list-append-serializable",
        title: "List-append transactions, serializable, partitions",
        workload: "txn-list-append",
        args: three_nodes!(
            "--consistency-models",
            "serializable",
            "--nemesis",
            "partition",
            "--nemesis-interval",
            "5"
        ),
        targets: &[],
    },
    Suite {
        id: "txn-list-append-snapshot-isolation",
        title: "List-append transactions, snapshot isolation, partitions",
        workload: "txn-list-append",
        args: three_nodes!(
            "--consistency-models",
            "snapshot-isolation",
            "--nemesis",
            "partition",
            "--nemesis-interval",
            "5"
        ),
        targets: &[],
    },
];
