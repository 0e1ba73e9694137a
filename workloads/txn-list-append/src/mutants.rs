//! Deliberately broken list-append nodes, compiled only for the explorer (feature
//! `mutants`): `cargo xtask explore --mutants` runs each on its suite until a seed fails,
//! which shows that the suite and Elle catch what the mutant breaks.

use runtime::raft::{RaftNode, Replicated, ServerConfig, StateMachine};
use runtime::txn::{List, MicroOp, TxnReply, TxnRequest, TxnStore};
use runtime::{Error, Mutant};

/// The real store, but a transaction counts as read-only when its *first* micro-op is a
/// read: `[["r", 1, null], ["append", 1, 5]]` is answered at the read index, so its append
/// is applied to the leader's copy alone and never enters the log. Once another node
/// leads, those appends are gone from the lists later reads see.
#[derive(Debug, Default)]
struct FirstOpDecides(TxnStore<List>);

impl StateMachine for FirstOpDecides {
    type Request = TxnRequest<List>;
    type Reply = TxnReply<List>;

    fn is_update(request: &TxnRequest<List>) -> bool {
        request.mops().first().is_some_and(MicroOp::is_write)
    }

    fn apply(&mut self, request: &TxnRequest<List>) -> Result<TxnReply<List>, Error> {
        self.0.apply(request)
    }
}

impl Replicated for FirstOpDecides {
    const CONFIG: ServerConfig = <TxnStore<List> as Replicated>::CONFIG;
}

runtime::inventory::submit! {
    Mutant {
        name: "txn-list-append-first-op-decides",
        suite: "txn-list-append-strict-partition",
        breaks: "takes a transaction that starts with a read for read-only, so its appends skip the log and vanish with the leader",
        start: runtime::start::<RaftNode<FirstOpDecides>>,
    }
}
