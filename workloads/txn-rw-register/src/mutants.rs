//! Deliberately broken register-transaction nodes, compiled only for the explorer (feature
//! `mutants`): `cargo xtask explore --mutants` runs each on its suite until a seed fails,
//! which shows that the suite and Elle catch what the mutant breaks.

use runtime::raft::{RaftNode, Replicated, ServerConfig, StateMachine};
use runtime::txn::{MicroOp, Register, TxnReply, TxnRequest, TxnStore};
use runtime::{Error, Mutant};
use serde_json::Value;

/// The strict handler's store, but every read returns the value the key held when the
/// transaction began, even after the transaction's own write to it: `[["w", 1, 3],
/// ["r", 1, null]]` reads the old value (Elle: an internal anomaly).
#[derive(Debug, Default)]
struct ReadsIgnoreOwnWrites(TxnStore<Register>);

impl StateMachine for ReadsIgnoreOwnWrites {
    type Request = TxnRequest<Register>;
    type Reply = TxnReply<Register>;

    fn is_update(request: &TxnRequest<Register>) -> bool {
        TxnStore::<Register>::is_update(request)
    }

    fn apply(&mut self, request: &TxnRequest<Register>) -> Result<TxnReply<Register>, Error> {
        let before: Vec<Value> = request
            .mops()
            .iter()
            .map(|mop| match mop {
                MicroOp::Read { key, .. } => self.0.get(*key),
                MicroOp::Write { .. } => Value::Null,
            })
            .collect();
        let TxnReply::TxnOk { txn } = self.0.apply(request)?;
        let txn = txn
            .into_iter()
            .zip(before)
            .map(|(mop, old)| match mop {
                MicroOp::Read { key, .. } => MicroOp::Read { key, value: old },
                write => write,
            })
            .collect();
        Ok(TxnReply::TxnOk { txn })
    }
}

impl Replicated for ReadsIgnoreOwnWrites {
    const CONFIG: ServerConfig = <TxnStore<Register> as Replicated>::CONFIG;
}

runtime::inventory::submit! {
    Mutant {
        name: "txn-rw-register-reads-ignore-own-writes",
        suite: "txn-rw-register-strict",
        breaks: "reads the value a key had before the transaction, not the transaction's own earlier write",
        start: runtime::start::<RaftNode<ReadsIgnoreOwnWrites>>,
    }
}
