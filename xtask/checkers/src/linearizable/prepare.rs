//! Knossos's preprocessing and Jepsen's `independent` split (checkers.md §2.5, §3.4): the
//! history becomes, per key, the list of operations the search must place.
//!
//! - Each invocation is paired with its completion ([`Pairs`]); the key and the argument come
//!   from the invocation's `[key, value]`, the result of an `ok` read from its completion.
//! - `fail` operations are dropped with their invocation: they certainly did not happen.
//! - `info` operations, and invocations that never completed, may take effect at any time
//!   after their invocation, or never. Indeterminate reads constrain nothing and are dropped;
//!   indeterminate writes and CASes stay (a lost write can still enable a later CAS).
//! - `ok` reads of nil are dropped: the model accepts them in any state and they change
//!   nothing, so they can always be placed.
//!
//! Where Jepsen would throw (an `f` that is not read, write or cas, a value that is not a
//! `[key, value]` pair, a malformed CAS argument), preparation fails with the reason, and the
//! verdict is `unknown`.

use std::collections::HashMap;

use serde_json::Value;

use super::register::{Action, Interner};
use crate::history::{Op, OpType};
use crate::pairing::Pairs;
use crate::value_order;

/// One operation of one key, as the search places it.
#[derive(Debug, Clone)]
pub struct KeyOp {
    pub action: Action,
    /// True for `ok` operations, which must be placed; false for indeterminate ones.
    pub definite: bool,
    /// History position of the invocation.
    pub invoked: usize,
    /// History position of the `ok` completion; `None` for an indeterminate operation.
    pub completed: Option<usize>,
    /// The record that stands for the op in reports: the completion if any, else the
    /// invocation.
    pub record: usize,
    /// The operation's value without its key, as `independent` hands it to Knossos.
    pub value: Value,
}

/// The sub-history of one key.
#[derive(Debug, Clone)]
pub struct KeyHistory {
    pub key: Value,
    /// In order of invocation.
    pub ops: Vec<KeyOp>,
}

/// Splits `history` by key, keys in Clojure's order (incomparable keys by their JSON text).
pub fn split(history: &[Op], values: &mut Interner) -> Result<Vec<KeyHistory>, String> {
    let pairs = Pairs::of(history).map_err(|e| e.to_string())?;
    let mut keys: Vec<KeyHistory> = Vec::new();
    let mut slot_of: HashMap<String, usize> = HashMap::new();
    for (pos, invocation) in history.iter().enumerate() {
        if !invocation.is_client() || invocation.kind != OpType::Invoke {
            continue;
        }
        let completion = pairs.completion(pos).map(|c| &history[c]);
        let kind = completion.map_or(OpType::Info, |c| c.kind);
        if kind == OpType::Fail {
            continue;
        }
        let (key, argument) = key_and_value(invocation)?;
        let definite = kind == OpType::Ok;
        let (action, value) = match invocation.f.as_str() {
            "read" => {
                if !definite {
                    continue;
                }
                let completion = completion.expect("an ok read has a completion");
                let (_, read) = key_and_value(completion)?;
                if read.is_null() {
                    continue;
                }
                (Action::Read(values.intern(read)), read.clone())
            }
            "write" => (Action::Write(values.intern(argument)), argument.clone()),
            "cas" => match argument.as_array().map(Vec::as_slice) {
                Some([from, to]) => (
                    Action::Cas {
                        from: values.intern(from),
                        to: values.intern(to),
                    },
                    argument.clone(),
                ),
                _ => {
                    return Err(format!(
                        "op {}: a cas takes [from, to], not {argument}",
                        invocation.index
                    ))
                }
            },
            other => {
                return Err(format!(
                    "op {}: lin-kv has no operation {other:?} (only read, write, cas)",
                    invocation.index
                ))
            }
        };
        let completed = if definite {
            pairs.completion(pos)
        } else {
            None
        };
        let text = key.to_string();
        let slot = *slot_of.entry(text).or_insert_with(|| {
            keys.push(KeyHistory {
                key: key.clone(),
                ops: Vec::new(),
            });
            keys.len() - 1
        });
        keys[slot].ops.push(KeyOp {
            action,
            definite,
            invoked: pos,
            completed,
            record: pairs.completion(pos).unwrap_or(pos),
            value,
        });
    }
    keys.sort_by(|a, b| value_order::total_order(&a.key, &b.key));
    Ok(keys)
}

/// The `[key, value]` pair of a record.
fn key_and_value(op: &Op) -> Result<(&Value, &Value), String> {
    match op.value.as_array().map(Vec::as_slice) {
        Some([key, value]) => Ok((key, value)),
        _ => Err(format!(
            "op {}: a lin-kv value is [key, value], not {}",
            op.index, op.value
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::HistoryBuilder;
    use serde_json::json;

    #[test]
    fn splits_by_key_dropping_what_constrains_nothing() {
        let h = HistoryBuilder::new()
            .invoke(0, "write", json!([2, 1]))
            .invoke(1, "read", json!([1, null]))
            .ok(0, "write", json!([2, 1]))
            .ok(1, "read", json!([1, null]))
            .invoke(0, "cas", json!([1, [3, 4]]))
            .fail(0, "cas", json!([1, [3, 4]]))
            .invoke(0, "cas", json!([1, [0, 4]]))
            .info(0, "cas", json!([1, [0, 4]]))
            .invoke(10, "read", json!([2, null]))
            .info(10, "read", json!([2, null]))
            .invoke(2, "read", json!([2, null]))
            .ok(2, "read", json!([2, 1]))
            .invoke(3, "write", json!([2, 0]))
            .build();
        let mut values = Interner::default();
        let keys = split(&h, &mut values).unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].key, json!(1));
        // Key 1: only the indeterminate CAS; the nil read and the failed CAS are gone.
        assert_eq!(keys[0].ops.len(), 1);
        assert!(!keys[0].ops[0].definite);
        assert_eq!(keys[0].ops[0].value, json!([0, 4]));
        // Key 2: the write, the ok read of 1, and the never-completed write.
        let two = &keys[1].ops;
        assert_eq!(two.len(), 3);
        assert_eq!((two[0].invoked, two[0].completed), (0, Some(2)));
        assert_eq!(two[1].action, Action::Read(values.intern(&json!(1))));
        assert_eq!((two[2].definite, two[2].record), (false, 12));
    }

    #[test]
    fn refuses_what_jepsen_would_throw_on() {
        let mut values = Interner::default();
        let bad_f = HistoryBuilder::new()
            .call(0, "append", json!([1, 2]), json!([1, 2]))
            .build();
        assert!(split(&bad_f, &mut values).unwrap_err().contains("append"));
        let bad_value = HistoryBuilder::new()
            .call(0, "write", json!(3), json!(3))
            .build();
        assert!(split(&bad_value, &mut values)
            .unwrap_err()
            .contains("[key, value]"));
    }
}
