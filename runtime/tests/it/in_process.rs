//! Nodes run by `runtime::serve` inside the test's own tokio runtime, with its clock paused:
//! the shape of an in-process cluster. Each node's transport is `Transport::with_sink`; the
//! test is the network, relaying lines between the nodes' queues. Checks that time is only
//! virtual there, that a node's random numbers follow its seed, and that nodes built from
//! `init` talk to each other with a retrying typed call.

use std::time::Duration;

use runtime::transport::Transport;
use runtime::{async_trait, Ctx, Error, Handler, Message, NodeEnv, RetryPolicy, Start};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::mpsc;

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Request {
    /// Sleeps `secs` on the node's clock and says how far its clock moved.
    Nap {
        secs: u64,
    },
    /// Draws from the node's generator.
    Draw,
    /// Asks `peer` for its id, with retries.
    AskId {
        peer: String,
    },
    WhoAreYou,
}

// Maelstrom's convention names every reply `<request>_ok`.
#[allow(clippy::enum_variant_names)]
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Reply {
    NapOk { slept_ms: u128 },
    DrawOk { numbers: Vec<u64> },
    AskIdOk { id: String },
    WhoAreYouOk { id: String },
}

/// A handler that remembers the id it was built with.
struct Node {
    id: String,
}

impl Start for Node {
    fn start(ctx: &Ctx) -> Self {
        Node {
            id: ctx.node_id().to_owned(),
        }
    }
}

#[async_trait]
impl Handler for Node {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        let reply = match msg.payload()? {
            Request::Nap { secs } => {
                let before = ctx.now();
                ctx.sleep(Duration::from_secs(secs)).await;
                Reply::NapOk {
                    slept_ms: (ctx.now() - before).as_millis(),
                }
            }
            Request::Draw => Reply::DrawOk {
                numbers: (0..4).map(|_| ctx.random_range(0..u64::MAX)).collect(),
            },
            Request::AskId { peer } => {
                let policy = RetryPolicy::new(3, Duration::from_millis(100));
                let Reply::WhoAreYouOk { id } = ctx
                    .call_with_retry(&peer, &Request::WhoAreYou, &policy)
                    .await?
                else {
                    return Err(Error::crash("unexpected reply"));
                };
                Reply::AskIdOk { id }
            }
            Request::WhoAreYou => Reply::WhoAreYouOk {
                id: self.id.clone(),
            },
        };
        ctx.reply(&msg, &reply)
    }
}

/// One node served in the current runtime: its input queue and its output queue.
struct Served {
    input: mpsc::Sender<Vec<String>>,
    output: mpsc::UnboundedReceiver<Vec<String>>,
}

fn serve(seed: u64) -> Served {
    let (sink, output) = mpsc::unbounded_channel();
    let (transport, input) = Transport::with_sink(sink);
    tokio::spawn(runtime::serve(
        runtime::start::<Node>,
        transport,
        NodeEnv { seed },
    ));
    Served { input, output }
}

impl Served {
    async fn send(&self, message: Value) {
        self.input.send(vec![message.to_string()]).await.unwrap();
    }

    async fn recv(&mut self) -> Value {
        let batch = self.output.recv().await.expect("the node ended");
        assert_eq!(batch.len(), 1, "one line at a time here: {batch:?}");
        serde_json::from_str(&batch[0]).unwrap()
    }

    async fn init(&mut self, id: &str, ids: &[&str]) {
        self.send(json!({"src": "c0", "dest": id, "body": {"type": "init", "node_id": id, "node_ids": ids, "msg_id": 1}}))
            .await;
        assert_eq!(self.recv().await["body"]["type"], "init_ok");
    }

    async fn request(&mut self, src: &str, id: &str, body: Value) -> Value {
        self.send(json!({"src": src, "dest": id, "body": body}))
            .await;
        self.recv().await["body"].clone()
    }
}

#[tokio::test(start_paused = true)]
async fn an_hour_of_sleep_passes_on_the_virtual_clock_only() {
    let mut node = serve(1);
    node.init("n0", &["n0"]).await;
    // Were the clock real, this test would take an hour. The request comes from a peer: a
    // client (`c*`) stops waiting after 5 s of that same clock, and its reply is dropped.
    let reply = node
        .request(
            "n1",
            "n0",
            json!({"type": "nap", "secs": 3600, "msg_id": 2}),
        )
        .await;
    assert_eq!(reply["type"], "nap_ok");
    assert_eq!(reply["slept_ms"], 3_600_000);
}

#[tokio::test(start_paused = true)]
async fn a_node_draws_what_its_seed_and_id_decide() {
    let mut draws = Vec::new();
    for (seed, id) in [(7, "n0"), (7, "n0"), (8, "n0"), (7, "n1")] {
        let mut node = serve(seed);
        node.init(id, &["n0", "n1"]).await;
        let reply = node
            .request("c1", id, json!({"type": "draw", "msg_id": 2}))
            .await;
        draws.push(reply["numbers"].clone());
    }
    assert_eq!(draws[0], draws[1], "same seed, same node: same numbers");
    assert_ne!(draws[0], draws[2], "another seed");
    assert_ne!(draws[0], draws[3], "another node of the same run");
}

#[tokio::test(start_paused = true)]
async fn nodes_in_one_runtime_call_each_other_through_the_test() {
    let ids = ["n0", "n1"];
    let mut nodes = [serve(3), serve(3)];
    for (node, id) in nodes.iter_mut().zip(ids) {
        node.init(id, &ids).await;
    }
    nodes[0]
        .send(json!({"src": "c1", "dest": "n0", "body": {"type": "ask_id", "peer": "n1", "msg_id": 2}}))
        .await;
    // n0 asks n1; the first ask is dropped, as a partition would, so the answer comes from
    // a retry.
    let mut dropped = false;
    let reply = loop {
        let [n0, n1] = &mut nodes;
        let mut to_client = None;
        tokio::select! {
            biased;
            batch = n0.output.recv() => {
                for line in batch.expect("n0 ended") {
                    let msg: Value = serde_json::from_str(&line).unwrap();
                    if msg["dest"] == "c1" {
                        to_client = Some(msg);
                    } else if !dropped {
                        dropped = true;
                    } else {
                        n1.input.send(vec![line]).await.unwrap();
                    }
                }
            }
            batch = n1.output.recv() => {
                n0.input.send(batch.expect("n1 ended")).await.unwrap();
            }
        }
        if let Some(msg) = to_client {
            break msg;
        }
    };
    assert!(dropped, "the first ask was dropped");
    assert_eq!(reply["body"]["type"], "ask_id_ok", "{reply}");
    assert_eq!(reply["body"]["id"], "n1");
}
