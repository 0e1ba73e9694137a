//! The messages `kafka-lean` nodes exchange among themselves (never seen by clients).
//!
//! - `forward`: a send for a key the receiving node owns. `id` is unique per origin node, so
//!   a retried forward is recognised and gets the offset the first attempt got. `have` is how
//!   many entries of the key the origin already holds, so `forward_ok` can carry the rest
//!   of the log up to the new entry and the origin's copy includes its own client's send
//!   before that client hears `send_ok`.
//! - `sync`: log segments of keys the sender owns that the receiver is not known to hold
//!   yet, and commits it is not known to have; answered by `sync_ok` with the receiver's
//!   log lengths for those keys, which is what the sender then knows it holds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::payload::Offsets;

/// Consecutive log entries starting at offset `start`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub start: u64,
    pub entries: Vec<Value>,
}

/// The body of a `sync`: what the sender believes the receiver is missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncBatch {
    /// Segments of keys the sender owns.
    pub logs: BTreeMap<String, Segment>,
    /// Committed offsets, of any key.
    pub commits: Offsets,
}

/// Node-to-node messages.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PeerMessage {
    Forward {
        key: String,
        msg: Value,
        id: u64,
        have: u64,
    },
    ForwardOk {
        offset: u64,
        tail: Segment,
    },
    Sync(SyncBatch),
    SyncOk {
        lengths: Offsets,
    },
}

impl PeerMessage {
    /// The message types that belong to this protocol.
    pub const KINDS: [&'static str; 4] = ["forward", "forward_ok", "sync", "sync_ok"];
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_match_the_serialised_type_tags() {
        let samples = [
            PeerMessage::Forward {
                key: "1".into(),
                msg: json!(3),
                id: 7,
                have: 0,
            },
            PeerMessage::ForwardOk {
                offset: 0,
                tail: Segment {
                    start: 0,
                    entries: vec![json!(3)],
                },
            },
            PeerMessage::Sync(SyncBatch::default()),
            PeerMessage::SyncOk {
                lengths: Offsets::new(),
            },
        ];
        for (sample, kind) in samples.iter().zip(PeerMessage::KINDS) {
            assert_eq!(serde_json::to_value(sample).unwrap()["type"], kind);
        }
    }
}
