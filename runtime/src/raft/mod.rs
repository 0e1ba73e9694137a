//! A Raft core as a sans-IO state machine: messages and ticks go in, messages, committed
//! entries and ready linearizable reads come out. It knows nothing of what the commands
//! mean, so any workload can replicate its own state machine on it, and nothing of how
//! messages travel, so a test can run a whole cluster on a virtual clock.
//!
//! The algorithm is Raft (Ongaro and Ousterhout, "In Search of an Understandable
//! Consensus Algorithm", 2014) with the extensions of Ongaro's thesis (2014) that keep a
//! cluster available under partitions:
//! - **PreVote** (thesis §9.6): a node whose election timer fires first asks whether it
//!   *could* win at the next term, without bumping its own; only with a majority of
//!   grants does it start a real election. An isolated node therefore cannot inflate its
//!   term and depose a healthy leader when it rejoins.
//! - **Leader stickiness**: a node that heard from a live leader within the minimum
//!   election timeout ignores (pre)vote requests, so a node that merely lost contact
//!   cannot take over.
//! - **CheckQuorum**: a leader that has not heard from a majority within the minimum
//!   election timeout steps down, so clients of a leader cut off in a minority learn
//!   quickly that it is not the leader.
//! - **ReadIndex** (thesis §6.4): a linearizable read without writing to the log. A read is
//!   ready once the leader has committed an entry of its own term (it appends a no-op on
//!   election) and a majority acknowledged a round of AppendEntries that started after
//!   the read was registered. There are no time-based leases, which rely on bounded clock
//!   drift.
//!
//! The server ([`server`]) also relays its peer traffic around one-way cuts
//! ([`crate::relay`]), below the core: Maelstrom's 3-node `majorities-ring` leaves no two
//! nodes that hear each other, and with relaying every message still arrives, in two hops.
//!
//! Invariants the code keeps (and the simulator checks):
//! - Election safety: at most one leader per term (one vote per term per node; a leader
//!   needs a majority).
//! - Log matching: two logs holding an entry with the same index and term are identical up
//!   to it (a follower appends only after its entry at `prev_index` has `prev_term`).
//! - Leader completeness: an entry committed in a term is in the log of every leader of a
//!   later term (votes go only to candidates whose log is at least as up to date).
//! - State machine safety: no two nodes commit different entries at one index (the leader
//!   counts replicas only for entries of its own term, Raft §5.4.2).
//!
//! Nothing is persisted: the term, the vote and the log live in memory. That is sound only
//! where nodes never restart, as under Maelstrom; a restarted node would forget its vote.
//! The log is never compacted either, which suits test runs of minutes.
//!
//! - [`config`]: timeouts, the heartbeat, batching.
//! - [`message`]: what peers send each other.
//! - [`log`]: the replicated log with its term lookups.
//! - [`core`]: the node's state machine, its inputs and outputs ([`Raft`]).
//! - `election`: pre-votes, votes and role changes.
//! - `replication`: AppendEntries, the leader's view of each follower, commitment.
//! - `reads`: reads waiting for their confirmation round.
//! - [`replica`]: a workload's [`StateMachine`] on the core, and the requests waiting on it.
//! - [`server`]: a replica wired to a node's `Ctx`: the driver task, peer messages, and
//!   client requests served at the leader or forwarded to it ([`RaftServer`]).
//! - [`handler`]: the whole node of a workload that is one replicated state machine
//!   ([`RaftNode`]).
//! - `sim` (tests only): a deterministic cluster on a faulty in-memory network, and
//!   `checks`, the safety properties it checks after every event; `tests` holds the
//!   flows one by one, `properties` the same properties under random faults, and
//!   `garbage` feeds one node arbitrary messages.

#[cfg(test)]
mod checks;
pub mod config;
pub mod core;
mod election;
#[cfg(test)]
mod garbage;
pub mod handler;
pub mod log;
pub mod message;
#[cfg(test)]
mod properties;
mod reads;
pub mod replica;
mod replication;
pub mod server;
#[cfg(test)]
mod sim;
#[cfg(test)]
mod tests;

pub use self::config::RaftConfig;
pub use self::core::{Committed, EntryId, NotLeader, Raft, ReadId, Role};
pub use self::handler::{RaftNode, Replicated};
pub use self::log::{Entry, Log};
pub use self::message::{RaftMessage, RejectHint};
pub use self::replica::{Replica, StateMachine, Submitted};
pub use self::server::{RaftServer, ServerConfig};
