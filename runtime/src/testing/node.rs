//! [`TestNode`]: one handler on its own thread behind [`Transport::in_memory`], spoken to
//! in JSON values exactly as Maelstrom would speak to it through stdin and stdout.

use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{json, Value};

use crate::node::NodeEnv;
use crate::transport::{MemoryPeer, Transport};
use crate::{Ctx, Handler};

/// How long [`TestNode::recv`] waits for a line before declaring the node stuck. Generous,
/// because the machine running the tests may be busy; a healthy node answers in
/// milliseconds, so only a failing test ever waits this long.
pub const WAIT: Duration = Duration::from_secs(10);

/// The seed of every test node's random numbers, so a test draws the same ones each run.
pub const TEST_SEED: u64 = 0;

/// A node under test. Dropping it ends the node's input and waits for it to exit, so a
/// handler that panics the node thread fails the test that started it.
pub struct TestNode {
    peer: MemoryPeer,
    thread: Option<JoinHandle<()>>,
}

impl TestNode {
    /// Starts a node on a new thread whose handler `start` builds at `init`, seeded with
    /// [`TEST_SEED`]. The node is not initialised yet: call [`TestNode::init`], or send the
    /// init message yourself.
    pub fn start(start: impl Fn(&Ctx) -> Box<dyn Handler> + Send + 'static) -> TestNode {
        let (transport, peer) = Transport::in_memory();
        let env = NodeEnv { seed: TEST_SEED };
        let thread = std::thread::spawn(move || crate::run(start, transport, env));
        TestNode {
            peer,
            thread: Some(thread),
        }
    }

    /// Completes the init handshake as node `id` of `ids` (from client `c0`, msg_id 1),
    /// failing the test unless the node answers `init_ok`.
    pub fn init(&self, id: &str, ids: &[&str]) {
        self.send(json!({"src": "c0", "dest": id, "body": {"type": "init", "node_id": id, "node_ids": ids, "msg_id": 1}}));
        let reply = self.recv();
        assert_eq!(reply["body"]["type"], "init_ok", "{reply}");
        assert_eq!(reply["body"]["in_reply_to"], 1, "{reply}");
    }

    /// Writes `message` (a whole envelope) to the node's input.
    pub fn send(&self, message: Value) {
        self.peer.send(message.to_string());
    }

    /// Writes one raw line to the node's input, for tests of malformed input.
    pub fn send_raw(&self, line: &str) {
        self.peer.send(line);
    }

    /// The next message the node writes; fails the test if none comes within [`WAIT`].
    pub fn recv(&self) -> Value {
        self.recv_within(WAIT)
            .expect("the node wrote nothing in time")
    }

    /// The next message the node writes to `dest`, dropping those it writes to others
    /// meanwhile (a single node's messages to peers nobody plays); fails the test if none
    /// comes within [`WAIT`] of the last message.
    pub fn recv_for(&self, dest: &str) -> Value {
        loop {
            let message = self.recv();
            if message["dest"] == dest {
                return message;
            }
        }
    }

    /// Sends `body` with `msg_id` from client `c1` to the node, which is `dest`, and returns
    /// the body of its reply, dropping what it sends its peers meanwhile (see
    /// [`TestNode::recv_for`]).
    pub fn request(&self, dest: &str, msg_id: u64, mut body: Value) -> Value {
        body["msg_id"] = json!(msg_id);
        self.send(json!({"src": "c1", "dest": dest, "body": body}));
        let reply = self.recv_for("c1");
        assert_eq!(reply["body"]["in_reply_to"], msg_id, "{reply}");
        reply["body"].clone()
    }

    /// The next message the node writes within `wait`, if any (`Duration::ZERO` only
    /// looks at what is already written).
    pub fn recv_within(&self, wait: Duration) -> Option<Value> {
        let line = self.peer.recv(wait)?;
        Some(serde_json::from_str(&line).expect("the node wrote a line that is not JSON"))
    }

    /// Ends the node's input, waits for the node to exit, and returns whatever it wrote
    /// that the test has not read. Fails the test if the node thread panicked.
    pub fn close(&mut self) -> Vec<Value> {
        self.peer.close();
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the node thread panicked");
        }
        std::iter::from_fn(|| self.recv_within(Duration::ZERO)).collect()
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        // A test that already failed should report its own panic, not a second one here.
        if self.thread.is_some() && !std::thread::panicking() {
            self.close();
        }
    }
}
