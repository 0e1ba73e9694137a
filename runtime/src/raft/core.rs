//! The state of one Raft node and its sans-IO interface. Callers feed it peers' messages
//! ([`Raft::step`]), client work ([`Raft::propose`], [`Raft::read_index`]) and the time
//! ([`Raft::tick`] at [`Raft::next_due`]), then take what it produced: messages to send,
//! entries that became committed, reads that became ready. Every input takes `now`, and
//! the only randomness (election timeouts) comes from the seed given at construction, so
//! a run is a function of the seed and the inputs.
//!
//! The protocol itself lives in the sibling files: `election` (pre-votes, votes, role
//! changes), `replication` (AppendEntries and commitment) and `reads` (read-index).

use std::collections::BTreeSet;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

use super::config::RaftConfig;
use super::log::Log;
use super::message::RaftMessage;
use super::reads::Reads;
use super::replication::LeaderState;

/// A caller's name for a read, handed back when the read is ready.
pub type ReadId = u64;

/// What part a node plays in its current term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Follower,
    /// Asking peers whether it could win an election, without having bumped its term.
    PreCandidate,
    Candidate,
    Leader,
}

/// The answer to a proposal or read at a node that is not the leader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not the leader (leader: {})", leader_hint.as_deref().unwrap_or("unknown"))]
pub struct NotLeader {
    /// The leader this node last heard from in its current term, if any.
    pub leader_hint: Option<String>,
}

/// Where an entry sits in the log. A proposal at `(index, term)` took effect exactly when
/// the entry committed at `index` has that `term`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId {
    pub index: u64,
    pub term: u64,
}

/// An entry that became committed; `command` is `None` for a leader's election no-op.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed<C> {
    pub index: u64,
    pub term: u64,
    pub command: Option<C>,
}

impl<C> Committed<C> {
    pub fn id(&self) -> EntryId {
        EntryId {
            index: self.index,
            term: self.term,
        }
    }
}

/// One Raft node. `C` is the command type, opaque to the core.
#[derive(Debug)]
pub struct Raft<C> {
    pub(super) id: String,
    /// Every other node of the cluster, in id order.
    pub(super) peers: Vec<String>,
    pub(super) config: RaftConfig,
    pub(super) rng: StdRng,
    pub(super) role: Role,
    pub(super) term: u64,
    pub(super) voted_for: Option<String>,
    pub(super) leader: Option<String>,
    pub(super) log: Log<C>,
    pub(super) commit: u64,
    /// Entries up to here were handed out by [`Raft::take_committed`].
    pub(super) delivered: u64,
    /// When a follower or candidate next campaigns, unless a leader is heard first.
    pub(super) election_deadline: Instant,
    /// When this node last heard from the leader of its term; within the minimum election
    /// timeout after it, (pre)votes are ignored.
    pub(super) leader_contact: Option<Instant>,
    /// Peers that granted a vote (or pre-vote) in the current campaign, this node included.
    pub(super) grants: BTreeSet<String>,
    /// Present exactly while this node is the leader.
    pub(super) leading: Option<LeaderState>,
    pub(super) reads: Reads,
    pub(super) outbox: Vec<(String, RaftMessage<C>)>,
}

impl<C: Clone> Raft<C> {
    /// A follower at term 0 with an empty log. `node_ids` are all the cluster's nodes
    /// (Maelstrom's `node_ids`), `id` among them; `seed` drives the election timeouts.
    ///
    /// # Panics
    /// If `id` is not among `node_ids`: the caller mixed up its cluster.
    pub fn new(
        id: &str,
        node_ids: &[String],
        config: RaftConfig,
        seed: u64,
        now: Instant,
    ) -> Raft<C> {
        unimplemented!()
    }

    /// Fires the timers due at `now`: a follower's or candidate's campaign, a leader's
    /// heartbeat, batched proposals and reads, and CheckQuorum.
    pub fn tick(&mut self, now: Instant) {
        unimplemented!()
    }

    /// Takes in a message from peer `from`. Messages from outside the cluster, from this
    /// node itself, or with impossible terms or indexes are ignored.
    pub fn step(&mut self, from: &str, message: RaftMessage<C>, now: Instant) {
        unimplemented!()
    }

    /// Appends `command` to the leader's log; it travels with the next round. The
    /// proposal took effect exactly when [`Raft::take_committed`] yields an entry with the
    /// returned index and term; an entry of another term at that index means it lost.
    pub fn propose(&mut self, command: C, now: Instant) -> Result<EntryId, NotLeader> {
        unimplemented!()
    }

    /// Registers a linearizable read at the leader. It appears in
    /// [`Raft::take_ready_reads`] once safe, or in [`Raft::take_abandoned_reads`] if this
    /// node stops leading first.
    pub fn read_index(&mut self, read: ReadId, now: Instant) -> Result<(), NotLeader> {
        unimplemented!()
    }

    /// Messages to send, each with its recipient, in the order produced.
    pub fn take_messages(&mut self) -> Vec<(String, RaftMessage<C>)> {
        unimplemented!()
    }

    /// Entries committed since the last call, each exactly once, in index order.
    pub fn take_committed(&mut self) -> Vec<Committed<C>> {
        unimplemented!()
    }

    /// Reads that became ready, in registration order, each with the commit index the
    /// answer must reflect: take and apply [`Raft::take_committed`] first, then answer
    /// from the state after applying up to that index.
    pub fn take_ready_reads(&mut self) -> Vec<(ReadId, u64)> {
        unimplemented!()
    }

    /// Reads dropped because this node stopped leading before they were ready; answer
    /// them with an error (the read had no effect, so it may be retried).
    pub fn take_abandoned_reads(&mut self) -> Vec<ReadId> {
        unimplemented!()
    }

    /// When [`Raft::tick`] next has something to do. Inputs can move it earlier, so ask
    /// again after each one.
    pub fn next_due(&self) -> Instant {
        unimplemented!()
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn term(&self) -> u64 {
        self.term
    }

    /// The leader of the current term as far as this node knows (itself when leading).
    pub fn leader(&self) -> Option<&str> {
        self.leader.as_deref()
    }

    pub fn commit_index(&self) -> u64 {
        self.commit
    }

    /// The node's log, committed and not.
    pub fn log(&self) -> &Log<C> {
        &self.log
    }
}
