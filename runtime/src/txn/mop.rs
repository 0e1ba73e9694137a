//! Micro-ops and the `txn` / `txn_ok` messages. A micro-op travels as a three-element array,
//! `["r", k, v]` or `[M::WRITE, k, v]`, exactly as Maelstrom writes it (spec `maelstrom.md`
//! §2.8-2.9), so it has a hand-written serde shape: a derived one would travel as an object.
//! The same request is what the Raft log carries and what a follower forwards.

use std::marker::PhantomData;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::model::ValueModel;

/// A key's name. Maelstrom's generators only ever make integer keys.
pub type Key = i64;

/// One step of a transaction over values of model `M`.
#[derive(Debug, Clone, PartialEq)]
pub enum MicroOp<M: ValueModel> {
    /// Reads `key`; `value` is `null` in a request and what was read in a reply.
    Read { key: Key, value: Value },
    /// Writes `value` to `key` as the model does (replace, append).
    Write {
        key: Key,
        value: Value,
        model: PhantomData<M>,
    },
}

impl<M: ValueModel> MicroOp<M> {
    /// A read of `key`, as a request carries it.
    pub fn read(key: Key) -> MicroOp<M> {
        MicroOp::Read {
            key,
            value: Value::Null,
        }
    }

    /// A write of `value` to `key`.
    pub fn write(key: Key, value: Value) -> MicroOp<M> {
        MicroOp::Write {
            key,
            value,
            model: PhantomData,
        }
    }

    /// True for a write, which makes its transaction an update.
    pub fn is_write(&self) -> bool {
        matches!(self, MicroOp::Write { .. })
    }
}

impl<M: ValueModel> Serialize for MicroOp<M> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            MicroOp::Read { key, value } => ("r", key, value).serialize(s),
            MicroOp::Write { key, value, .. } => (M::WRITE, key, value).serialize(s),
        }
    }
}

impl<'de, M: ValueModel> Deserialize<'de> for MicroOp<M> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (f, key, value) = <(String, Key, Value)>::deserialize(d)?;
        if f == "r" {
            Ok(MicroOp::Read { key, value })
        } else if f == M::WRITE {
            Ok(MicroOp::write(key, value))
        } else {
            Err(D::Error::custom(format!(
                "unknown micro-op `{f}`; expected \"r\" or \"{}\"",
                M::WRITE
            )))
        }
    }
}

/// A client's transaction, reads carrying `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[serde(bound = "")]
pub enum TxnRequest<M: ValueModel> {
    Txn { txn: Vec<MicroOp<M>> },
}

/// The transaction with every read filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[serde(bound = "")]
pub enum TxnReply<M: ValueModel> {
    TxnOk { txn: Vec<MicroOp<M>> },
}

impl<M: ValueModel> TxnRequest<M> {
    /// The message types a client may send.
    pub const KINDS: [&'static str; 1] = ["txn"];

    /// The micro-ops, in order.
    pub fn mops(&self) -> &[MicroOp<M>] {
        let TxnRequest::Txn { txn } = self;
        txn
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::txn::{List, Register};
    use serde_json::json;

    #[test]
    fn micro_ops_travel_as_three_element_arrays_named_by_the_model() {
        let wire = json!({"type": "txn", "txn": [["r", 1, null], ["append", 1, 6]]});
        let request: TxnRequest<List> = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(
            request.mops(),
            [MicroOp::read(1), MicroOp::write(1, json!(6))]
        );
        assert_eq!(serde_json::to_value(&request).unwrap(), wire);
        let reply = TxnReply::<Register>::TxnOk {
            txn: vec![MicroOp::write(2, json!(9))],
        };
        assert_eq!(
            serde_json::to_value(reply).unwrap(),
            json!({"type": "txn_ok", "txn": [["w", 2, 9]]})
        );
    }

    #[test]
    fn another_models_writes_and_malformed_micro_ops_are_rejected() {
        for bad in [
            json!({"type": "txn", "txn": [["w", 1, 6]]}),
            json!({"type": "txn", "txn": [["r", "x", null]]}),
            json!({"type": "txn", "txn": [["r", 1]]}),
        ] {
            assert!(
                serde_json::from_value::<TxnRequest<List>>(bad.clone()).is_err(),
                "{bad}"
            );
        }
        assert!(serde_json::from_value::<TxnRequest<Register>>(
            json!({"type": "txn", "txn": [["append", 1, 6]]})
        )
        .is_err());
    }
}
