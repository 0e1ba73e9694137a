//! Challenges 6a–6c, totally available transactions: every `txn` is answered by the node
//! that receives it, from its own copy of the registers, without waiting on any other node,
//! and the cluster still gives read committed (no G0, G1a, G1b or G1c) under partitions.
//!
//! # Design
//!
//! Each node keeps every register in a last-writer-wins [`store::Store`] stamped with
//! Lamport timestamps `(counter, node index)`. A transaction runs whole under the store's
//! one lock: reads see the transaction's own earlier writes, else the committed value;
//! writes are buffered; at the end the transaction takes a timestamp above every timestamp
//! the node has seen, installs its *last* write to each key, and is answered at once. Its
//! final writes, as one unit with its timestamp, are queued for every peer
//! ([`outbox::Outbox`]) and flushed in batches; a peer applies a whole batch under its lock
//! (each write only where its timestamp beats the version there) and acknowledges it, and
//! nothing leaves the queue before that, so replication resumes when a partition heals.
//! Since everything is in memory and Maelstrom never restarts nodes here, no disk is needed.
//!
//! # Why this is read committed
//!
//! Order committed transactions by timestamp. Every version of a key on every node was
//! installed by last-writer-wins, so each key's versions follow timestamp order everywhere.
//! - **G1a (aborted read)**: no transaction ever aborts, and nothing but committed final
//!   writes ever reaches a store.
//! - **G1b (intermediate read)**: only a transaction's last write to a key is installed or
//!   replicated; its earlier writes are seen by itself alone.
//! - **G0 and G1c (cycles of ww and wr edges)**: if T2 read a version T1 installed (wr),
//!   that version was in T2's node's store when T2 ran, so by Lamport's rule T2, if it
//!   writes at all, gets a larger timestamp; if it writes nothing it has no outgoing ww or
//!   wr edge and sits on no such cycle. If T2 installed the version after T1's on some key
//!   (ww), T2's timestamp is larger, because each key's versions follow timestamp order.
//!   Every ww and wr edge among writers therefore goes from a smaller timestamp to a
//!   larger one, and a cycle of them is impossible. For the same reason the version order
//!   Elle infers (T read v1, then wrote v2) never loops (no `cyclic-versions`).
//!
//! # Beyond read committed
//!
//! - Atomic visibility (read atomic): a transaction's writes are installed together on
//!   every node, so a transaction that sees one of them sees all of them or newer versions;
//!   there are no fractured reads.
//! - No internal anomalies: within a transaction, reads are repeatable and see its own
//!   writes, because it runs alone under the lock.
//! - Convergence: once every queue is acknowledged, all stores hold the same newest
//!   version of every key, whatever the order in which batches arrived.
//! - On one node (6a) the lock order is a serial order that respects real time, so the
//!   history is strictly serializable.
//!
//! Across nodes it is not serializable: two nodes can both read a key and then overwrite
//! it concurrently (lost update, G-single, G2), which total availability cannot prevent
//! (and which read committed allows).
//!
//! - [`payload`]: the `txn` and `replicate` messages and their micro-ops.
//! - [`store`]: one node's registers, Lamport clock and the commit rule.
//! - [`outbox`]: what a peer has not acknowledged yet.
//! - [`node`]: the handler tying them together.
//!
//! # The strict handler
//!
//! `txn-rw-register-strict` ([`strict`], suites in [`strict_suites`]) gives up total
//! availability for strict serializability: the registers are `runtime::txn`'s
//! transactional store (shared with `txn-list-append`) replicated with Raft.
//!
//! `mutants` (feature `mutants`): deliberately broken nodes for the explorer.

#[cfg(feature = "mutants")]
mod mutants;
pub mod node;
pub mod outbox;
pub mod payload;
pub mod store;
pub mod strict;
pub mod strict_suites;

pub use node::TxnNode;
use runtime::{Suite, Workload};
pub use strict::StrictTxnNode;

/// Fly.io's challenges 6a–6c. 6b is published as two commands, the second adding total
/// availability and partitions. 6c is published with an en dash (`–-nemesis`), which makes
/// Maelstrom pass `–-nemesis partition` to the binary and inject no partitions at all;
/// this suite spells it `--nemesis`, so the partitions the challenge intends do happen.
pub const SUITES: &[Suite] = &[
    Suite {
        id: "6a",
        title: "Single-node, totally-available transactions",
        workload: "txn-rw-register",
        args: &[
            "--node-count",
            "1",
            "--time-limit",
            "20",
            "--rate",
            "1000",
            "--concurrency",
            "2n",
            "--consistency-models",
            "read-uncommitted",
            "--availability",
            "total",
        ],
        targets: &[],
    },
    Suite {
        id: "6b",
        title: "Totally-available, read uncommitted transactions",
        workload: "txn-rw-register",
        args: &[
            "--node-count",
            "2",
            "--concurrency",
            "2n",
            "--time-limit",
            "20",
            "--rate",
            "1000",
            "--consistency-models",
            "read-uncommitted",
        ],
        targets: &[],
    },
    Suite {
        id: "6b-partition",
        title: "Read uncommitted transactions, total availability, partitions",
        workload: "txn-rw-register",
        args: &[
            "--node-count",
            "2",
            "--concurrency",
            "2n",
            "--time-limit",
            "20",
            "--rate",
            "1000",
            "--consistency-models",
            "read-uncommitted",
            "--availability",
            "total",
            "--nemesis",
            "partition",
        ],
        targets: &[],
    },
    // Fly.io publishes this command with an en dash (`–-nemesis`), which Maelstrom passes to
    // the node as a positional argument, so partitions never happen there; we run the
    // partitions the challenge means.
    Suite {
        id: "6c",
        title: "Read committed transactions, partitions",
        workload: "txn-rw-register",
        args: &[
            "--node-count",
            "2",
            "--concurrency",
            "2n",
            "--time-limit",
            "20",
            "--rate",
            "1000",
            "--consistency-models",
            "read-committed",
            "--availability",
            "total",
            "--nemesis",
            "partition",
        ],
        targets: &[],
    },
];

runtime::inventory::submit! {
    Workload {
        name: "txn-rw-register",
        summary: "Totally available read-committed transactions over replicated registers (challenges 6a-6c)",
        start: runtime::start::<TxnNode>,
        suites: SUITES,
    }
}

runtime::inventory::submit! {
    Workload {
        name: "txn-rw-register-strict",
        summary: "Strict-serializable register transactions replicated with Raft",
        start: runtime::start::<StrictTxnNode>,
        suites: strict_suites::SUITES,
    }
}
