//! [`SERVER_CONFIG`]: how a [`crate::raft::RaftServer`] of a [`super::TxnStore`] is timed for
//! Maelstrom's transaction command lines (a few ms one way at most, `--concurrency 2n`
//! clients that each wait for their answer, 5 s client timeouts). One definition, so the
//! register and list stores that share the state machine share its timing too.

use std::time::Duration;

use super::{TxnStore, ValueModel};
use crate::raft::{RaftConfig, Replicated, ServerConfig};

/// - Rounds of AppendEntries at most every 4 ms: Maelstrom's clients are closed-loop (each
///   waits for its answer before the next), so a client's rate is one over the latency, and
///   2 clients per node reach 1000 transactions a second only if one takes well under 6 ms.
///   At that rate a round still gathers about 4 transactions.
/// - Elections within about half a second, and a leader that steps down after 400 ms
///   without a majority.
/// - Every request answered within 1 s, well inside the client's timeout, so a request stuck
///   behind a partition is answered here (11 if nothing was proposed) rather than left to
///   the client's timeout.
pub const SERVER_CONFIG: ServerConfig = ServerConfig {
    raft: RaftConfig {
        heartbeat_interval: Duration::from_millis(100),
        election_timeout_min: Duration::from_millis(400),
        election_timeout_max: Duration::from_millis(800),
        batch_gap: Duration::from_millis(4),
        max_entries_per_message: 256,
    },
    request_budget: Duration::from_millis(1000),
    leader_patience: Duration::from_millis(300),
};

/// A transaction store is a whole workload's node (`raft::RaftNode<TxnStore<M>>`), served
/// with this timing.
impl<M: ValueModel> Replicated for TxnStore<M> {
    const CONFIG: ServerConfig = SERVER_CONFIG;
}
