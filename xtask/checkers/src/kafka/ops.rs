//! Kafka history records read into [`KOp`]s: per completion, what it sent and polled, key by
//! key, with keys interned as small integers ([`Keys`]).
//!
//! Keys are strings on the wire, and JSON object keys (a poll's result) are always strings,
//! so a key given as a number is read as its decimal text. A send's third element is
//! `[offset, msg]` when it is a two-element array starting with an integer, and the bare
//! message otherwise (Jepsen distinguishes them the same way); messages therefore must not
//! themselves look like `[integer, x]`.

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;

use crate::history::{Op, OpType, Process};
use crate::txn::atom::Atom;

/// An interned key.
pub type Key = u32;

/// Key names ↔ numbers.
#[derive(Debug, Default)]
pub struct Keys {
    names: Vec<String>,
    ids: HashMap<String, Key>,
}

impl Keys {
    pub fn intern(&mut self, name: String) -> Key {
        if let Some(&k) = self.ids.get(&name) {
            return k;
        }
        let k = self.names.len() as Key;
        self.ids.insert(name.clone(), k);
        self.names.push(name);
        k
    }

    pub fn name(&self, key: Key) -> &str {
        &self.names[key as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// All keys, ordered by name (for deterministic reports).
    pub fn sorted(&self) -> Vec<Key> {
        let mut keys: Vec<Key> = (0..self.names.len() as Key).collect();
        keys.sort_by(|a, b| self.name(*a).cmp(self.name(*b)));
        keys
    }
}

/// What an op does, by its `f`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Send,
    Poll,
    Txn,
    /// `assign` or `subscribe`: the process's keys change.
    Assign,
}

/// A message sent, with its offset when the send was acknowledged.
pub type Sent = (Option<i64>, Atom);

/// A message polled, with its offset.
pub type Polled = (i64, Atom);

/// One completion record of a send, poll, txn or assign op.
#[derive(Debug, Clone)]
pub struct KOp {
    /// Position of the record in the history slice.
    pub pos: usize,
    pub kind: OpType,
    pub f: Kind,
    pub process: Process,
    /// Per key, in micro-op order: the messages sent, with their offsets when known.
    pub sends: Vec<(Key, Vec<Sent>)>,
    /// Per key, in micro-op order: the `(offset, message)` pairs polled.
    pub polls: Vec<(Key, Vec<Polled>)>,
    /// For assign: the keys assigned.
    pub assigned: Vec<Key>,
}

impl KOp {
    pub fn sent_to(&self, key: Key) -> Option<&[Sent]> {
        self.sends
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, m)| m.as_slice())
    }

    pub fn polled_from(&self, key: Key) -> Option<&[Polled]> {
        self.polls
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, m)| m.as_slice())
    }
}

/// A record the checker cannot read; upstream throws, so the verdict is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedOp(pub String);

impl fmt::Display for MalformedOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed kafka op: {}", self.0)
    }
}

impl std::error::Error for MalformedOp {}

/// Reads every client completion of a send, poll, txn, assign or subscribe op. Other ops
/// (`crash`, `debug-topic-partitions`) play no part in the analysis.
pub fn read_ops(history: &[Op], keys: &mut Keys) -> Result<Vec<KOp>, MalformedOp> {
    let mut ops = Vec::new();
    for (pos, op) in history.iter().enumerate() {
        if !op.is_client() || op.kind == OpType::Invoke {
            continue;
        }
        let f = match op.f.as_str() {
            "send" => Kind::Send,
            "poll" => Kind::Poll,
            "txn" => Kind::Txn,
            "assign" | "subscribe" => Kind::Assign,
            _ => continue,
        };
        let bad =
            |why: &str| MalformedOp(format!("op {} ({}): {why}: {}", op.index, op.f, op.value));
        let mut kop = KOp {
            pos,
            kind: op.kind,
            f,
            process: op.process,
            sends: Vec::new(),
            polls: Vec::new(),
            assigned: Vec::new(),
        };
        if f == Kind::Assign {
            let list = op
                .value
                .as_array()
                .ok_or_else(|| bad("assign value is not a list of keys"))?;
            for k in list {
                kop.assigned
                    .push(keys.intern(key_name(k).ok_or_else(|| bad("bad key"))?));
            }
        } else {
            let mops = op
                .value
                .as_array()
                .ok_or_else(|| bad("value is not a list of micro-ops"))?;
            for mop in mops {
                read_mop(mop, keys, &mut kop).map_err(bad)?;
            }
        }
        ops.push(kop);
    }
    Ok(ops)
}

