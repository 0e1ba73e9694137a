//! The message journal: every message the network accepted (`send`) and every delivery
//! (`recv`), as Maelstrom's `net-journal` records them. One [`NetEvent`] is one line of a
//! run's `messages.jsonl`. The network-statistics checker reads only ids and endpoints.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Whether the network accepted a message from its sender or handed it to its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetEventKind {
    Send,
    Recv,
}

/// One journal line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetEvent {
    /// Nanoseconds since the start of the test.
    pub time: u64,
    #[serde(rename = "type")]
    pub kind: NetEventKind,
    /// The network's message id, unique per test (the `id` delivered to nodes).
    pub id: u64,
    pub src: String,
    pub dest: String,
    /// The message body; absent when a journal is written without bodies.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub body: Value,
}

/// Maelstrom's rule (`util.clj/client?`): an id is a client iff it starts with `c`.
pub fn is_client_id(id: &str) -> bool {
    id.starts_with('c')
}
