//! A seq-kv that is as stale as spec §3.3 allows: where Maelstrom's service picks a random
//! state between the caller's last one and the newest, this one always picks the caller's
//! last one. A request that changes the state is applied to the newest state and moves
//! the caller there, as in the real service. If the node is right against this service it
//! is right against every schedule of the real one that keeps callers where they were.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};

type State = BTreeMap<String, Value>;

pub struct StalestSeqKv {
    states: Vec<State>,
    seen: HashMap<String, usize>,
}

impl StalestSeqKv {
    pub fn new() -> StalestSeqKv {
        StalestSeqKv {
            states: vec![State::new()],
            seen: HashMap::new(),
        }
    }

    /// Answers one request body from `caller` (the reply body, without reserved ids).
    pub fn handle(&mut self, caller: &str, request: &Value) -> Value {
        let index = self.seen.get(caller).copied().unwrap_or(0);
        let (reply, changed) = apply(&self.states[index], request);
        if changed.is_none() {
            return reply;
        }
        let newest = self.states.last().expect("never empty");
        let (reply, changed) = apply(newest, request);
        let next = changed.unwrap_or_else(|| newest.clone());
        self.states.push(next);
        self.seen.insert(caller.to_owned(), self.states.len() - 1);
        reply
    }

    /// The newest value of `key`.
    pub fn newest(&self, key: &str) -> Option<Value> {
        self.states
            .last()
            .unwrap()
            .get(&json!(key).to_string())
            .cloned()
    }
}

fn apply(state: &State, request: &Value) -> (Value, Option<State>) {
    let key = request["key"].to_string();
    let current = state.get(&key);
    let with = |value: &Value| {
        let mut next = state.clone();
        next.insert(key.clone(), value.clone());
        next
    };
    let missing = json!({"type": "error", "code": 20, "text": "key does not exist"});
    match request["type"].as_str() {
        Some("read") => match current {
            Some(value) => (json!({"type": "read_ok", "value": value}), None),
            None => (missing, None),
        },
        Some("write") => {
            let value = &request["value"];
            let changed = (current != Some(value)).then(|| with(value));
            (json!({"type": "write_ok"}), changed)
        }
        Some("cas") => {
            let (from, to) = (&request["from"], &request["to"]);
            match current {
                None if request["create_if_not_exists"] == json!(true) => {
                    (json!({"type": "cas_ok"}), Some(with(to)))
                }
                None => (missing, None),
                Some(value) if value == from => {
                    (json!({"type": "cas_ok"}), (from != to).then(|| with(to)))
                }
                Some(value) => (
                    json!({"type": "error", "code": 22, "text": format!("current value {value} is not {from}")}),
                    None,
                ),
            }
        }
        _ => panic!("the node sent seq-kv an unknown request: {request}"),
    }
}
