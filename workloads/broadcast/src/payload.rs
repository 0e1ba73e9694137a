//! The messages a broadcast node receives and sends: Maelstrom's `broadcast`, `read` and
//! `topology` RPCs, and `gossip`, the node-to-node message of one stream (see
//! [`runtime::peer_stream`]), which is fire-and-forget: it carries no `in_reply_to`
//! and gets no reply, because acknowledgements ride on gossip going the other way.

use std::collections::BTreeMap;

use runtime::peer_stream::Header;
use serde::{Deserialize, Serialize};

/// A broadcast value. Maelstrom sends 0, 1, 2, ..., each once.
pub type Value = u64;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Payload {
    Broadcast {
        message: Value,
    },
    BroadcastOk,
    Read,
    ReadOk {
        messages: Vec<Value>,
    },
    /// Maelstrom's suggested neighbours. Advisory, and ignored: the node builds its own
    /// dissemination graph from `init`'s node list.
    Topology {
        #[serde(default)]
        topology: BTreeMap<String, Vec<String>>,
    },
    TopologyOk,
    Gossip(Gossip),
}

/// One message of the stream between two nodes: `{"seq": s, "ack": a, "values": [...]}`
/// with the values the recipient has not acknowledged, or `{"ack": a}` alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gossip {
    #[serde(flatten)]
    pub header: Header,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wire_shapes_match_maelstrom_and_gossip_is_flat() {
        let cases = [
            (
                json!({"type": "broadcast", "message": 42}),
                Payload::Broadcast { message: 42 },
            ),
            (json!({"type": "read"}), Payload::Read),
            (
                json!({"type": "read_ok", "messages": [1, 2]}),
                Payload::ReadOk {
                    messages: vec![1, 2],
                },
            ),
            (
                json!({"type": "topology", "topology": {"n0": ["n1"]}}),
                Payload::Topology {
                    topology: BTreeMap::from([("n0".into(), vec!["n1".into()])]),
                },
            ),
            (
                json!({"type": "gossip", "seq": 3, "values": [7, 8], "ack": 2}),
                Payload::Gossip(Gossip {
                    header: Header {
                        seq: Some(3),
                        ack: Some(2),
                    },
                    values: vec![7, 8],
                }),
            ),
            (
                json!({"type": "gossip", "ack": 2}),
                Payload::Gossip(Gossip {
                    header: Header {
                        seq: None,
                        ack: Some(2),
                    },
                    values: vec![],
                }),
            ),
        ];
        for (wire, payload) in cases {
            assert_eq!(
                serde_json::from_value::<Payload>(wire.clone()).unwrap(),
                payload
            );
            assert_eq!(serde_json::to_value(&payload).unwrap(), wire);
        }
    }
}
