//! The kafka client (Maelstrom's `workload/kafka.clj`): one per connection, holding the
//! offset it will poll next for each assigned key. A fresh client (after any `info`,
//! crashes included) starts with no assignment.
//!
//! - `assign keys`: with seek-to-beginning every key starts at 0; otherwise the client asks
//!   `list_committed_offsets` and each key starts at its current local offset, else its
//!   committed offset (*at* it, not after it), else 0. Unlisted keys are dropped.
//! - `poll`: one `poll` with the whole map; every returned key advances to its highest
//!   returned offset + 1 (0 for an empty list); then, if any pairs came back, one
//!   `commit_offsets` with the highest returned offset per key. The op is `ok` only if both
//!   RPCs succeed.
//! - `send [k msg]`: one `send`; `ok` records `[offset, msg]`.
//! - `crash`: no RPC; completes `info`, which makes the worker open a fresh client.
//!
//! Failures follow `with-errors` with `assign` as the only idempotent operation.

use crate::client::outcome::Policy;
use crate::client::schema::{Field, Schema};
use crate::client::{Conn, Request};
use crate::op::{Completion, OpSpec};
use crate::workload::{Client, DEFAULT_TIMEOUT};
use checkers::history::OpType;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

use super::offsets::key_text;

const SEND_OK: Schema = Schema {
    reply_type: "send_ok",
    fields: &[("offset", Field::Int)],
};
const POLL_OK: Schema = Schema {
    reply_type: "poll_ok",
    fields: &[(
        "msgs",
        Field::MapOf(&Field::ArrayOf(&Field::Tuple(&[Field::Int, Field::Any]))),
    )],
};
const COMMIT_OFFSETS_OK: Schema = Schema {
    reply_type: "commit_offsets_ok",
    fields: &[],
};
const LIST_COMMITTED_OFFSETS_OK: Schema = Schema {
    reply_type: "list_committed_offsets_ok",
    fields: &[("offsets", Field::MapOf(&Field::Int))],
};

/// One connection's consumer state.
#[derive(Debug, Default)]
pub struct KafkaClient {
    /// Per assigned key, the offset the next poll asks for.
    next: BTreeMap<String, i64>,
}

#[async_trait::async_trait]
impl Client for KafkaClient {
    async fn invoke(&mut self, conn: &mut Conn, node: &str, op: &OpSpec) -> Completion {
        let policy = Policy::WithErrors {
            idempotent: op.f == "assign",
        };
        let result = match op.f.as_str() {
            "crash" => {
                return Completion {
                    kind: OpType::Info,
                    value: op.value.clone(),
                    error: None,
                }
            }
            "assign" => self.assign(conn, node, op).await,
            "send" => send(conn, node, op).await,
            "poll" => self.poll(conn, node).await,
            other => panic!("the kafka generator made an unknown operation {other:?}"),
        };
        match result {
            Ok(value) => Completion::ok(value),
            Err(failure) => failure.completion(policy, op.value.clone()),
        }
    }
}

type Outcome = Result<Value, crate::client::outcome::Failure>;

impl KafkaClient {
    async fn assign(&mut self, conn: &mut Conn, node: &str, op: &OpSpec) -> Outcome {
        let keys: Vec<String> = op
            .value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(key_text)
            .collect();
        let committed = if op.is_final {
            // Seek to the beginning: the final phase's assign (see `final_polls`).
            Map::new()
        } else {
            let request = Request::new("list_committed_offsets").with("keys", json!(keys));
            let mut reply =
                conn.rpc(node, &request, &LIST_COMMITTED_OFFSETS_OK, DEFAULT_TIMEOUT).await?;
            match reply.remove("offsets") {
                Some(Value::Object(offsets)) => offsets,
                _ => Map::new(),
            }
        };
        let seek = op.is_final;
        self.next = keys
            .into_iter()
            .map(|key| {
                let start = if seek {
                    0
                } else {
                    self.next
                        .get(&key)
                        .copied()
                        .or_else(|| committed.get(&key).and_then(Value::as_i64))
                        .unwrap_or(0)
                };
                (key, start)
            })
            .collect();
        Ok(op.value.clone())
    }

    async fn poll(&mut self, conn: &mut Conn, node: &str) -> Outcome {
        let request = Request::new("poll").with("offsets", json!(self.next));
        let mut reply = conn.rpc(node, &request, &POLL_OK, DEFAULT_TIMEOUT).await?;
        let msgs = reply.remove("msgs").unwrap_or_else(|| json!({}));
        let mut commits = BTreeMap::new();
        for (key, pairs) in msgs.as_object().into_iter().flatten() {
            let offsets: Vec<i64> = pairs
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|pair| pair.get(0).and_then(Value::as_i64))
                .collect();
            let highest = offsets.iter().copied().max();
            // Jepsen merges `highest + 1` (0 for no pairs) into the map with `max`.
            let advanced = highest.map_or(0, |h| h + 1);
            self.next
                .entry(key.clone())
                .and_modify(|next| *next = (*next).max(advanced))
                .or_insert(advanced);
            if let Some(highest) = highest {
                commits.insert(key.clone(), highest.max(0));
            }
        }
        if !commits.is_empty() {
            let request = Request::new("commit_offsets").with("offsets", json!(commits));
            conn.rpc(node, &request, &COMMIT_OFFSETS_OK, DEFAULT_TIMEOUT).await?;
        }
        Ok(json!([["poll", msgs]]))
    }
}

async fn send(conn: &mut Conn, node: &str, op: &OpSpec) -> Outcome {
    let mop = &op.value[0];
    let (key, msg) = (mop[1].clone(), mop[2].clone());
    let request = Request::new("send")
        .with("key", key.clone())
        .with("msg", msg.clone());
    let reply = conn.rpc(node, &request, &SEND_OK, DEFAULT_TIMEOUT).await?;
    Ok(json!([["send", key, [reply["offset"], msg]]]))
}
