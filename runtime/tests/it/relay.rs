//! Relaying around cuts as a node does it through its `Ctx`, on a paused clock: the test
//! plays the node's peers and clients. A peer that stays silent is told that it is not
//! heard, and one that says it does not hear the node gets its messages around the cut
//! too, until it is heard from straight; a relayed message is handled, and answered, as if
//! its origin had sent it straight, once; an envelope is passed on only on its first hop.

use std::collections::VecDeque;
use std::time::Duration;

use runtime::relay::RelayConfig;
use runtime::transport::Transport;
use runtime::{async_trait, Ctx, Error, Handler, Message, NodeEnv, Start};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::mpsc;

const SILENCE: Duration = Duration::from_millis(200);

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Request {
    /// Sends a `note` to `peer`.
    Poke {
        peer: String,
    },
    Note,
    /// Answered with the sender the handler saw.
    Echo {
        echo: Value,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Reply {
    PokeOk,
    EchoOk { echo: Value, from: String },
}

/// A node that relays around cuts.
struct Relaying;

impl Start for Relaying {
    fn start(ctx: &Ctx) -> Self {
        ctx.relay_around_cuts(RelayConfig { silence: SILENCE });
        Relaying
    }
}

#[async_trait]
impl Handler for Relaying {
    async fn handle(&self, ctx: &Ctx, msg: Message) -> Result<(), Error> {
        let reply = match msg.payload()? {
            Request::Poke { peer } => {
                ctx.send(&peer, &Request::Note)?;
                Reply::PokeOk
            }
            Request::Note => return Ok(()),
            Request::Echo { echo } => Reply::EchoOk {
                echo,
                from: msg.src.clone(),
            },
        };
        ctx.reply(&msg, &reply)
    }
}

/// Node n0 of n0..n3, and the lines it wrote that the test has not read yet.
struct Node {
    input: mpsc::Sender<Vec<String>>,
    output: mpsc::UnboundedReceiver<Vec<String>>,
    unread: VecDeque<Value>,
}

impl Node {
    async fn start() -> Node {
        let (sink, output) = mpsc::unbounded_channel();
        let (transport, input) = Transport::with_sink(sink);
        tokio::spawn(runtime::serve(
            runtime::start::<Relaying>,
            transport,
            NodeEnv { seed: 1 },
        ));
        let mut node = Node {
            input,
            output,
            unread: VecDeque::new(),
        };
        node.send("c0", json!({"type": "init", "node_id": "n0", "node_ids": ["n0", "n1", "n2", "n3"], "msg_id": 1}))
            .await;
        assert_eq!(node.recv().await["body"]["type"], "init_ok");
        node
    }

    async fn send(&self, src: &str, body: Value) {
        let line = json!({"src": src, "dest": "n0", "body": body}).to_string();
        self.input.send(vec![line]).await.unwrap();
    }

    async fn recv(&mut self) -> Value {
        while self.unread.is_empty() {
            let batch = self.output.recv().await.expect("the node ended");
            for line in batch {
                self.unread.push_back(serde_json::from_str(&line).unwrap());
            }
        }
        self.unread.pop_front().unwrap()
    }

    /// Has n0 poke `peer` and returns what it wrote to peers before answering.
    async fn poke(&mut self, peer: &str) -> Vec<Value> {
        self.send("c1", json!({"type": "poke", "peer": peer, "msg_id": 2}))
            .await;
        let mut written = Vec::new();
        loop {
            let line = self.recv().await;
            if line["body"]["type"] == "poke_ok" {
                return written;
            }
            written.push(line);
        }
    }
}

fn envelope(origin: &str, target: &str, body: Value) -> Value {
    json!({"type": "relay", "origin": origin, "target": target, "deaf": false, "body": body})
}

#[tokio::test(start_paused = true)]
async fn a_peer_that_is_not_heard_or_does_not_hear_is_told_or_relayed_to() {
    let mut node = Node::start().await;
    let first = node.poke("n1").await;
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0]["dest"], "n1");
    assert_eq!(
        first[0]["body"]["type"], "note",
        "plain while n1 may answer"
    );

    tokio::time::sleep(SILENCE).await;
    let told = node.poke("n1").await;
    assert_eq!(told.len(), 1, "{told:?}");
    let body = &told[0]["body"];
    assert_eq!(
        (&body["type"], &body["deaf"]),
        (&json!("relay"), &json!(true))
    );
    assert_eq!(body["body"]["type"], "note");

    // n1 says that it does not hear n0: n0's messages go around it too.
    let complaint = json!({"type": "relay", "origin": "n1", "target": "n0", "deaf": true,
                           "body": {"type": "note", "msg_id": 3}});
    node.send("n1", complaint).await;
    let around = node.poke("n1").await;
    let dests: Vec<&Value> = around.iter().map(|line| &line["dest"]).collect();
    assert_eq!(
        dests,
        ["n1", "n2", "n3"],
        "straight and through every other peer"
    );
    for line in &around {
        let body = &line["body"];
        assert_eq!(body["type"], "relay");
        assert_eq!(
            (&body["origin"], &body["target"], &body["deaf"]),
            (&json!("n0"), &json!("n1"), &json!(false))
        );
        assert_eq!(body["body"]["type"], "note");
        assert_eq!(body["body"]["msg_id"], around[0]["body"]["body"]["msg_id"]);
    }

    // A plain message straight from n1: n0 hears it, and it hears n0.
    node.send("n1", json!({"type": "note"})).await;
    let next = node.poke("n1").await;
    assert_eq!(next.len(), 1, "{next:?}");
    assert_eq!(next[0]["body"]["type"], "note", "plain again");
}

