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
use super::log::{Entry, Log};
use super::message::RaftMessage;
use super::reads::Reads;
use super::replication::{AppendRequest, LeaderState};

/// Terms above this are refused: real terms grow by one per election, and the margin
/// lets them never overflow.
const MAX_TERM: u64 = u64::MAX / 2;

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
///
/// A node drives it like this: hand it each peer message ([`Raft::step`]), client
/// operation ([`Raft::propose`], [`Raft::read_index`]) and timer expiry ([`Raft::tick`]);
/// after each, send [`Raft::take_messages`], apply [`Raft::take_committed`] to the state
/// machine, answer [`Raft::take_ready_reads`] and [`Raft::take_abandoned_reads`], and set
/// the timer to [`Raft::next_due`].
///
/// ```
/// use runtime::raft::{Raft, RaftConfig, Role};
/// use tokio::time::Instant;
///
/// let ids = vec!["n0".to_owned()];
/// let mut raft: Raft<String> = Raft::new("n0", &ids, RaftConfig::default(), 1, Instant::now());
/// // Alone, the node elects itself when its election timer first runs out.
/// let now = raft.next_due();
/// raft.tick(now);
/// assert_eq!(raft.role(), Role::Leader);
/// let proposed = raft.propose("x".to_owned(), now).unwrap();
/// let committed = raft.take_committed();
/// assert_eq!(committed[0].command, None, "the leader's no-op");
/// assert_eq!(committed[1].id(), proposed);
/// assert_eq!(committed[1].command.as_deref(), Some("x"));
/// ```
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
        assert!(
            node_ids.iter().any(|node| node == id),
            "raft: own id {id} is not among the node ids {node_ids:?}"
        );
        let mut peers: Vec<String> = node_ids
            .iter()
            .filter(|node| *node != id)
            .cloned()
            .collect();
        peers.sort();
        peers.dedup();
        let mut raft = Raft {
            id: id.to_owned(),
            peers,
            config,
            rng: StdRng::seed_from_u64(seed),
            role: Role::Follower,
            term: 0,
            voted_for: None,
            leader: None,
            log: Log::new(),
            commit: 0,
            delivered: 0,
            election_deadline: now,
            leader_contact: None,
            grants: BTreeSet::new(),
            leading: None,
            reads: Reads::default(),
            outbox: Vec::new(),
        };
        raft.reset_election_timer(now);
        raft
    }

    /// Fires the timers due at `now`: a follower's or candidate's campaign, a leader's
    /// heartbeat, batched proposals and reads, and CheckQuorum.
    pub fn tick(&mut self, now: Instant) {
        if self.role == Role::Leader {
            self.lead(now);
        } else if now >= self.election_deadline {
            self.campaign_pre_vote(now);
        }
    }

    /// Takes in a message from peer `from`. Messages from outside the cluster, from this
    /// node itself, or with impossible terms or indexes are ignored.
    pub fn step(&mut self, from: &str, message: RaftMessage<C>, now: Instant) {
        if from == self.id
            || self
                .peers
                .binary_search_by(|peer| peer.as_str().cmp(from))
                .is_err()
        {
            return;
        }
        let term = message.term();
        // No real message carries term 0, nor a term so high that counting on from it
        // could overflow: both can only come from a broken or hostile sender.
        if term == 0 || term > MAX_TERM {
            return;
        }
        // A pre-vote's term is only hypothetical, and so is a granting reply's echo.
        let real_term = match &message {
            RaftMessage::PreVote { .. } => false,
            RaftMessage::PreVoteReply { granted, .. } => !granted,
            _ => true,
        };
        if matches!(message, RaftMessage::Vote { .. }) && self.in_lease(now) {
            return;
        }
        if real_term && term > self.term {
            self.become_follower(term, now);
        }
        match message {
            RaftMessage::PreVote {
                term,
                last_index,
                last_term,
            } => self.on_pre_vote(from, term, last_index, last_term, now),
            RaftMessage::PreVoteReply { term, granted } => {
                self.on_pre_vote_reply(from, term, granted, now)
            }
            RaftMessage::Vote {
                term,
                last_index,
                last_term,
            } => self.on_vote(from, term, last_index, last_term, now),
            RaftMessage::VoteReply { term, granted } => {
                self.on_vote_reply(from, term, granted, now)
            }
            RaftMessage::Append {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
                round,
            } => self.on_append(
                from,
                AppendRequest {
                    term,
                    prev_index,
                    prev_term,
                    entries,
                    commit,
                    round,
                },
                now,
            ),
            RaftMessage::AppendReply {
                term,
                round,
                index,
                reject,
            } => self.on_append_reply(from, term, round, index, reject, now),
        }
        self.tick(now);
    }

    /// Appends `command` to the leader's log; it travels with the next round. The
    /// proposal took effect exactly when [`Raft::take_committed`] yields an entry with the
    /// returned index and term; an entry of another term at that index means it lost.
    pub fn propose(&mut self, command: C, now: Instant) -> Result<EntryId, NotLeader> {
        if self.role != Role::Leader {
            return Err(self.not_leader());
        }
        let index = self.log.push(Entry {
            term: self.term,
            command: Some(command),
        });
        self.note_work(now);
        self.advance_commit();
        self.tick(now);
        Ok(EntryId {
            index,
            term: self.term,
        })
    }

    /// Registers a linearizable read at the leader. It appears in
    /// [`Raft::take_ready_reads`] once safe, or in [`Raft::take_abandoned_reads`] if this
    /// node stops leading first.
    pub fn read_index(&mut self, read: ReadId, now: Instant) -> Result<(), NotLeader> {
        let Some(leading) = self.leading.as_ref() else {
            return Err(self.not_leader());
        };
        // Only a round that starts after now can confirm that no later leader existed
        // when the read arrived.
        self.reads.register(read, leading.round + 1);
        self.note_work(now);
        self.release_reads();
        self.tick(now);
        Ok(())
    }

    /// Messages to send, each with its recipient, in the order produced.
    pub fn take_messages(&mut self) -> Vec<(String, RaftMessage<C>)> {
        std::mem::take(&mut self.outbox)
    }

    /// Entries committed since the last call, each exactly once, in index order.
    pub fn take_committed(&mut self) -> Vec<Committed<C>> {
        let committed = (self.delivered + 1..=self.commit)
            .map(|index| {
                let entry = self
                    .log
                    .get(index)
                    .expect("raft: a committed index lies within the log");
                Committed {
                    index,
                    term: entry.term,
                    command: entry.command.clone(),
                }
            })
            .collect();
        self.delivered = self.commit;
        committed
    }

    /// Reads that became ready, in registration order, each with the commit index the
    /// answer must reflect: take and apply [`Raft::take_committed`] first, then answer
    /// from the state after applying up to that index.
    pub fn take_ready_reads(&mut self) -> Vec<(ReadId, u64)> {
        self.reads.take_ready()
    }

    /// Reads dropped because this node stopped leading before they were ready; answer
    /// them with an error (the read had no effect, so it may be retried).
    pub fn take_abandoned_reads(&mut self) -> Vec<ReadId> {
        self.reads.take_abandoned()
    }

    /// When [`Raft::tick`] next has something to do. Inputs can move it earlier, so ask
    /// again after each one.
    pub fn next_due(&self) -> Instant {
        match self.role {
            Role::Leader => self.lead_due(),
            _ => self.election_deadline,
        }
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

    /// How many nodes, this one included, make a majority.
    pub(super) fn quorum(&self) -> usize {
        let cluster_size = self.peers.len() + 1;
        cluster_size / 2 + 1
    }

    pub(super) fn send(&mut self, to: &str, message: RaftMessage<C>) {
        self.outbox.push((to.to_owned(), message));
    }

    pub(super) fn send_to_peers(&mut self, message: RaftMessage<C>) {
        for peer in &self.peers {
            self.outbox.push((peer.clone(), message.clone()));
        }
    }

    pub(super) fn not_leader(&self) -> NotLeader {
        NotLeader {
            leader_hint: self.leader.clone(),
        }
    }

    /// Draws the next campaign time from the configured range.
    pub(super) fn reset_election_timer(&mut self, now: Instant) {
        let RaftConfig {
            election_timeout_min: min,
            election_timeout_max: max,
            ..
        } = self.config;
        let timeout = if max > min {
            self.rng.gen_range(min..max)
        } else {
            min
        };
        self.election_deadline = now + timeout;
    }
}
