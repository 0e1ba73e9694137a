//! The Maelstrom wire format, and the only place that knows its field names.
//!
//! A line is `{"src": .., "dest": .., "body": {..}}`; Maelstrom adds a top-level `id` to the
//! messages it delivers, which this parser ignores like any other unknown key. A body has a
//! `type`, and optionally `msg_id` (unique per sender) and `in_reply_to` (the `msg_id` it
//! answers). Everything else in the body is the workload's payload, which handlers read as a
//! typed serde enum (`#[serde(tag = "type", rename_all = "snake_case")]`) or as raw JSON.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::time::Instant;

use crate::error::{Error, ErrorCode};

/// A message a node received, parsed once; its payload is decoded on demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub src: String,
    pub dest: String,
    /// The body's `type`.
    pub kind: String,
    pub msg_id: Option<u64>,
    pub in_reply_to: Option<u64>,
    /// The whole body, reserved fields included.
    pub body: Value,
    /// When the node read the message, on the node's clock: a client stops waiting for its
    /// reply 5 s later.
    pub received: Instant,
}

#[derive(Deserialize)]
struct WireEnvelope {
    src: String,
    dest: String,
    body: Value,
}

impl Message {
    /// Parses one protocol line, read at `received`. The error says what is wrong, for the
    /// node's log.
    pub fn parse(line: &str, received: Instant) -> Result<Message, String> {
        let envelope: WireEnvelope =
            serde_json::from_str(line).map_err(|e| format!("not a Maelstrom message: {e}"))?;
        Message::from_body(envelope.src, envelope.dest, envelope.body, received)
    }

    /// The message from `src` to `dest` whose body is `body`, read at `received`: how a
    /// relayed message's body, which travelled inside another message, is taken in.
    pub fn from_body(
        src: String,
        dest: String,
        body: Value,
        received: Instant,
    ) -> Result<Message, String> {
        let Value::Object(fields) = &body else {
            return Err("message body is not a JSON object".to_string());
        };
        let kind = match fields.get("type") {
            Some(Value::String(kind)) => kind.clone(),
            _ => return Err("message body has no string `type`".to_string()),
        };
        let id_field = |name: &str| -> Result<Option<u64>, String> {
            match fields.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(value) => value
                    .as_u64()
                    .map(Some)
                    .ok_or_else(|| format!("`{name}` is not a non-negative integer: {value}")),
            }
        };
        let msg_id = id_field("msg_id")?;
        let in_reply_to = id_field("in_reply_to")?;
        Ok(Message {
            src,
            dest,
            kind,
            msg_id,
            in_reply_to,
            body,
            received,
        })
    }

    /// Decodes the body as the workload's payload type.
    ///
    /// A body whose `type` is not one of the payload's variants is answered with error 10
    /// (not supported); any other mismatch is error 12 (malformed request). serde reports
    /// the first case as an "unknown variant" error, which is how the two are told apart.
    pub fn payload<T: DeserializeOwned>(&self) -> Result<T, Error> {
        T::deserialize(&self.body).map_err(|e| {
            let text = e.to_string();
            if text.starts_with("unknown variant") {
                Error::new(
                    ErrorCode::NotSupported,
                    format!("unsupported message type `{}`", self.kind),
                )
            } else {
                Error::new(
                    ErrorCode::MalformedRequest,
                    format!("malformed `{}` message: {text}", self.kind),
                )
            }
        })
    }

    /// The body without the reserved `msg_id` and `in_reply_to`: what to pass on when
    /// forwarding a request, since the runtime adds fresh ids to everything it sends.
    pub fn fields(&self) -> Value {
        let mut fields = self.body.clone();
        if let Value::Object(map) = &mut fields {
            map.remove("msg_id");
            map.remove("in_reply_to");
        }
        fields
    }

    /// True for an `error` reply.
    pub fn is_error(&self) -> bool {
        self.kind == "error"
    }

    /// The error this message carries, if it is an `error` reply.
    pub fn error(&self) -> Option<Error> {
        if !self.is_error() {
            return None;
        }
        Some(
            serde_json::from_value(self.body.clone())
                .unwrap_or_else(|_| Error::crash(format!("unreadable error reply: {}", self.body))),
        )
    }
}

/// The body of an outgoing message: the payload's own fields plus the reserved ids.
#[derive(Serialize)]
struct OutBody<'a, P: ?Sized> {
    #[serde(flatten)]
    payload: &'a P,
    #[serde(skip_serializing_if = "Option::is_none")]
    msg_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    in_reply_to: Option<u64>,
}

#[derive(Serialize)]
struct OutEnvelope<'a, P: ?Sized> {
    src: &'a str,
    dest: &'a str,
    body: OutBody<'a, P>,
}

/// The body of an outgoing message as JSON: the payload with the reserved ids added, as
/// [`render`] writes it, for a message that travels inside another.
pub fn body<P: Serialize + ?Sized>(
    payload: &P,
    msg_id: Option<u64>,
    in_reply_to: Option<u64>,
) -> Result<Value, Error> {
    let body = OutBody {
        payload,
        msg_id,
        in_reply_to,
    };
    serde_json::to_value(&body)
        .map_err(|e| Error::crash(format!("cannot encode a message body: {e}")))
}

