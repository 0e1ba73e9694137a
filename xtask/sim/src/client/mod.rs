//! A Maelstrom client connection (spec §1.3-1.8): one `c<k>` id on the network, its own
//! `msg_id` counter from 1, at most one outstanding request, replies matched by
//! `in_reply_to` only (anything else reaching the client is dropped), a deadline per call.
//! Calls are async and their deadlines read tokio's clock, so the same client runs in real
//! time against node processes and on the explorer's virtual clock.
//!
//! - [`schema`]: strict response schemas.
//! - [`outcome`]: failed RPCs to `fail` / `info` completions.

pub mod outcome;
pub mod schema;

use crate::net::{Mailbox, Network};
use outcome::Failure;
use schema::Schema;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// A request body's workload fields, in the order they are written (before `type` and
/// `msg_id`, as Maelstrom writes them).
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub kind: String,
    pub fields: Vec<(String, Value)>,
}

impl Request {
    pub fn new(kind: &str) -> Request {
        Request {
            kind: kind.to_string(),
            fields: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: Value) -> Request {
        self.fields.push((name.to_string(), value));
        self
    }

    /// The body text: the fields, then `type`, then `msg_id`.
    fn body(&self, msg_id: u64) -> String {
        let mut parts: Vec<String> = self
            .fields
            .iter()
            .map(|(k, v)| format!("{}:{v}", Value::from(k.as_str())))
            .collect();
        parts.push(format!("\"type\":{}", Value::from(self.kind.as_str())));
        parts.push(format!("\"msg_id\":{msg_id}"));
        format!("{{{}}}", parts.join(","))
    }
}

/// The result of one call before any schema is applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The matching reply's body (an object).
    Reply(Map<String, Value>),
    Timeout,
}

/// An open client connection.
pub struct Conn {
    id: String,
    next_msg_id: u64,
    inbox: Mailbox,
    net: Arc<Network>,
}

impl Conn {
    /// Opens a client with the next free `c<k>` id.
    pub fn open(net: &Arc<Network>) -> Conn {
        let (id, inbox) = net.open_client();
        Conn {
            id,
            next_msg_id: 1,
            inbox,
            net: Arc::clone(net),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Sends `request` to `dest` and waits up to `timeout` for the reply to it.
    pub async fn call(&mut self, dest: &str, request: &Request, timeout: Duration) -> Answer {
        let msg_id = self.next_msg_id;
        self.next_msg_id += 1;
        let body = serde_json::value::RawValue::from_string(request.body(msg_id))
            .expect("request bodies are valid JSON");
        // Only a node that has left the network (a run being torn down) refuses a message;
        // the call then times out, as Maelstrom's client would.
        let _ = self.net.send(&self.id, dest, body);
        let deadline = Instant::now() + timeout;
        loop {
            let envelope = match tokio::time::timeout_at(deadline, self.inbox.recv()).await {
                Ok(Some(e)) => e,
                Ok(None) | Err(_) => return Answer::Timeout,
            };
            let Ok(Value::Object(body)) = serde_json::from_str::<Value>(envelope.body.get()) else {
                continue;
            };
            if body.get("in_reply_to").and_then(Value::as_u64) == Some(msg_id) {
                return Answer::Reply(body);
            }
        }
    }

    /// A workload RPC: an `error` reply or a timeout becomes a [`Failure`], a reply that
    /// breaks `schema` becomes [`Failure::Malformed`].
    pub async fn rpc(
        &mut self,
        dest: &str,
        request: &Request,
        schema: &Schema,
        timeout: Duration,
    ) -> Result<Map<String, Value>, Failure> {
        match self.call(dest, request, timeout).await {
            Answer::Timeout => Err(Failure::Timeout),
            Answer::Reply(body) if body.get("type").and_then(Value::as_str) == Some("error") => {
                Err(Failure::Error {
                    code: body.get("code").and_then(Value::as_i64),
                    text: body.get("text").cloned().unwrap_or(Value::Null),
                })
            }
            Answer::Reply(body) => match schema.validate(&body) {
                Ok(()) => Ok(body),
                Err(why) => Err(Failure::Malformed(why)),
            },
        }
    }

    /// Takes the client off the network; late replies to it are refused from now on.
    pub fn close(self) {
        self.net.unregister(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Journal;
    use crate::latency::Latency;
    use crate::options::LatencyDist;
    use crate::rng::{stream, Stream};
    use serde_json::{json, value::RawValue};

    #[test]
    fn request_bodies_put_type_and_msg_id_last() {
        let r = Request::new("echo").with("echo", json!("Please echo 108"));
        assert_eq!(
            r.body(1),
            r#"{"echo":"Please echo 108","type":"echo","msg_id":1}"#
        );
        assert_eq!(
            Request::new("read").body(8),
            r#"{"type":"read","msg_id":8}"#
        );
    }

    #[tokio::test(start_paused = true)]
    async fn replies_match_only_by_in_reply_to() {
        let latency = Latency {
            dist: LatencyDist::Constant,
            mean: 0,
        };
        let net = Network::new(
            Instant::now(),
            latency,
            stream(0, Stream::Latency),
            Journal::create(None, false, false).unwrap(),
        );
        let mut node = net.register_mailbox("n0");
        let mut conn = Conn::open(&net);
        let raw = |v: Value| RawValue::from_string(v.to_string()).unwrap();
        // Replies queued before the call: one stale, one unrelated, then the real one.
        net.send(
            "n0",
            conn.id(),
            raw(json!({"type":"read_ok","in_reply_to":7})),
        )
        .unwrap();
        net.send("n0", conn.id(), raw(json!({"type":"gossip"})))
            .unwrap();
        net.send(
            "n0",
            conn.id(),
            raw(json!({"type":"read_ok","in_reply_to":1,"value":3})),
        )
        .unwrap();
        let answer = conn
            .call("n0", &Request::new("read"), Duration::from_secs(5))
            .await;
        assert_eq!(
            answer,
            Answer::Reply(
                json!({"type":"read_ok","in_reply_to":1,"value":3})
                    .as_object()
                    .unwrap()
                    .clone()
            )
        );
        let sent: Value = serde_json::from_str(node.try_recv().unwrap().body.get()).unwrap();
        assert_eq!(sent, json!({"type":"read","msg_id":1}));
        assert_eq!(
            conn.call("n0", &Request::new("read"), Duration::from_millis(1))
                .await,
            Answer::Timeout
        );
        let second: Value = serde_json::from_str(node.try_recv().unwrap().body.get()).unwrap();
        assert_eq!(second["msg_id"], 2);
    }
}
