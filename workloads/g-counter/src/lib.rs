//! Challenge 4, grow-only counter: clients add non-negative deltas on any node, and every
//! node's final read must be the exact total, under partitions, with the state in `seq-kv`.
//!
//! # Design
//!
//! Node `j` owns the seq-kv key `count-j` holding its running total; only `j` writes it.
//! An add raises the node's accepted total and is acknowledged once a CAS has moved
//! `count-j` to a total that includes it (adds arriving while a CAS is out ride along on the
//! next one). Every two seconds a node *refreshes* its view of the others: one state-changing
//! request to seq-kv (the CAS of pending adds if there are any, else a write of a fresh
//! number to its key `barrier-i`), then a read of every peer's key, merged into a
//! G-counter by max. A read answers at once from the node's own stored total plus that
//! view. Nodes never message each other, so partitions between them change nothing.
//!
//! # Why seq-kv's stale reads cannot break it
//!
//! seq-kv (spec §3.3) serves each request from a random state between the caller's last
//! state and the newest, except that a request that changes the state is applied to the
//! newest state and moves the caller there; a caller never goes back.
//! - *Own key, exact.* Only `j` writes `count-j`, so every state at or after `j`'s last
//!   change holds `j`'s latest total: a node always reads its own key correctly, which
//!   is all the CAS bookkeeping relies on (see `own`).
//! - *No overcount.* A key holds a running total, not a sum of deltas, so a retried or
//!   duplicated CAS cannot count an add twice, and totals only grow (each CAS goes to a
//!   strictly larger value), so a late CAS cannot undo a newer one. Merging by max keeps
//!   every view entry at or below its owner's latest total.
//! - *Fresh enough.* Say node `j` acknowledged an add at time `t`: its CAS was applied
//!   before `t`. A refresh on node `i` that starts after `t` first makes a request that
//!   changes the state; seq-kv applies it after `j`'s CAS and moves `i` to the resulting
//!   newest state, and every later read by `i` comes from that state or a newer one, all
//!   holding `count-j` at or above the acknowledged total. A stale answer can only be stale
//!   back to the barrier, never further. The barrier numbers never repeat, because a write
//!   of the value already there does not change the state and would not move `i` at all.
//! - *Exact at the end.* Maelstrom's final reads come after every add has completed, the
//!   partition has healed and 10 s have passed: about five refreshes start after the last
//!   acknowledged add and finish before the final reads, so every node's view then holds
//!   every acknowledged add. Adds answered with an error (a seq-kv timeout) stay accepted
//!   and are stored later, which their indefinite outcome allows either way.
//!
//! Mid-test reads may lag the others' adds by up to a refresh, never go down, and always
//! include the node's own acknowledged adds; Maelstrom checks only final reads.
//!
//! # What the messages are spent on
//!
//! Servers' messages, all between a node and seq-kv: one CAS round trip (2 messages) per
//! add with a non-zero delta, shared by adds that overlap on a node; nothing for zero
//! deltas or reads; and per node per refresh period, 2·N messages (the barrier, or the CAS
//! that doubles as one, plus N−1 reads). Gossip between nodes was considered and left out:
//! a refresh costs about what one gossip round to N−1 peers costs, and unlike gossip it
//! crosses partitions, so gossip would add messages without adding any guarantee.
//!
//! - `payload`: the client messages.
//! - `keys`: the seq-kv keys.
//! - `own`: this node's total and storing it in seq-kv.
//! - `view`: the other nodes' totals and the barrier-then-read refresh.
//! - `node`: the handler and the refresh timer.
//! - `mutants` (feature `mutants`): deliberately broken nodes for the explorer.

mod keys;
#[cfg(feature = "mutants")]
mod mutants;
mod node;
mod own;
mod payload;
mod view;

pub use node::{GCounterNode, ADD_DEADLINE, REFRESH_PERIOD};

use runtime::{Suite, Workload};

/// Fly.io's challenge 4 exactly as published, and the same on five nodes.
pub const SUITES: &[Suite] = &[
    Suite {
        id: "4",
        title: "Grow-only counter",
        workload: "g-counter",
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
        id: "4-5n",
        title: "Grow-only counter, 5 nodes",
        workload: "g-counter",
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
        name: "g-counter",
        summary: "Grow-only counter kept in seq-kv, exact under partitions (challenge 4)",
        start: runtime::start::<GCounterNode>,
        suites: SUITES,
    }
}
