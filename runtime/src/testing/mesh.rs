//! [`Mesh`]: a cluster of [`TestNode`]s with the test as their network. It relays every
//! node-to-node message, or drops them all while the cluster is cut apart, and acts as the
//! client whose requests the nodes answer.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::TestNode;
use crate::{Ctx, Handler};

/// How long the mesh waits for a node that has nothing to say before asking the next.
const POLL: Duration = Duration::from_millis(2);
/// How long a node may take to answer a client before the test fails.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);
/// How long convergence (or the dropping of gossip) may take before the test fails.
const CONVERGE_WITHIN: Duration = Duration::from_secs(20);

/// Nodes `n0, n1, ...`, initialised, each with its own client `c{100 + index}`.
pub struct Mesh {
    ids: Vec<String>,
    nodes: Vec<TestNode>,
    cut: bool,
    relayed: usize,
    dropped: usize,
    next_msg_id: u64,
}

impl Mesh {
    /// Starts `count` nodes running handlers that `start` builds at `init`, and initialises
    /// them.
    pub fn start(start: fn(&Ctx) -> Box<dyn Handler>, count: usize) -> Mesh {
        let ids: Vec<String> = (0..count).map(|i| format!("n{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let nodes = ids
            .iter()
            .map(|id| {
                let node = TestNode::start(start);
                node.init(id, &refs);
                node
            })
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

    /// Cuts every link between nodes: from now on each node-to-node message is dropped.
    pub fn cut(&mut self) {
        self.cut = true;
    }

    /// Heals the links cut by [`Mesh::cut`]: node-to-node messages are relayed again.
    pub fn heal(&mut self) {
        self.cut = false;
    }

    /// Node-to-node messages sent so far, delivered or not.
    pub fn relayed(&self) -> usize {
        self.relayed
    }

    /// Node-to-node messages dropped so far.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// Sends `body` from a client to node `index` and returns the node's whole reply,
    /// relaying (or dropping) node-to-node messages meanwhile.
    pub fn request(&mut self, index: usize, body: Value) -> Value {
        let msg_id = self.next_msg_id;
        self.next_msg_id += 1;
        let mut body = body;
        body["msg_id"] = json!(msg_id);
        let client = format!("c{}", 100 + index);
        self.nodes[index].send(json!({"src": client, "dest": self.ids[index], "body": body}));
        let deadline = Instant::now() + ANSWER_WITHIN;
        while Instant::now() < deadline {
            for from in 0..self.nodes.len() {
                while let Some(msg) = self.nodes[from].recv_within(POLL) {
                    if msg["dest"] == client.as_str() && msg["body"]["in_reply_to"] == msg_id {
                        return msg;
                    }
                    self.route(msg);
                }
            }
        }
        panic!("node {index} did not answer {body}");
    }

    /// Reads every node (with `{"type": "read"}`) until each answers `expected` as its
    /// `value`, relaying meanwhile; fails the test if that takes too long.
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

    /// Relays until `count` node-to-node messages have been dropped in all (so a cut has
    /// really kept gossip from getting through). Fails the test on any client reply.
    pub fn await_dropped(&mut self, count: usize) {
        let deadline = Instant::now() + CONVERGE_WITHIN;
        while self.dropped < count {
            assert!(Instant::now() < deadline, "no gossip to drop");
            for from in 0..self.nodes.len() {
                if let Some(msg) = self.nodes[from].recv_within(POLL) {
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
