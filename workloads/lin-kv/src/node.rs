//! The `lin-kv` handler: the registers replicated by a `RaftServer` ([`RaftNode`] does the
//! wiring). Peer traffic goes to the server; a client request is served by it, at the leader
//! or forwarded there. What is lin-kv's own is the timing.

use std::time::Duration;

use runtime::raft::{RaftConfig, Replicated, ServerConfig};

use crate::registers::Registers;

/// Timing tuned for Maelstrom's lin-kv command lines (0-10 ms one way). Elections settle
/// within about half a second; a leader under load sends at most one round of
/// AppendEntries per 50 ms, which is what keeps messages per operation low at 5 nodes;
/// and a request is answered within 800 ms, inside the workload's client timeout of
/// `max(10 × latency, 1000)` ms.
impl Replicated for Registers {
    const CONFIG: ServerConfig = ServerConfig {
        raft: RaftConfig {
            heartbeat_interval: Duration::from_millis(100),
            election_timeout_min: Duration::from_millis(400),
            election_timeout_max: Duration::from_millis(800),
            batch_gap: Duration::from_millis(50),
            max_entries_per_message: 256,
        },
        request_budget: Duration::from_millis(800),
        leader_patience: Duration::from_millis(300),
    };
}

/// A node of the Raft key-value store.
pub type RaftNode = runtime::raft::RaftNode<Registers>;
