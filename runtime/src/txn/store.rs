//! [`TxnStore`]: every key's value and the rule that runs a transaction. Micro-ops run in
//! order; a read sees the transaction's own earlier writes, else the store's value; the
//! writes are installed together at the end, and only if every micro-op succeeded, so a
//! transaction takes effect whole or not at all. Deterministic and knowing nothing of Raft:
//! replicas that apply the same transactions in the same order hold the same store.

use std::collections::HashMap;
use std::marker::PhantomData;

use serde_json::Value;

use super::model::ValueModel;
use super::mop::{Key, MicroOp, TxnReply, TxnRequest};
use crate::error::Error;
use crate::raft::StateMachine;

/// Every key of a store whose values follow model `M`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TxnStore<M: ValueModel> {
    values: HashMap<Key, Value>,
    model: PhantomData<M>,
}

impl<M: ValueModel> TxnStore<M> {
    /// The value of `key` as a read outside any transaction sees it.
    pub fn get(&self, key: Key) -> Value {
        M::read(self.values.get(&key))
    }

    /// How many keys have been written.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when no key has been written.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Runs `mops` as one transaction and returns them with the reads filled in.
    pub fn execute(&mut self, mops: &[MicroOp<M>]) -> Result<Vec<MicroOp<M>>, Error> {
        // The transaction's own writes, by key: what its later reads see, and what is
        // installed if it completes.
        let mut written: HashMap<Key, Option<Value>> = HashMap::new();
        let mut done = Vec::with_capacity(mops.len());
        for mop in mops {
            match mop {
                MicroOp::Read { key, .. } => {
                    let value = match written.get(key) {
                        Some(own) => M::read(own.as_ref()),
                        None => M::read(self.values.get(key)),
                    };
                    done.push(MicroOp::Read { key: *key, value });
                }
                MicroOp::Write { key, value, .. } => {
                    let slot = written
                        .entry(*key)
                        .or_insert_with(|| self.values.get(key).cloned());
                    M::write(slot, value)?;
                    done.push(mop.clone());
                }
            }
        }
        for (key, value) in written {
            if let Some(value) = value {
                self.values.insert(key, value);
            }
        }
        Ok(done)
    }
}

impl<M: ValueModel> StateMachine for TxnStore<M> {
    type Request = TxnRequest<M>;
    type Reply = TxnReply<M>;

    /// A transaction that writes anything goes through the log; a read-only one is answered
    /// at a confirmed read index.
    fn is_update(request: &TxnRequest<M>) -> bool {
        request.mops().iter().any(MicroOp::is_write)
    }

    fn apply(&mut self, request: &TxnRequest<M>) -> Result<TxnReply<M>, Error> {
        self.execute(request.mops())
            .map(|txn| TxnReply::TxnOk { txn })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::txn::{List, Register};
    use serde_json::json;

    fn txn<M: ValueModel>(wire: Value) -> TxnRequest<M> {
        serde_json::from_value(json!({"type": "txn", "txn": wire})).unwrap()
    }

    fn run<M: ValueModel>(store: &mut TxnStore<M>, wire: Value) -> Value {
        let TxnReply::TxnOk { txn: done } = store.apply(&txn(wire)).unwrap();
        serde_json::to_value(done).unwrap()
    }

    #[test]
    fn reads_see_the_transactions_own_earlier_appends_and_later_ones_see_all() {
        let mut store = TxnStore::<List>::default();
        assert_eq!(
            run(
                &mut store,
                json!([
                    ["r", 1, null],
                    ["append", 1, 5],
                    ["r", 1, null],
                    ["append", 1, 6]
                ])
            ),
            json!([
                ["r", 1, null],
                ["append", 1, 5],
                ["r", 1, [5]],
                ["append", 1, 6]
            ])
        );
        assert_eq!(
            run(
                &mut store,
                json!([["append", 1, 7], ["r", 1, null], ["r", 2, null]])
            ),
            json!([["append", 1, 7], ["r", 1, [5, 6, 7]], ["r", 2, null]])
        );
        assert_eq!(store.get(1), json!([5, 6, 7]));
    }

    #[test]
    fn register_reads_see_the_last_write_before_them() {
        let mut store = TxnStore::<Register>::default();
        assert_eq!(
            run(
                &mut store,
                json!([["w", 1, 1], ["w", 1, 2], ["r", 1, null]])
            ),
            json!([["w", 1, 1], ["w", 1, 2], ["r", 1, 2]])
        );
        assert_eq!(store.get(1), json!(2));
        assert_eq!(store.get(3), Value::Null);
    }

    #[test]
    fn only_transactions_that_write_are_updates() {
        assert!(!TxnStore::<List>::is_update(&txn(json!([["r", 1, null]]))));
        assert!(TxnStore::<List>::is_update(&txn(json!([
            ["r", 1, null],
            ["append", 1, 2]
        ]))));
        assert!(!TxnStore::<Register>::is_update(&txn(json!([]))));
    }

    #[test]
    fn a_transaction_that_fails_half_way_leaves_nothing_behind() {
        // A list key holding a non-list is a broken invariant no append can create; it
        // stands in for any micro-op that fails after others have run.
        let mut store = TxnStore::<List> {
            values: HashMap::from([(2, json!("not a list"))]),
            model: PhantomData,
        };
        let failed = store.apply(&txn(json!([["append", 1, 5], ["append", 2, 6]])));
        assert!(failed.is_err());
        assert_eq!(
            store.get(1),
            Value::Null,
            "the first append was not installed"
        );
        assert_eq!(store.len(), 1);
    }
}
