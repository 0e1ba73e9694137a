//! A test cluster: kafka nodes on threads behind in-memory transports
//! ([`runtime::testing::TestNode`]), a router that
//! delivers their messages to each other, to a tiny lin-kv (one map, one request at a
//! time, as Maelstrom's service) and back to the test's client, and hooks to drop or count
//! messages on the way.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use runtime::testing::TestNode;
use runtime::{Ctx, Handler};
use serde_json::{json, Value};

/// How long a test waits for a reply before declaring the cluster stuck.
pub const WAIT: Duration = Duration::from_secs(10);

/// The client id requests come from.
const CLIENT: &str = "c1";

/// Decides whether the router drops a message (given the whole envelope).
pub type DropRule = Box<dyn FnMut(&Value) -> bool>;

struct Member {
    id: String,
    node: TestNode,
}

/// Nodes, the router's state, and what it has seen.
pub struct Cluster {
    members: Vec<Member>,
    lin_kv: HashMap<String, Value>,
    next_msg_id: u64,
    replies: HashMap<u64, Value>,
    drop_rule: DropRule,
    /// Server messages routed (not dropped), by body type.
    pub routed: HashMap<String, usize>,
}

impl Cluster {
    /// Starts `count` nodes `n0, n1, ...` running handlers that `start` builds at `init`,
    /// and initialises them.
    pub fn start(count: usize, start: fn(&Ctx) -> Box<dyn Handler>) -> Cluster {
        let ids: Vec<String> = (0..count).map(|i| format!("n{i}")).collect();
        let members = ids
            .iter()
            .map(|id| Member {
                id: id.clone(),
                node: TestNode::start(start),
            })
            .collect();
        let mut cluster = Cluster {
            members,
            lin_kv: HashMap::new(),
            next_msg_id: 1,
            replies: HashMap::new(),
            drop_rule: Box::new(|_| false),
            routed: HashMap::new(),
        };
        let inits = (0..count)
            .map(|i| {
                (
                    i,
                    json!({"type": "init", "node_id": ids[i], "node_ids": ids}),
                )
            })
            .collect();
        for reply in cluster.requests(inits) {
            assert_eq!(reply["type"], "init_ok", "{reply}");
        }
        cluster
    }

    /// From now on, drops every message `rule` selects.
    pub fn drop_when(&mut self, rule: impl FnMut(&Value) -> bool + 'static) {
        self.drop_rule = Box::new(rule);
    }

    /// Sends `body` from the client to node `node` and returns the reply's body.
    pub fn request(&mut self, node: usize, body: Value) -> Value {
        self.requests(vec![(node, body)]).pop().unwrap()
    }

    /// Sends every request before waiting for any reply (so they run concurrently), and
    /// returns the replies' bodies in request order.
    pub fn requests(&mut self, requests: Vec<(usize, Value)>) -> Vec<Value> {
        let ids: Vec<u64> = requests
            .into_iter()
            .map(|(node, mut body)| {
                let msg_id = self.next_msg_id;
                self.next_msg_id += 1;
                body["msg_id"] = json!(msg_id);
                let dest = self.members[node].id.clone();
                self.deliver(json!({"src": CLIENT, "dest": dest, "body": body}));
                msg_id
            })
            .collect();
        let deadline = Instant::now() + WAIT;
        while !ids.iter().all(|id| self.replies.contains_key(id)) {
            assert!(Instant::now() < deadline, "no reply within {WAIT:?}");
            self.pump();
        }
        ids.iter()
            .map(|id| self.replies.remove(id).unwrap())
            .collect()
    }

    /// Sends a message to a node as if from `src` (another node, say), without waiting.
    pub fn inject(&mut self, src: &str, node: usize, body: Value) {
        let dest = self.members[node].id.clone();
        self.deliver(json!({"src": src, "dest": dest, "body": body}));
    }

    /// Repeats `body` against `node` until `done` accepts the reply; returns that reply.
    pub fn request_until(
        &mut self,
        node: usize,
        body: Value,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let reply = self.request(node, body.clone());
            if done(&reply) {
                return reply;
            }
            assert!(Instant::now() < deadline, "never got there; last {reply}");
            self.pump();
        }
    }

    /// Routes whatever the nodes have written, waiting briefly for something when nothing
    /// is there yet.
    fn pump(&mut self) {
        let mut messages = Vec::new();
        for member in &self.members {
            while let Some(message) = member.node.recv_within(Duration::ZERO) {
                messages.push(message);
            }
        }
        if messages.is_empty() {
            messages.extend(self.members[0].node.recv_within(Duration::from_millis(2)));
        }
        for message in messages {
            self.route(message);
        }
    }

    fn route(&mut self, message: Value) {
        let dest = message["dest"].as_str().unwrap_or_default().to_owned();
        if dest.starts_with('c') {
            if let Some(id) = message["body"]["in_reply_to"].as_u64() {
                self.replies.insert(id, message["body"].clone());
            }
            return;
        }
        if (self.drop_rule)(&message) {
            return;
        }
        let kind = message["body"]["type"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        *self.routed.entry(kind).or_default() += 1;
        if dest == "lin-kv" {
            let reply = self.lin_kv(&message["body"]);
            let src = message["src"].clone();
            self.deliver(json!({"src": "lin-kv", "dest": src, "body": reply}));
        } else {
            self.deliver(message);
        }
    }

    fn deliver(&mut self, message: Value) {
        let dest = message["dest"].as_str().unwrap_or_default();
        if let Some(member) = self.members.iter().find(|m| m.id == dest) {
            member.node.send(message);
        }
    }

    /// Maelstrom's lin-kv semantics (spec §3.1): read, write, cas with
    /// `create_if_not_exists`; errors 20 and 22.
    fn lin_kv(&mut self, body: &Value) -> Value {
        let key = body["key"].to_string();
        let in_reply_to = body["msg_id"].clone();
        let error = |code: u64, text: String| json!({"type": "error", "code": code, "text": text, "in_reply_to": in_reply_to});
        match body["type"].as_str() {
            Some("read") => match self.lin_kv.get(&key) {
                Some(value) => {
                    json!({"type": "read_ok", "value": value, "in_reply_to": in_reply_to})
                }
                None => error(20, "key does not exist".into()),
            },
            Some("write") => {
                self.lin_kv.insert(key, body["value"].clone());
                json!({"type": "write_ok", "in_reply_to": in_reply_to})
            }
            Some("cas") => match self.lin_kv.get(&key) {
                None if body["create_if_not_exists"] == true => {
                    self.lin_kv.insert(key, body["to"].clone());
                    json!({"type": "cas_ok", "in_reply_to": in_reply_to})
                }
                None => error(20, "key does not exist".into()),
                Some(current) if *current == body["from"] => {
                    self.lin_kv.insert(key, body["to"].clone());
                    json!({"type": "cas_ok", "in_reply_to": in_reply_to})
                }
                Some(current) => error(
                    22,
                    format!("current value {current} is not {}", body["from"]),
                ),
            },
            other => panic!("lin-kv got an unknown request {other:?}"),
        }
    }
}
