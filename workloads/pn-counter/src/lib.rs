//! Maelstrom's pn-counter workload: clients add signed deltas on any node and every node's
//! final read must be the exact total, under partitions.
//!
//! # Design
//!
//! Each node holds a PN-counter CRDT (per node, one grow-only count of increments and one
//! of decrements) and answers both `add` and `read` at once from it, so clients see full
//! availability whatever the partitions. Nodes gossip deltas with
//! [`runtime::crdt::Replica`]: every half second a node sends each peer, in one message,
//! everything it holds beyond what that peer is known to hold (its own adds and what it
//! relays from others), numbered, and acknowledging the peer's last message. A peer is
//! "known to hold" only what it sent us or acknowledged, so a message lost in a partition
//! is covered by the next one, which is cumulative; once a peer acknowledges, nothing it
//! holds is sent to it again. Merging is per-entry max, so duplicates, reordering and
//! relayed copies never count an add twice.
//!
//! Final reads are exact: Maelstrom heals the network and waits 10 s before them, and after
//! a heal every pending delta is sent again within `resend_after` (1.5 s) plus a gossip
//! period, so every node holds every other node's counts well before the final reads.
//! Nodes never restart in these tests, so state in memory is enough.
//!
//! # What the messages are spent on
//!
//! Servers' messages are gossip only; adds and reads cost none. While adds flow, each
//! ordered pair of nodes carries at most one message per gossip period, and
//! acknowledgements ride on it; a peer with nothing to say acknowledges alone after one
//! period, and a lost delta is resent after 1.5 s. When the counter is idle nothing is
//! sent. So the cost is bounded by N·(N−1) messages per half second of activity,
//! independent of the request rate.
//!
//! - `payload`: client messages and the gossip envelope.
//! - `node`: the replica, handler and gossip timer.
//! - `mutants` (feature `mutants`): deliberately broken nodes for the explorer.

#[cfg(feature = "mutants")]
mod mutants;
mod node;
mod payload;

pub use node::{PnCounterNode, GOSSIP_PERIOD, GOSSIP_POLICY};

use runtime::{Suite, Workload};

/// Challenge 4's shape on the pn-counter workload, on three and on five nodes.
pub const SUITES: &[Suite] = &[
    Suite {
        id: "pn-counter",
        title: "PN-counter",
        workload: "pn-counter",
        args: &[
            "--node-count",
            "3",
            "--rate",
            "100",
            "--time-limit",
            "20",
            "--nemesis",
            "partition",
        ],
        targets: &[],
    },
    Suite {
        id: "pn-counter-5n",
        title: "PN-counter, 5 nodes",
        workload: "pn-counter",
        args: &[
            "--node-count",
            "5",
            "--rate",
            "100",
            "--time-limit",
            "20",
            "--nemesis",
            "partition",
        ],
        targets: &[],
    },
];

runtime::inventory::submit! {
    Workload {
        name: "pn-counter",
        summary: "PN-counter CRDT with acknowledged delta gossip, exact under partitions",
        start: runtime::start::<PnCounterNode>,
        suites: SUITES,
    }
}
