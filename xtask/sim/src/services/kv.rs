//! The key-value operations shared by lin-kv, seq-kv and lww-kv (spec §3.1), applied to one
//! immutable store; lin-kv is exactly this applied to a single store.
//!
//! Keys and values are any JSON; equality is structural on the parsed JSON, where `1` and
//! `1.0` differ (as Clojure's `=` on Long and Double) and objects are equal whatever the
//! order of their keys. A key is stored under its [`canonical`] text, which sorts object keys
//! itself, so that equality holds even if serde_json's `preserve_order` feature is switched
//! on by some other crate in the build (feature unification), which would make `to_string`
//! keep the order the node wrote.

use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One state of a store, keyed by [`canonical`] key text. Values are shared so that keeping
/// old states (seq-kv) is cheap.
pub type Store = BTreeMap<String, Arc<Value>>;

/// The text of `value` with every object's keys sorted: equal texts ⇔ structurally equal
/// values (objects compared as unordered maps, `1` ≠ `1.0`).
pub fn canonical(value: &Value) -> String {
    fn write(value: &Value, out: &mut String) {
        match value {
            Value::Array(items) => {
                out.push('[');
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                out.push('{');
                for (k, (key, item)) in entries.into_iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::from(key.as_str()).to_string());
                    out.push(':');
                    write(item, out);
                }
                out.push('}');
            }
            scalar => out.push_str(&scalar.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// A parsed KV request.
#[derive(Debug, Clone, PartialEq)]
pub enum KvOp {
    Read {
        key: Value,
    },
    Write {
        key: Value,
        value: Value,
    },
    Cas {
        key: Value,
        from: Value,
        to: Value,
        create: bool,
    },
}

/// A reply body without `in_reply_to`: the success fields, or an error code and text.
pub type Reply = Result<Map<String, Value>, (i64, String)>;

impl KvOp {
    /// The request in `body`, or `None` for a type the KV services don't know.
    pub fn parse(body: &Map<String, Value>) -> Option<KvOp> {
        let field = |name: &str| body.get(name).cloned().unwrap_or(Value::Null);
        match body.get("type")?.as_str()? {
            "read" => Some(KvOp::Read { key: field("key") }),
            "write" => Some(KvOp::Write {
                key: field("key"),
                value: field("value"),
            }),
            "cas" => Some(KvOp::Cas {
                key: field("key"),
                from: field("from"),
                to: field("to"),
                create: body.get("create_if_not_exists") == Some(&Value::Bool(true)),
            }),
            _ => None,
        }
    }

    fn key(&self) -> &Value {
        match self {
            KvOp::Read { key } | KvOp::Write { key, .. } | KvOp::Cas { key, .. } => key,
        }
    }

    /// Applies the op to `store`: the reply, and the new store if the op changed it.
    pub fn apply(&self, store: &Store) -> (Reply, Option<Store>) {
        let key = canonical(self.key());
        let current = store.get(&key);
        let (reply, new_value) = match self {
            KvOp::Read { .. } => match current {
                Some(v) => (Ok(body(json!({"type": "read_ok", "value": **v}))), None),
                None => (Err((20, "key does not exist".to_string())), None),
            },
            KvOp::Write { value, .. } => {
                (Ok(body(json!({"type": "write_ok"}))), Some(value.clone()))
            }
            KvOp::Cas {
                from, to, create, ..
            } => match current {
                None if *create => (Ok(body(json!({"type": "cas_ok"}))), Some(to.clone())),
                None => (Err((20, "key does not exist".to_string())), None),
                Some(v) if **v == *from => (Ok(body(json!({"type": "cas_ok"}))), Some(to.clone())),
                Some(v) => (
                    Err((
                        22,
                        format!("current value {} is not {}", show(v), show(from)),
                    )),
                    None,
                ),
            },
        };
        let changed = new_value
            .filter(|new| current.is_none_or(|old| **old != *new))
            .map(|new| {
                let mut next = store.clone();
                next.insert(key, Arc::new(new));
                next
            });
        (reply, changed)
    }
}

/// Clojure's `str` of a value: strings bare, everything else as JSON.
fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn body(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("reply bodies are objects"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(v: Value) -> KvOp {
        KvOp::parse(v.as_object().unwrap()).unwrap()
    }

    #[test]
    fn linearizable_register_semantics() {
        let empty = Store::new();
        let (reply, none) = op(json!({"type":"read","key":"x"})).apply(&empty);
        assert_eq!((reply.unwrap_err().0, none), (20, None));
        let (reply, none) = op(json!({"type":"cas","key":"x","from":1,"to":2})).apply(&empty);
        assert_eq!((reply.unwrap_err().0, none), (20, None));
        let (reply, s1) =
            op(json!({"type":"cas","key":"x","from":1,"to":2,"create_if_not_exists":true}))
                .apply(&empty);
        assert_eq!(reply.unwrap()["type"], "cas_ok");
        let s1 = s1.unwrap();
        let (reply, _) = op(json!({"type":"read","key":"x"})).apply(&s1);
        assert_eq!(reply.unwrap()["value"], 2);
        let (reply, none) = op(json!({"type":"cas","key":"x","from":1,"to":3})).apply(&s1);
        assert_eq!(
            reply.unwrap_err(),
            (22, "current value 2 is not 1".to_string())
        );
        assert!(none.is_none());
        let (_, same) = op(json!({"type":"write","key":"x","value":2})).apply(&s1);
        assert!(same.is_none(), "writing the current value changes nothing");
        let (_, s2) = op(json!({"type":"write","key":"x","value":2.0})).apply(&s1);
        assert!(s2.is_some(), "2.0 is not 2");
        let (reply, _) = op(json!({"type":"read","key":["x"]})).apply(&s1);
        assert!(
            reply.is_err(),
            "keys compare structurally: [\"x\"] is not \"x\""
        );
        assert!(KvOp::parse(json!({"type":"delete","key":1}).as_object().unwrap()).is_none());
    }

    #[test]
    fn object_keys_match_whatever_their_key_order() {
        let parse = |text: &str| -> Value { serde_json::from_str(text).unwrap() };
        let written =
            op(json!({"type":"write","key":parse(r#"{"b":[1,{"y":2,"x":1}],"a":0}"#),"value":7}));
        let (_, store) = written.apply(&Store::new());
        let store = store.unwrap();
        let read = op(json!({"type":"read","key":parse(r#"{"a":0,"b":[1,{"x":1,"y":2}]}"#)}));
        assert_eq!(read.apply(&store).0.unwrap()["value"], 7);
        let other = op(json!({"type":"read","key":parse(r#"{"a":0.0,"b":[1,{"x":1,"y":2}]}"#)}));
        assert!(other.apply(&store).0.is_err(), "0.0 is not 0");
        assert_eq!(
            canonical(&parse(r#"{"b":{"d":1,"c":[2]},"a":"é\""}"#)),
            r#"{"a":"é\"","b":{"c":[2],"d":1}}"#
        );
    }
}
