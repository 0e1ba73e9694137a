//! How a Raft node paces itself: the election timeout range, the heartbeat, and how long
//! a leader gathers proposals and reads into one round of AppendEntries.

use std::time::Duration;

/// Timing and batching of a [`crate::raft::Raft`] node.
///
/// What it costs: a round of AppendEntries is `2 * (n - 1)` messages in a cluster of `n`
/// (one to each follower and its reply), and a leader sends one round per
/// `heartbeat_interval` when idle, at most one per `batch_gap` under load (the sooner of
/// the two). Elections cost little beside that. At 5 nodes and a 50 ms gap, a busy
/// leader sends at most 20 rounds, 160 messages, a second however many operations they
/// carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RaftConfig {
    /// A leader sends a round of AppendEntries (empty if there is nothing new) when it has
    /// sent none for this long. Must be well below `election_timeout_min`.
    pub heartbeat_interval: Duration,
    /// A follower that hears nothing from a leader for a random time drawn from
    /// `election_timeout_min..election_timeout_max` starts a pre-vote. The minimum is also
    /// how long a node trusts a leader it heard from (it ignores votes meanwhile) and how
    /// long a leader may go without hearing from a majority before it steps down.
    pub election_timeout_min: Duration,
    pub election_timeout_max: Duration,
    /// Least time between two rounds of AppendEntries: proposals and reads that arrive
    /// within it wait and travel together in the next round, one message per follower.
    /// The first proposal after a quiet spell goes out at once. Zero sends every
    /// proposal in its own round.
    pub batch_gap: Duration,
    /// Most entries in one AppendEntries; a follower further behind is caught up in
    /// several messages, each sent when the previous one is acknowledged.
    pub max_entries_per_message: usize,
}

impl Default for RaftConfig {
    /// Suited to one-way latencies of a few to tens of milliseconds: a leader lost to a
    /// partition is replaced within about a second, and a busy leader batches 50 ms of
    /// work per round.
    fn default() -> Self {
        RaftConfig {
            heartbeat_interval: Duration::from_millis(50),
            election_timeout_min: Duration::from_millis(300),
            election_timeout_max: Duration::from_millis(600),
            batch_gap: Duration::from_millis(50),
            max_entries_per_message: 256,
        }
    }
}
