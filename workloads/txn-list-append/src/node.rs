//! The `txn-list-append` handler: the lists of `runtime::txn::TxnStore<List>` replicated by
//! a `RaftServer` ([`RaftNode`] does the wiring). Peer traffic goes to the server; a client's
//! `txn` is served by it, at the leader or forwarded there.

use runtime::raft::RaftNode;
use runtime::txn::{List, TxnStore};

/// A node of the list-append store.
pub type ListAppendNode = RaftNode<TxnStore<List>>;
