//! The stream's part of a message on the wire: the message's number and the sender's
//! acknowledgement of the reverse stream. Workloads flatten it into their own message
//! types (`#[serde(flatten)]`) beside the content, so the content keeps its own field names.

use serde::{Deserialize, Serialize};

/// Numbering and acknowledgement of one message of a stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// This message's number in the stream to its destination; absent in a lone
    /// acknowledgement, which carries no content and is never acknowledged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// The highest message number the sender has received from the destination; absent
    /// while it has received none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_header_leaves_out_what_it_does_not_carry() {
        let cases = [
            (Header::default(), json!({})),
            (
                Header {
                    seq: None,
                    ack: Some(3),
                },
                json!({"ack": 3}),
            ),
            (
                Header {
                    seq: Some(0),
                    ack: Some(2),
                },
                json!({"seq": 0, "ack": 2}),
            ),
        ];
        for (header, wire) in cases {
            assert_eq!(serde_json::to_value(header).unwrap(), wire);
            assert_eq!(serde_json::from_value::<Header>(wire).unwrap(), header);
        }
        assert!(serde_json::from_value::<Header>(json!({"seq": "x"})).is_err());
    }
}
