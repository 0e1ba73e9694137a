//! A transactional key-value store to replicate on [`crate::raft`]: Maelstrom's `txn`
//! requests (spec `maelstrom.md` §2.8-2.9), a list of micro-ops run in order as one atomic
//! step, over keys whose values follow a [`ValueModel`]: a [`Register`] that a write
//! replaces, or a [`List`] that an append extends.
//!
//! [`TxnStore`] is a deterministic [`crate::raft::StateMachine`]: every replica applies the
//! same transactions in the same (log) order, so all hold the same store. Put on a
//! [`crate::raft::RaftServer`], transactions that write go through the log and read-only
//! ones are answered at a confirmed read index, which makes the history strictly
//! serializable: the log order is a serial order, and an entry commits (or a read index is
//! confirmed) between a transaction's invocation and its completion, so that order respects
//! real time.
//!
//! - [`model`]: how one key's value is read and written ([`Register`], [`List`]).
//! - [`mop`]: micro-ops and the `txn` / `txn_ok` messages, in Maelstrom's wire shape.
//! - [`store`]: the state machine.
//! - [`config`]: the Raft server timing both stores use ([`SERVER_CONFIG`]).

pub mod config;
pub mod model;
pub mod mop;
pub mod store;

pub use config::SERVER_CONFIG;
pub use model::{List, Register, ValueModel};
pub use mop::{Key, MicroOp, TxnReply, TxnRequest};
pub use store::TxnStore;
