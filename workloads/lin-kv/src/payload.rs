//! The lin-kv client protocol (spec `maelstrom.md` §2.7): `read`, `write` and `cas` on
//! independent registers, and their replies. A request is also what the Raft log carries
//! (writes and CASes) and what a follower forwards to the leader, so one type serves all
//! three and no field is renamed on the way.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A client request. Keys and values are any JSON: Maelstrom's generator uses small
/// integers, but nothing here depends on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    Read { key: Value },
    Write { key: Value, value: Value },
    Cas { key: Value, from: Value, to: Value },
}

/// The answer to a [`Request`] that succeeded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    ReadOk { value: Value },
    WriteOk,
    CasOk,
}

impl Request {
    /// True for requests that change state and so must go through the log.
    pub fn is_update(&self) -> bool {
        !matches!(self, Request::Read { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_and_replies_have_maelstroms_field_names() {
        let cas: Request =
            serde_json::from_value(json!({"type": "cas", "key": 0, "from": 4, "to": 2})).unwrap();
        assert_eq!(
            cas,
            Request::Cas {
                key: json!(0),
                from: json!(4),
                to: json!(2)
            }
        );
        assert!(cas.is_update());
        assert_eq!(
            serde_json::to_value(Reply::ReadOk { value: json!(3) }).unwrap(),
            json!({"type": "read_ok", "value": 3})
        );
        assert_eq!(
            serde_json::to_value(Reply::CasOk).unwrap(),
            json!({"type": "cas_ok"})
        );
    }
}
