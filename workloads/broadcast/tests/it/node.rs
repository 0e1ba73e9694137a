//! One real broadcast node behind the runtime's in-memory transport, spoken to exactly as
//! Maelstrom would: RPC answers, gossip to the hub, values from gossip in reads, and the
//! acknowledgement that follows when nothing else goes back.

use broadcast::{BroadcastNode, Tuning};
use runtime::testing::TestNode;
use serde_json::json;

/// A broadcast node with quick tuning, initialised as `id` of `ids`.
fn start(id: &str, ids: &[&str]) -> TestNode {
    let node = TestNode::start(|ctx| Box::new(BroadcastNode::start(ctx, Tuning::QUICK)));
    node.init(id, ids);
    node
}

#[test]
fn a_leaf_answers_clients_and_gossips_with_the_hub() {
    let mut node = start("n2", &["n0", "n1", "n2"]);
    node.send(json!({"src": "c1", "dest": "n2", "body": {"type": "topology", "topology": {"n2": ["n1"]}, "msg_id": 2}}));
    assert_eq!(
        node.recv()["body"],
        json!({"type": "topology_ok", "in_reply_to": 2, "msg_id": 2})
    );

    node.send(json!({"src": "c1", "dest": "n2", "body": {"type": "broadcast", "message": 5, "msg_id": 3}}));
    let first = node.recv();
    let second = node.recv();
    let (ok, gossip) = if first["dest"] == "c1" {
        (first, second)
    } else {
        (second, first)
    };
    assert_eq!(
        (
            ok["body"]["type"].clone(),
            ok["body"]["in_reply_to"].clone()
        ),
        (json!("broadcast_ok"), json!(3))
    );
    assert_eq!(gossip["dest"], "n0", "a leaf sends to the hub only");
    assert_eq!(gossip["body"]["type"], "gossip");
    assert_eq!(
        (
            gossip["body"]["seq"].clone(),
            gossip["body"]["values"].clone()
        ),
        (json!(0), json!([5]))
    );
    assert!(
        gossip["body"].get("in_reply_to").is_none(),
        "gossip is not a reply"
    );

    // The hub's batch brings another leaf's value and acknowledges ours.
    node.send(json!({"src": "n0", "dest": "n2", "body": {"type": "gossip", "seq": 0, "values": [8, 9], "ack": 0, "msg_id": 40}}));
    node.send(json!({"src": "c1", "dest": "n2", "body": {"type": "read", "msg_id": 4}}));
    let read = node.recv();
    assert_eq!(read["body"]["type"], "read_ok");
    assert_eq!(read["body"]["messages"], json!([5, 8, 9]));

    // Nothing goes back to the hub to carry the acknowledgement, so it travels alone.
    let ack = node.recv();
    assert_eq!(ack["dest"], "n0");
    assert!(ack["body"].get("values").is_none() && ack["body"].get("seq").is_none());
    assert_eq!(ack["body"]["ack"], 0);
    let rest = node.close();
    assert!(rest.is_empty(), "the node is settled and quiet: {rest:?}");
}

#[test]
fn replies_are_not_requests_and_bad_gossip_is_malformed() {
    let mut node = start("n0", &["n0"]);
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "read_ok", "messages": [], "msg_id": 2}}));
    assert_eq!(node.recv()["body"]["code"], 10);
    node.send(
        json!({"src": "n1", "dest": "n0", "body": {"type": "gossip", "values": "x", "msg_id": 3}}),
    );
    assert_eq!(node.recv()["body"]["code"], 12);
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "read", "msg_id": 4}}));
    assert_eq!(node.recv()["body"]["messages"], json!([]));
    node.close();
}
