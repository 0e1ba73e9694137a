//! Test-only helpers for hand-written transactional histories, shared by the list-append
//! and rw-register checker tests and the synthetic history generators: the one-model
//! selections tests check against, the invocation form of a transaction, a builder of
//! whole transactions, and the anomaly names a checker reported.

use serde_json::Value;

use crate::history::{History, OpType};
use crate::testing::HistoryBuilder;
use crate::txn::models::ConsistencyModel;

pub const RU: [ConsistencyModel; 1] = [ConsistencyModel::READ_UNCOMMITTED];
pub const RC: [ConsistencyModel; 1] = [ConsistencyModel::READ_COMMITTED];
pub const SER: [ConsistencyModel; 1] = [ConsistencyModel::SERIALIZABLE];
pub const SS: [ConsistencyModel; 1] = [ConsistencyModel::STRICT_SERIALIZABLE];

pub use super::synthetic::invocation;

/// Builds histories of whole transactions: `t` runs one to completion, `begin`/`end` let
/// transactions overlap. A transaction is given as it completed (reads with their values).
pub struct Txns(HistoryBuilder);

impl Txns {
    pub fn new() -> Txns {
        Txns(HistoryBuilder::new())
    }

    pub fn begin(self, p: u64, txn: &Value) -> Txns {
        Txns(self.0.invoke(p, "txn", invocation(txn)))
    }

    /// Completes process `p`'s transaction; only an `ok` completion carries read values.
    pub fn end(self, p: u64, kind: OpType, txn: &Value) -> Txns {
        let value = if kind == OpType::Ok {
            txn.clone()
        } else {
            invocation(txn)
        };
        Txns(self.0.op(p, kind, "txn", value))
    }

    pub fn t(self, p: u64, kind: OpType, txn: Value) -> Txns {
        self.begin(p, &txn).end(p, kind, &txn)
    }

    pub fn ok(self, p: u64, txn: Value) -> Txns {
        self.t(p, OpType::Ok, txn)
    }

    /// Two transactions (processes 0 and 1) that overlap in time.
    pub fn both(self, t1: Value, t2: Value) -> Txns {
        self.begin(0, &t1)
            .begin(1, &t2)
            .end(0, OpType::Ok, &t1)
            .end(1, OpType::Ok, &t2)
    }

    pub fn build(self) -> History {
        self.0.build()
    }
}

impl Default for Txns {
    fn default() -> Txns {
        Txns::new()
    }
}

/// The `anomaly-types` a checker reported, or none.
pub fn types(results: &Value) -> Vec<String> {
    results["anomaly-types"].as_array().map_or(Vec::new(), |a| {
        a.iter().map(|t| t.as_str().unwrap().to_owned()).collect()
    })
}
