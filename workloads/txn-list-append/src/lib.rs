//! txn-list-append, Maelstrom's Elle list-append workload (spec `maelstrom.md` §2.9):
//! transactions of `["r", k, null]` and `["append", k, v]` micro-ops over lists, judged
//! strict-serializable by Elle (`checkers.md` §4).
//!
//! # Design
//!
//! The store is `runtime::txn::TxnStore<List>`, the transactional key-value state machine
//! this crate shares with `txn-rw-register-strict`: micro-ops run in order, reads see the
//! transaction's own earlier appends, and the transaction's appends are installed together.
//! It is replicated with Raft (`runtime::raft::RaftServer`), not through the `lin-kv`
//! service: the Raft building block exists, and a Datomic-style transactor would pay a
//! service round trip per transaction plus a CAS that fails under contention.
//!
//! - A transaction that appends anything is one entry of the log; every replica applies the
//!   entries in log order, so the log is the serial order. The entry commits between the
//!   client's request and its answer, so the order respects real time: strict
//!   serializability.
//! - A read-only transaction is answered at a confirmed read index (the leader checks with a
//!   majority that it still leads, after the request arrived), so it sees every transaction
//!   that completed before it, and no log entry is spent on it.
//! - A node that knows no leader, or a leader cut off from its majority, answers error 11
//!   (definite, `fail`) when nothing was proposed, and a proposal whose log slot another
//!   leader's entry took fails with 11 as well; a proposal whose fate is open when the
//!   request's time runs out is answered with a timeout (`info`). No transaction ever sees a
//!   state that the log does not hold, so a minority side of a partition refuses rather
//!   than answers wrongly.
//! - Availability under partitions therefore depends on the shape drawn: a single node cut
//!   off costs only its own clients' requests, but on 3 nodes Maelstrom's `majorities-ring`
//!   cuts one direction of every link (each node drops what one neighbour sends), so no
//!   two nodes hear each other, no majority can answer a round, and every request fails
//!   with 11 until the heal.
//! - There are no aborts: a committed entry always applies in full (the store checks each
//!   micro-op and installs nothing of a transaction that fails half-way, which only a
//!   broken invariant could cause).
//!
//! Modules: [`node`] the handler · [`suites`] the tests it runs · `mutants` (feature
//! `mutants`) deliberately broken nodes for the explorer.

#[cfg(feature = "mutants")]
mod mutants;
pub mod node;
pub mod suites;

pub use node::ListAppendNode;

runtime::inventory::submit! {
    runtime::Workload {
        name: "txn-list-append",
        summary: "Strict-serializable list-append transactions replicated with Raft",
        start: runtime::start::<ListAppendNode>,
        suites: suites::SUITES,
    }
}