fn key_name(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn read_mop(mop: &Value, keys: &mut Keys, kop: &mut KOp) -> Result<(), &'static str> {
    let parts = mop.as_array().ok_or("a micro-op is not a list")?;
    match parts.first().and_then(Value::as_str) {
        Some("send") if parts.len() == 3 => {
            let key = keys.intern(key_name(&parts[1]).ok_or("bad key")?);
            let (offset, msg) = match &parts[2] {
                Value::Array(pair) if pair.len() == 2 && pair[0].is_i64() => {
                    (pair[0].as_i64(), &pair[1])
                }
                msg => (None, msg),
            };
            let msg = Atom::from_json(msg).ok_or("null message")?;
            push_grouped(&mut kop.sends, key, (offset, msg));
        }
        Some("poll") if parts.len() <= 2 => {
            let Some(result) = parts.get(1).filter(|r| !r.is_null()) else {
                return Ok(());
            };
            let by_key = result.as_object().ok_or("poll result is not an object")?;
            for (name, pairs) in by_key {
                let key = keys.intern(name.clone());
                for pair in pairs.as_array().ok_or("polled messages are not a list")? {
                    let pair = pair
                        .as_array()
                        .filter(|p| p.len() == 2)
                        .ok_or("a polled message is not [offset, msg]")?;
                    let offset = pair[0]
                        .as_i64()
                        .ok_or("a polled offset is not an integer")?;
                    let msg = Atom::from_json(&pair[1]).ok_or("null message")?;
                    push_grouped(&mut kop.polls, key, (offset, msg));
                }
            }
        }
        _ => return Err("a micro-op is neither [\"send\", k, v] nor [\"poll\", result]"),
    }
    Ok(())
}

fn push_grouped<T>(groups: &mut Vec<(Key, Vec<T>)>, key: Key, item: T) {
    match groups.iter_mut().find(|(k, _)| *k == key) {
        Some((_, items)) => items.push(item),
        None => groups.push((key, vec![item])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::HistoryBuilder;
    use serde_json::json;

    #[test]
    fn reads_the_documented_shapes() {
        let h = HistoryBuilder::new()
            .invoke(0, "send", json!([["send", "a", 5]]))
            .ok(0, "send", json!([["send", "a", [12, 5]]]))
            .info(1, "send", json!([["send", 7, 6]]))
            .ok(
                2,
                "poll",
                json!([["poll", {"a": [[12, 5], [13, 6]], "7": []}]]),
            )
            .fail(3, "poll", json!([["poll"]]))
            .ok(4, "assign", json!(["a", "7"]))
            .info(5, "crash", json!(null))
            .build();
        let mut keys = Keys::default();
        let ops = read_ops(&h, &mut keys).unwrap();
        assert_eq!(ops.len(), 5);
        let a = keys.intern("a".into());
        let seven = keys.intern("7".into());
        assert_eq!(ops[0].sent_to(a), Some(&[(Some(12), Atom::Int(5))][..]));
        assert_eq!(
            ops[1].sent_to(seven),
            Some(&[(None, Atom::Int(6))][..]),
            "numeric keys read as text"
        );
        assert_eq!(ops[2].polled_from(a).unwrap().len(), 2);
        assert!(ops[3].polls.is_empty());
        assert_eq!(ops[4].assigned, vec![a, seven]);
        assert_eq!(keys.len(), 2);
    }

    #[test]
    fn rejects_garbage() {
        let mut keys = Keys::default();
        let h = HistoryBuilder::new()
            .ok(0, "poll", json!([["poll", {"a": [[1]]}]]))
            .build();
        assert!(read_ops(&h, &mut keys)
            .unwrap_err()
            .0
            .contains("[offset, msg]"));
        let h = HistoryBuilder::new()
            .ok(0, "send", json!(["send", "a", 1]))
            .build();
        assert!(read_ops(&h, &mut keys).is_err());
    }
}