/// Renders one outgoing protocol line (without the newline). The payload must serialise to
/// a JSON object that carries `type` and no `msg_id` or `in_reply_to` (those are added here;
/// use [`Message::fields`] to forward a received body).
pub fn render<P: Serialize + ?Sized>(
    src: &str,
    dest: &str,
    payload: &P,
    msg_id: Option<u64>,
    in_reply_to: Option<u64>,
) -> Result<String, Error> {
    let envelope = OutEnvelope {
        src,
        dest,
        body: OutBody {
            payload,
            msg_id,
            in_reply_to,
        },
    };
    serde_json::to_string(&envelope)
        .map_err(|e| Error::crash(format!("cannot encode a message to {dest}: {e}")))
}

/// The payload of an `error` reply.
#[derive(Serialize)]
pub(crate) struct ErrorPayload<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    code: u32,
    text: &'a str,
}

impl<'a> ErrorPayload<'a> {
    pub(crate) fn new(error: &'a Error) -> ErrorPayload<'a> {
        ErrorPayload {
            kind: "error",
            code: error.code.code(),
            text: &error.text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum Payload {
        Echo { echo: Value },
        EchoOk { echo: Value },
    }

    #[test]
    fn parses_delivered_messages_and_ignores_unknown_top_level_keys() {
        let line =
            r#"{"id":2,"src":"c2","dest":"n0","body":{"echo":"hi","type":"echo","msg_id":1}}"#;
        let msg = Message::parse(line, Instant::now()).unwrap();
        assert_eq!(
            (msg.src.as_str(), msg.dest.as_str(), msg.kind.as_str()),
            ("c2", "n0", "echo")
        );
        assert_eq!((msg.msg_id, msg.in_reply_to), (Some(1), None));
        assert_eq!(
            msg.payload::<Payload>().unwrap(),
            Payload::Echo { echo: json!("hi") }
        );
    }

    #[test]
    fn rejects_malformed_lines_with_a_reason() {
        let cases = [
            ("not json", "not a Maelstrom message"),
            (
                r#"{"src":"c1","body":{"type":"echo"}}"#,
                "missing field `dest`",
            ),
            (
                r#"{"src":"c1","dest":"n0","body":[1]}"#,
                "not a JSON object",
            ),
            (
                r#"{"src":"c1","dest":"n0","body":{"msg_id":1}}"#,
                "no string `type`",
            ),
            (
                r#"{"src":"c1","dest":"n0","body":{"type":"x","msg_id":-1}}"#,
                "`msg_id` is not",
            ),
            (
                r#"{"src":"c1","dest":"n0","body":{"type":"x","in_reply_to":"7"}}"#,
                "`in_reply_to` is not",
            ),
        ];
        for (line, reason) in cases {
            let err = Message::parse(line, Instant::now()).unwrap_err();
            assert!(err.contains(reason), "{line}: {err}");
        }
    }

    #[test]
    fn unknown_types_are_not_supported_and_bad_fields_are_malformed() {
        let unknown = Message::parse(
            r#"{"src":"c1","dest":"n0","body":{"type":"frob","msg_id":1}}"#,
            Instant::now(),
        )
        .unwrap();
        assert_eq!(
            unknown.payload::<Payload>().unwrap_err().code,
            ErrorCode::NotSupported
        );
        let missing = Message::parse(
            r#"{"src":"c1","dest":"n0","body":{"type":"echo","msg_id":1}}"#,
            Instant::now(),
        )
        .unwrap();
        assert_eq!(
            missing.payload::<Payload>().unwrap_err().code,
            ErrorCode::MalformedRequest
        );
    }

    #[test]
    fn renders_bodies_with_payload_fields_and_reserved_ids() {
        let line = render(
            "n0",
            "c2",
            &Payload::EchoOk { echo: json!(5) },
            Some(9),
            Some(1),
        )
        .unwrap();
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            value,
            json!({"src":"n0","dest":"c2","body":{"type":"echo_ok","echo":5,"msg_id":9,"in_reply_to":1}})
        );
        let raw = render(
            "n0",
            "n1",
            &json!({"type": "gossip", "values": [1]}),
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            raw,
            r#"{"src":"n0","dest":"n1","body":{"type":"gossip","values":[1]}}"#
        );
    }

    #[test]
    fn error_replies_carry_their_code() {
        let msg = Message::parse(r#"{"src":"lin-kv","dest":"n0","body":{"type":"error","in_reply_to":3,"code":20,"text":"key does not exist"}}"#, Instant::now()).unwrap();
        assert_eq!(msg.error().unwrap().code, ErrorCode::KeyDoesNotExist);
        assert!(Message::parse(
            r#"{"src":"a","dest":"b","body":{"type":"ok"}}"#,
            Instant::now()
        )
        .unwrap()
        .error()
        .is_none());
    }
}
