//! The `txn-rw-register-strict` handler: strict-serializable transactions over registers,
//! beside the crate's totally available store. The store is `runtime::txn::TxnStore<Register>`,
//! the same transactional state machine `txn-list-append` replicates over lists, on a
//! [`RaftServer`]: a transaction that writes is one log entry, applied in log order
//! everywhere; a read-only one is answered at a confirmed read index. The log order is the
//! serial order and respects real time, so every model up to strict serializability holds,
//! at the price of total availability: a node without a majority answers error 11 (see
//! `txn-list-append`'s crate doc for the argument, which does not depend on the model).

use runtime::raft::RaftNode;
use runtime::txn::{Register, TxnStore};

/// A node of the strict register store.
pub type StrictTxnNode = RaftNode<TxnStore<Register>>;