#[tokio::test(start_paused = true)]
async fn a_relayed_request_is_answered_once_as_if_from_its_origin() {
    let mut node = Node::start().await;
    node.poke("n1").await;
    tokio::time::sleep(SILENCE).await;
    let echo = json!({"type": "echo", "echo": "around", "msg_id": 5});
    node.send("n2", envelope("n1", "n0", echo.clone())).await;
    let reply = node.recv().await;
    // Nothing came straight from n1 since n0 wrote to it: the answer says so, straight
    // (n1's word arrived, so n1 gets n0's messages).
    assert_eq!(reply["dest"], "n1");
    let body = &reply["body"];
    assert_eq!(
        (&body["type"], &body["deaf"]),
        (&json!("relay"), &json!(true))
    );
    assert_eq!(body["body"]["type"], "echo_ok");
    assert_eq!(body["body"]["from"], "n1", "handled as from its origin");
    assert_eq!(body["body"]["in_reply_to"], 5);

    // The copy that came straight is the same message: handled already.
    node.send("n1", envelope("n1", "n0", echo)).await;
    let next = node.poke("n2").await;
    assert_eq!(next.len(), 1, "no second echo_ok first: {next:?}");
    assert_eq!(next[0]["dest"], "n2");
}

#[tokio::test(start_paused = true)]
async fn an_envelope_is_passed_on_once_and_never_again() {
    let mut node = Node::start().await;
    let note = json!({"type": "note", "msg_id": 9});
    node.send("n1", envelope("n1", "n2", note.clone())).await;
    let passed = node.recv().await;
    assert_eq!(
        (&passed["src"], &passed["dest"]),
        (&json!("n0"), &json!("n2"))
    );
    assert_eq!(passed["body"], envelope("n1", "n2", note.clone()));
    // From n3, n1's envelope has made its hop already.
    node.send("n3", envelope("n1", "n2", note)).await;
    let next = node.poke("n3").await;
    assert_eq!(next.len(), 1, "nothing passed on before the note: {next:?}");
    assert_eq!(next[0]["body"]["type"], "note");
}
