//! A cluster of txn-rw-register nodes on in-memory transports, with the test as the
//! network: messages between nodes go nowhere until the test forwards (or drops) them, so
//! partitions and delivery order are the test's to choose.

use std::collections::VecDeque;

use runtime::testing::TestNode;
use serde_json::{json, Value};
use txn_rw_register::TxnNode;

struct Member {
    id: String,
    node: TestNode,
    /// Messages the node sent to other nodes that the test has not looked at yet.
    outgoing: VecDeque<Value>,
}

/// Nodes `n0..n{count-1}`, initialised, with client `c1` talking to them.
pub struct Cluster {
    members: Vec<Member>,
    next_msg_id: u64,
}

impl Cluster {
    pub fn start(count: usize) -> Cluster {
        let ids: Vec<String> = (0..count).map(|i| format!("n{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let members = ids
            .iter()
            .map(|id| {
                let node = TestNode::start(runtime::start::<TxnNode>);
                node.init(id, &refs);
                Member {
                    id: id.clone(),
                    node,
                    outgoing: VecDeque::new(),
                }
            })
            .collect();
        Cluster {
            members,
            next_msg_id: 1,
        }
    }

    /// Sends a transaction to node `node` and returns the reply's body. Node-to-node
    /// messages written meanwhile are kept for [`Cluster::next_between_nodes`].
    pub fn txn(&mut self, node: usize, txn: Value) -> Value {
        self.request(node, json!({"type": "txn", "txn": txn}))
    }

    /// Sends a client request body to node `node` and returns the reply's body.
    pub fn request(&mut self, node: usize, mut body: Value) -> Value {
        let msg_id = self.next_msg_id;
        self.next_msg_id += 1;
        body["msg_id"] = json!(msg_id);
        let member = &mut self.members[node];
        member
            .node
            .send(json!({"src": "c1", "dest": member.id, "body": body}));
        loop {
            let message = member.node.recv();
            if message["dest"] == "c1" {
                assert_eq!(message["body"]["in_reply_to"], msg_id, "{message}");
                return message["body"].clone();
            }
            member.outgoing.push_back(message);
        }
    }

    /// The next message that node `node` sends to another node and `wanted` accepts,
    /// waiting for it if need be. Other node-to-node messages are kept, in order, for later
    /// calls.
    pub fn next_between_nodes(&mut self, node: usize, wanted: impl Fn(&Value) -> bool) -> Value {
        let member = &mut self.members[node];
        if let Some(at) = member.outgoing.iter().position(&wanted) {
            return member
                .outgoing
                .remove(at)
                .expect("the position is in range");
        }
        loop {
            let message = member.node.recv();
            assert!(
                message["dest"].as_str().is_some_and(|d| d.starts_with('n')),
                "expected a message to a node, got {message}"
            );
            if wanted(&message) {
                return message;
            }
            member.outgoing.push_back(message);
        }
    }

    /// Delivers a message one node sent to its destination.
    pub fn deliver(&mut self, message: &Value) {
        let dest = message["dest"].as_str().expect("messages have a dest");
        let member = self
            .members
            .iter()
            .find(|m| m.id == dest)
            .expect("the destination is a member");
        member.node.send(message.clone());
    }

    /// Node `node`'s next `replicate` that carries transactions (not an acknowledgement
    /// alone), without delivering it.
    pub fn next_replicate(&mut self, node: usize) -> Value {
        self.next_between_nodes(node, |m| {
            m["body"]["type"] == "replicate" && m["body"].get("seq").is_some()
        })
    }

    /// Delivers node `from`'s next `replicate` with transactions, then the destination's
    /// next message that acknowledges it (alone, or riding on the destination's own
    /// `replicate`); returns the first.
    pub fn replicate(&mut self, from: usize) -> Value {
        let replicate = self.next_replicate(from);
        self.deliver(&replicate);
        let to = self.index_of(&replicate["dest"]);
        let seq = replicate["body"]["seq"].clone();
        let ack = self.next_between_nodes(to, |m| {
            m["body"]["type"] == "replicate" && m["body"]["ack"].as_u64() >= seq.as_u64()
        });
        self.deliver(&ack);
        replicate
    }

    fn index_of(&self, id: &Value) -> usize {
        self.members
            .iter()
            .position(|m| m.id == *id)
            .expect("a member id")
    }

    /// Ends every node's input and waits for the nodes to exit.
    pub fn stop(mut self) {
        for member in &mut self.members {
            member.node.close();
        }
    }
}
