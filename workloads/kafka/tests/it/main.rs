//! Both kafka handlers on the explorer's cluster through their suites ([`suites`]: offsets,
//! polls and commits as the checker judges them, messages per operation, partitions), one
//! node alone for what a cluster run cannot single out ([`node`]), and how the crate's own
//! binary (the one `cargo run -p kafka` runs) picks between the two ([`binary`]).

mod binary;
mod node;
mod suites;

use serde_json::{json, Value};

/// A `send` request body.
pub fn send(key: &str, msg: i64) -> Value {
    json!({"type": "send", "key": key, "msg": msg})
}

/// A `poll` request body for one key.
pub fn poll(key: &str, offset: u64) -> Value {
    json!({"type": "poll", "offsets": {key: offset}})
}

/// The `[offset, msg]` pairs a poll reply holds for `key`.
pub fn polled(reply: &Value, key: &str) -> Vec<(u64, i64)> {
    assert_eq!(reply["type"], "poll_ok", "{reply}");
    reply["msgs"][key]
        .as_array()
        .map(|pairs| {
            pairs
                .iter()
                .map(|pair| (pair[0].as_u64().unwrap(), pair[1].as_i64().unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

/// The offset a `send_ok` carries.
pub fn offset(reply: &Value) -> u64 {
    assert_eq!(reply["type"], "send_ok", "{reply}");
    reply["offset"].as_u64().unwrap()
}
