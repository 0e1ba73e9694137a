//! A node under test on its own thread behind the in-memory transport: the test writes
//! what Maelstrom would write to its stdin and reads what it writes to stdout.

use std::thread::JoinHandle;
use std::time::Duration;

use runtime::transport::{MemoryPeer, Transport};
use runtime::Handler;
use serde_json::{json, Value};

/// How long a test waits for a line before declaring the node stuck.
const WAIT: Duration = Duration::from_secs(10);

pub struct Node {
    peer: MemoryPeer,
    thread: Option<JoinHandle<()>>,
}

impl Node {
    /// Starts `handler` and completes the init handshake as `id` of `ids`.
    pub fn start(handler: Box<dyn Handler>, id: &str, ids: &[&str]) -> Node {
        let (transport, peer) = Transport::in_memory();
        let thread = std::thread::spawn(move || runtime::run(handler, transport));
        let node = Node {
            peer,
            thread: Some(thread),
        };
        node.send(json!({"src": "c0", "dest": id, "body": {"type": "init", "node_id": id, "node_ids": ids, "msg_id": 1}}));
        let reply = node.recv();
        assert_eq!(reply["body"]["type"], "init_ok", "{reply}");
        node
    }

    pub fn send(&self, message: Value) {
        self.peer.send(message.to_string());
    }

    /// The next line the node wrote; fails the test if none comes.
    pub fn recv(&self) -> Value {
        self.try_recv(WAIT).expect("the node wrote nothing in time")
    }

    /// The next line the node writes within `wait`, if any.
    pub fn try_recv(&self, wait: Duration) -> Option<Value> {
        let line = self.peer.recv(wait)?;
        Some(serde_json::from_str(&line).expect("the node wrote a line that is not JSON"))
    }

    /// Ends input and waits for the node to exit.
    pub fn close(&mut self) {
        self.peer.close();
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the node thread panicked");
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.close();
        }
    }
}
