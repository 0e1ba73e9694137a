//! The Maelstrom tests the `txn-rw-register-strict` handler declares, on Maelstrom's
//! `-w txn-rw-register`: 3 nodes at 1000 transactions a second (`--concurrency 2n`), judged
//! strict-serializable without and with partitions (a new partition every 5 s, so a 20 s
//! run sees two; on 3 nodes one of Maelstrom's four shapes, `minority-third`, cuts nothing),
//! and the partitioned run judged serializable and at snapshot isolation, a row per
//! isolation level beside 6a-6c's read committed. A minority side of a partition answers
//! error 11, hence availability below 1. Clients are closed-loop, so `--rate 1000` is
//! reached only as far as latency allows (about 930 a second here; see the README).

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

/// The strict handler's suites.
pub const SUITES: &[Suite] = &[
    Suite {
        id: "txn-rw-register-strict",
        title: "Register transactions, strict serializable, 3 nodes",
        workload: "txn-rw-register",
        args: three_nodes!("--consistency-models", "strict-serializable"),
        targets: &[],
    },
    Suite {
        id: "txn-rw-register-strict-partition",
        title: "Register transactions, strict serializable, partitions",
        workload: "txn-rw-register",
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
        id: "txn-rw-register-serializable",
        title: "Register transactions, serializable, partitions",
        workload: "txn-rw-register",
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
        id: "txn-rw-register-snapshot-isolation",
        title: "Register transactions, snapshot isolation, partitions",
        workload: "txn-rw-register",
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
