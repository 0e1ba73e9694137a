//! Challenge 3, broadcast: every value a client broadcasts reaches every node, through
//! partitions, with few messages. Two handlers share the code and differ in timing only:
//! `broadcast` ([`Tuning::QUICK`], challenges 3a-3d) and `broadcast-lean`
//! ([`Tuning::LEAN`], challenge 3e).
//!
//! # Design
//!
//! Values spread over a **star**: `n0` is the hub, a leaf sends its clients' values to the
//! hub, the hub sends every value to every leaf but the one it came from. Each value
//! crosses 24 edges of a 25-node cluster, as over any spanning tree, but a star's longest
//! path is two hops, so for the same number of messages it is the quickest tree.
//!
//! Messages, not values, are what the challenges count, so values travel in **batches**
//! on one stream per ordered pair of nodes (`runtime::peer_stream`, with a queue of values
//! as its content): at most one message per peer per gap (`hub_gap`, `leaf_gap`), sent as
//! soon as the gap since the last one has passed and only when there is something new for
//! that peer. Each message carries every value the peer has not acknowledged and the
//! sender's **acknowledgement** of the reverse stream, so acks ride on traffic that flows
//! anyway and travel alone only after `ack_delay` without a ride. Values still
//! unacknowledged `resend_after` after the last message are sent again, so a partition
//! only delays them: nothing routes around it, and values cut off wait for the network to
//! heal.

//! # Arithmetic (3d and 3e: 25 nodes, 100 ms per hop, rate 100, 20 s)
//!
//! About 2000 operations, half of them broadcasts: about 50 new values a second, 2 per
//! node, plus 25 final reads. Servers' msgs-per-op is all node-to-node messages (the 10 s
//! recovery wait included) over all operations, so every 100 messages a second cost 1.
//!
//! - The hub always has something new for every leaf (50 values/s), so it sends
//!   `24 / hub_gap` batches a second. A leaf's values come about every 0.5 s, and it
//!   sends when one comes and its gap has passed: about `24 / (leaf_gap + 0.5 s)` a
//!   second for all leaves. Leaves acknowledge the hub on their own batches; a leaf
//!   silent for `ack_delay` sends its acknowledgement alone.
//! - A value waits at most `leaf_gap` at its leaf, one hop, at most `hub_gap` at the hub,
//!   one hop: that bounds the time to the last node, and the checker's stable latency
//!   (last read that missed it, minus its acknowledgement) is below it.
//!
//! | profile | hub_gap | leaf_gap | hub msgs/s | leaf msgs/s | msgs/op | worst spread |
//! |---|---|---|---|---|---|---|
//! | QUICK (3d) | 150 ms | 100 ms | 160 | 40 | ≈ 2.0 + acks | 100+100+150+100 = 450 ms |
//! | LEAN (3e) | 500 ms | 700 ms | 48 | 20 | ≈ 0.7 + acks | 700+100+500+100 = 1.4 s |
//!
//! Measured on the simulator (`cargo xtask bench broadcast`, 5 runs each, median): 3d 2.35
//! msgs/op, stable latency median 262 ms, max 419 ms; 3e 0.84 msgs/op, 678 ms, 1335 ms
//! (targets: ≤ 5 with < 400 / < 600 ms, and ≤ 1.5 with < 1 s / < 2 s).
//!
//! After a partition heals, a leaf's unacknowledged values are resent to the hub within
//! `resend_after`, and the hub's to a leaf within another: under 4 s for QUICK and 6 s
//! for LEAN, inside Maelstrom's 10 s wait before the final reads.
//!
//! # Modules
//!
//! - `payload`: the wire messages.
//! - `values`: the set of values a node holds.
//! - `tuning`: the two timing profiles.
//! - `state`: one node's state machine (values, star routing, one stream per peer).
//! - `node`: the handler and its sender task.
//! - `suites`: the Maelstrom tests each handler runs.
//! - `mutants` (feature `mutants`): deliberately broken nodes for the explorer.

#[cfg(feature = "mutants")]
mod mutants;
pub mod node;
pub mod payload;
pub mod state;
pub mod suites;
pub mod tuning;
pub mod values;

pub use node::BroadcastNode;
pub use state::State;
pub use tuning::Tuning;

use runtime::{Ctx, Handler, Workload};

fn quick(ctx: &Ctx) -> Box<dyn Handler> {
    Box::new(BroadcastNode::start(ctx, Tuning::QUICK))
}

fn lean(ctx: &Ctx) -> Box<dyn Handler> {
    Box::new(BroadcastNode::start(ctx, Tuning::LEAN))
}

runtime::inventory::submit! {
    Workload {
        name: "broadcast",
        summary: "Broadcast over a star with batched, acknowledged gossip (challenges 3a-3d)",
        start: quick,
        suites: suites::QUICK_SUITES,
    }
}

runtime::inventory::submit! {
    Workload {
        name: "broadcast-lean",
        summary: "Broadcast tuned for few messages (challenge 3e)",
        start: lean,
        suites: suites::LEAN_SUITES,
    }
}
