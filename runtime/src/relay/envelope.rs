//! [`Envelope`]: a message on its way around a cut, as a payload of its own (`type`
//! `relay`) whose `body` is the relayed message's whole body, ids included, so the target
//! handles it, and matches a reply in it, exactly as if it had come straight.

use serde::{Deserialize, Serialize};

/// The `type` of an envelope's body.
pub const ENVELOPE_KIND: &str = "relay";

/// A message from `origin` to `target`, travelling straight or through one other peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "relay")]
pub struct Envelope<B> {
    /// The node that sent the message.
    pub origin: String,
    /// The node the message is for.
    pub target: String,
    /// True when the origin has not heard from the target directly lately: the target
    /// should relay its messages to the origin.
    pub deaf: bool,
    /// The message itself.
    pub body: B,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn an_envelope_is_a_relay_payload_holding_the_whole_body() {
        let envelope = Envelope {
            origin: "n1".to_owned(),
            target: "n2".to_owned(),
            deaf: true,
            body: json!({"type": "raft", "msg_id": 4}),
        };
        let wire = serde_json::to_value(&envelope).unwrap();
        assert_eq!(
            wire,
            json!({"type": "relay", "origin": "n1", "target": "n2", "deaf": true,
                   "body": {"type": "raft", "msg_id": 4}})
        );
        let back: Envelope<Value> = serde_json::from_value(wire).unwrap();
        assert_eq!(back, envelope);
    }
}
