//! The client-facing messages of Maelstrom's kafka workload (spec §2.6), shared by both
//! handlers. Offsets are integers and keys strings; messages are any JSON value. A poll
//! reply pairs serialise as two-element arrays `[offset, msg]`, and every map field is an
//! object (possibly empty), never null, as Maelstrom's schema requires.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Offsets or committed offsets by key.
pub type Offsets = BTreeMap<String, u64>;

/// Polled `[offset, msg]` pairs by key.
pub type Polled = BTreeMap<String, Vec<(u64, Value)>>;

/// The workload's requests and replies.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Payload {
    /// Append `msg` to the log of `key`.
    Send {
        key: String,
        msg: Value,
    },
    SendOk {
        offset: u64,
    },
    /// Messages of each key from the given offset on.
    Poll {
        offsets: Offsets,
    },
    PollOk {
        msgs: Polled,
    },
    /// The consumer has processed each key up to and including the offset.
    CommitOffsets {
        offsets: Offsets,
    },
    CommitOffsetsOk,
    /// The committed offset of each key (unknown keys omitted).
    ListCommittedOffsets {
        keys: Vec<String>,
    },
    ListCommittedOffsetsOk {
        offsets: Offsets,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn payloads_have_maelstrom_shapes() {
        let poll: Payload =
            serde_json::from_value(json!({"type": "poll", "offsets": {"9": 12, "3": 0}})).unwrap();
        assert!(matches!(poll, Payload::Poll { ref offsets } if offsets["9"] == 12));
        let reply = Payload::PollOk {
            msgs: BTreeMap::from([("9".to_owned(), vec![(12, json!(3)), (13, json!(4))])]),
        };
        assert_eq!(
            serde_json::to_value(reply).unwrap(),
            json!({"type": "poll_ok", "msgs": {"9": [[12, 3], [13, 4]]}})
        );
        let empty = Payload::ListCommittedOffsetsOk {
            offsets: Offsets::new(),
        };
        assert_eq!(
            serde_json::to_value(empty).unwrap(),
            json!({"type": "list_committed_offsets_ok", "offsets": {}})
        );
        assert_eq!(
            serde_json::to_value(Payload::CommitOffsetsOk).unwrap(),
            json!({"type": "commit_offsets_ok"})
        );
    }
}
