//! The messages of the txn-rw-register workload: clients send `txn` and get `txn_ok`;
//! nodes push their committed writes to each other with `replicate`, one message of a
//! [`runtime::peer_stream`] stream, acknowledged by the `ack` of the peer's own stream.
//!
//! A micro-op travels as a three-element array, `["r", k, v]` or `["w", k, v]`, exactly as
//! Maelstrom writes it (spec `maelstrom.md` §2.8), so it gets a hand-written serde shape
//! rather than a derived one: a struct or a tagged enum would travel as an object.

use runtime::peer_stream::Header;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A register's name. Maelstrom's generator only ever makes integer keys.
pub type Key = i64;

/// The messages this workload receives and sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Payload {
    /// A client's transaction, reads carrying `null`.
    Txn { txn: Vec<MicroOp> },
    /// The same transaction with every read filled in.
    TxnOk { txn: Vec<MicroOp> },
    /// Committed transactions the receiver has not acknowledged yet, oldest first, which it
    /// applies all under one lock; with no `seq`, an acknowledgement alone.
    Replicate {
        #[serde(flatten)]
        stream: Header,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        txns: Vec<Committed>,
    },
}

/// One step of a transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum MicroOp {
    /// Reads `key`; `value` is `null` in a request and what was read (`null` for a
    /// register never written) in a reply.
    Read { key: Key, value: Value },
    /// Writes `value` to `key`.
    Write { key: Key, value: Value },
}

impl Serialize for MicroOp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            MicroOp::Read { key, value } => ("r", key, value).serialize(s),
            MicroOp::Write { key, value } => ("w", key, value).serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for MicroOp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (f, key, value) = <(String, Key, Value)>::deserialize(d)?;
        match f.as_str() {
            "r" => Ok(MicroOp::Read { key, value }),
            "w" => Ok(MicroOp::Write { key, value }),
            other => Err(D::Error::custom(format!(
                "unknown micro-op `{other}`; expected \"r\" or \"w\""
            ))),
        }
    }
}

/// A position in the cluster-wide order of committed transactions: a Lamport counter,
/// ties broken by the committing node's index. Field order makes the derived `Ord`
/// lexicographic, which is the order last-writer-wins uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp(pub u64, pub u32);

/// What a committed transaction changed: the last value it wrote to each key it wrote,
/// stamped with its timestamp. This is the unit of replication; intermediate writes and
/// reads never leave the node that ran the transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Committed {
    pub ts: Timestamp,
    pub writes: Vec<(Key, Value)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn micro_ops_travel_as_three_element_arrays() {
        let txn: Payload = serde_json::from_value(
            json!({"type": "txn", "txn": [["r", 1, null], ["w", 1, 6], ["w", 2, 9]]}),
        )
        .unwrap();
        let Payload::Txn { txn } = txn else {
            panic!("expected a txn")
        };
        assert_eq!(
            txn[1],
            MicroOp::Write {
                key: 1,
                value: json!(6)
            }
        );
        let reply = serde_json::to_value(Payload::TxnOk { txn }).unwrap();
        assert_eq!(
            reply,
            json!({"type": "txn_ok", "txn": [["r", 1, null], ["w", 1, 6], ["w", 2, 9]]})
        );
    }

    #[test]
    fn unknown_micro_ops_and_non_integer_keys_are_rejected() {
        for bad in [
            json!({"type": "txn", "txn": [["append", 1, 6]]}),
            json!({"type": "txn", "txn": [["r", "x", null]]}),
            json!({"type": "txn", "txn": [["r", 1]]}),
        ] {
            assert!(
                serde_json::from_value::<Payload>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn replication_units_round_trip() {
        let payload = Payload::Replicate {
            stream: Header {
                seq: Some(0),
                ack: Some(4),
            },
            txns: vec![Committed {
                ts: Timestamp(7, 1),
                writes: vec![(3, json!(4))],
            }],
        };
        let wire = serde_json::to_value(&payload).unwrap();
        assert_eq!(
            wire,
            json!({"type": "replicate", "seq": 0, "ack": 4, "txns": [{"ts": [7, 1], "writes": [[3, 4]]}]})
        );
        assert_eq!(serde_json::from_value::<Payload>(wire).unwrap(), payload);
        assert!(Timestamp(7, 0) < Timestamp(7, 1) && Timestamp(7, 1) < Timestamp(8, 0));
    }
}
