//! Maelstrom's g-set workload: clients add elements on any node and read the whole set;
//! every element whose add was acknowledged must be in every later read once the cluster
//! has had time to converge (Jepsen's set-full checker), under partitions.
//!
//! # Design
//!
//! Each node holds a grow-only set CRDT and answers `add` and `read` at once from it, so
//! clients see full availability whatever the partitions. Nodes gossip deltas with
//! [`runtime::crdt::Replica`]: every half second a node sends each peer, in one message,
//! the elements it holds beyond what that peer is known to hold (its own adds and what it
//! relays from others), numbered, and acknowledging the peer's last message. A peer is
//! "known to hold" only what it sent us or acknowledged, so a message lost in a partition
//! is covered by the next one, which is cumulative; once a peer acknowledges, those
//! elements are never sent to it again. Merging is union, so duplicates and relayed copies
//! are harmless.
//!
//! set-full calls an element *lost* only if some read that began after the element was
//! known missed it and no later read saw it. Maelstrom's final reads come after the heal
//! and a 10 s pause, and after a heal every pending delta is sent again within
//! `resend_after` (1.5 s) plus a gossip period, so every node's final read holds every
//! element: nothing is lost. Reads during a partition may miss elements added on the far
//! side; set-full counts those only as stale (a latency), never as lost. Nodes never
//! restart in these tests, so state in memory is enough.
//!
//! # What the messages are spent on
//!
//! Servers' messages are gossip only; adds and reads cost none. While adds flow, each
//! ordered pair of nodes carries at most one message per gossip period, and
//! acknowledgements ride on it; a peer with nothing to say acknowledges alone after one
//! period, and a lost delta is resent after 1.5 s. When the set is idle nothing is sent.
//! So the cost is bounded by N·(N−1) messages per half second of activity, independent of
//! the request rate, and an element's stable latency is about one gossip period when the
//! network is whole.
//!
//! - `element`: a set element (any JSON value) with a total order.
//! - `payload`: client messages and the gossip envelope.
//! - `node`: the replica, handler and gossip timer.
//! - `mutants` (feature `mutants`): deliberately broken nodes for the explorer.

mod element;
#[cfg(feature = "mutants")]
mod mutants;
mod node;
mod payload;

pub use element::Element;
pub use node::{GSetNode, GOSSIP_PERIOD, GOSSIP_POLICY};

use runtime::{Suite, Workload};

/// Challenge 4's shape on the g-set workload, on three and on five nodes.
pub const SUITES: &[Suite] = &[
    Suite {
        id: "g-set",
        title: "Grow-only set",
        workload: "g-set",
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
        id: "g-set-5n",
        title: "Grow-only set, 5 nodes",
        workload: "g-set",
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
        name: "g-set",
        summary: "Grow-only set CRDT with acknowledged delta gossip, under partitions",
        start: runtime::start::<GSetNode>,
        suites: SUITES,
    }
}
