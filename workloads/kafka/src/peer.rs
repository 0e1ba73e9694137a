//! The messages `kafka-lean` nodes exchange among themselves (never seen by clients).
//!
//! - `forward`: a send for a key the receiving node owns. `id` is unique per origin node, so
//!   a retried forward is recognised and gets the offset the first attempt got. `have` is how
//!   many entries of the key the origin already holds, so `forward_ok` can carry the rest
//!   of the log up to the new entry and the origin's copy includes its own client's send
//!   before that client hears `send_ok`.
//! - `sync`: one message of the [`runtime::peer_stream`] stream from the sender to the
//!   receiver: log segments of keys the sender owns that the receiver is not known to hold
//!   yet, and commits it is not known to have, with the stream's number and the sender's
//!   acknowledgement of the receiver's own syncs (a sync with no `seq` is an
//!   acknowledgement alone). It gets no reply: the acknowledgement rides on the way back.

use std::collections::BTreeMap;

use runtime::peer_stream::Header;
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
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub logs: BTreeMap<String, Segment>,
    /// Committed offsets, of any key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
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
    Sync {
        #[serde(flatten)]
        stream: Header,
        #[serde(flatten)]
        batch: SyncBatch,
    },
}

impl PeerMessage {
    /// The message types that belong to this protocol.
    pub const KINDS: [&'static str; 3] = ["forward", "forward_ok", "sync"];
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
            PeerMessage::Sync {
                stream: Header::default(),
                batch: SyncBatch::default(),
            },
        ];
        assert_eq!(samples.len(), PeerMessage::KINDS.len());
        for (sample, kind) in samples.iter().zip(PeerMessage::KINDS) {
            assert_eq!(serde_json::to_value(sample).unwrap()["type"], kind);
        }
    }

    #[test]
    fn a_sync_is_flat_and_leaves_out_what_it_does_not_carry() {
        let wire = json!({"type": "sync", "seq": 4, "ack": 2, "logs": {"k": {"start": 1, "entries": [5]}}});
        let Ok(PeerMessage::Sync { stream, batch }) = serde_json::from_value(wire.clone()) else {
            panic!("a sync")
        };
        assert_eq!((stream.seq, stream.ack), (Some(4), Some(2)));
        assert_eq!(batch.logs["k"].entries, [json!(5)]);
        assert!(batch.commits.is_empty());
        let back = PeerMessage::Sync { stream, batch };
        assert_eq!(serde_json::to_value(back).unwrap(), wire);
        let ack = PeerMessage::Sync {
            stream: Header {
                seq: None,
                ack: Some(2),
            },
            batch: SyncBatch::default(),
        };
        assert_eq!(
            serde_json::to_value(ack).unwrap(),
            json!({"type": "sync", "ack": 2})
        );
    }
}
