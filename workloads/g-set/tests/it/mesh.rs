//! A cluster of nodes under test with the test as their network: it relays every message
//! between nodes, or drops them all while the cluster is cut apart, and collects what the
//! nodes answer clients.

use std::time::{Duration, Instant};

use runtime::Handler;
use serde_json::{json, Value};

use crate::node::Node;

/// How long the mesh waits for a node that has nothing to say before asking the next.
const POLL: Duration = Duration::from_millis(2);
/// How long convergence may take before the test fails.
const CONVERGE_WITHIN: Duration = Duration::from_secs(20);

pub struct Mesh {
    ids: Vec<String>,
    nodes: Vec<Node>,
    /// While true, every node-to-node message is dropped.
    pub cut: bool,
    /// Node-to-node messages sent, delivered or not.
    pub relayed: usize,
    pub dropped: usize,
    next_msg_id: u64,
}

impl Mesh {
    pub fn start(make: fn() -> Box<dyn Handler>, count: usize) -> Mesh {
        let ids: Vec<String> = (0..count).map(|i| format!("n{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let nodes = ids
            .iter()
            .map(|id| Node::start(make(), id, &refs))
            .collect();
        Mesh {
            ids,
            nodes,
            cut: false,
            relayed: 0,
            dropped: 0,
            next_msg_id: 1,
        }
    }

    /// Sends `body` from a client to node `index` and returns the node's reply, relaying
    /// (or dropping) node-to-node messages meanwhile.
    pub fn request(&mut self, index: usize, body: Value) -> Value {
        let msg_id = self.next_msg_id;
        self.next_msg_id += 1;
        let mut body = body;
        body["msg_id"] = json!(msg_id);
        let client = format!("c{}", 100 + index);
        self.nodes[index].send(json!({"src": client, "dest": self.ids[index], "body": body}));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            for from in 0..self.nodes.len() {
                while let Some(msg) = self.nodes[from].try_recv(POLL) {
                    if msg["dest"] == client.as_str() && msg["body"]["in_reply_to"] == msg_id {
                        return msg;
                    }
                    self.route(msg);
                }
            }
        }
        panic!("node {index} did not answer {body}");
    }

    /// Reads every node (with `read`) until each answers `expected`, relaying meanwhile;
    /// fails the test if that takes longer than [`CONVERGE_WITHIN`].
    pub fn await_reads(&mut self, expected: &Value) {
        let deadline = Instant::now() + CONVERGE_WITHIN;
        loop {
            let values: Vec<Value> = (0..self.nodes.len())
                .map(|i| self.request(i, json!({"type": "read"}))["body"]["value"].clone())
                .collect();
            if values.iter().all(|v| v == expected) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no convergence to {expected}: {values:?}"
            );
        }
    }

    /// Relays until `count` node-to-node messages have been dropped in all (so the cut has
    /// really kept gossip from getting through).
    pub fn await_dropped(&mut self, count: usize) {
        let deadline = Instant::now() + CONVERGE_WITHIN;
        while self.dropped < count {
            assert!(Instant::now() < deadline, "no gossip to drop");
            for from in 0..self.nodes.len() {
                if let Some(msg) = self.nodes[from].try_recv(POLL) {
                    assert!(
                        !msg["dest"].as_str().unwrap_or("c").starts_with('c'),
                        "unexpected reply {msg}"
                    );
                    self.route(msg);
                }
            }
        }
    }

    fn route(&mut self, msg: Value) {
        let dest = msg["dest"].as_str().unwrap_or_default();
        let Some(to) = self.ids.iter().position(|id| id == dest) else {
            panic!("a node wrote to an unknown destination: {msg}");
        };
        self.relayed += 1;
        if self.cut {
            self.dropped += 1;
        } else {
            self.nodes[to].send(msg);
        }
    }
}
