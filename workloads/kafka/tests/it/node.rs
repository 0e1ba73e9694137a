//! One real kafka node behind the runtime's in-memory transport, for what a cluster run
//! cannot single out: a forward delivered twice appends once, a send whose owner never
//! answers fails with an indefinite error, a node told of no peers owns every key, and
//! requests a client has no business sending (a peer's `sync`, a reply type) are refused.

use kafka::ownership::owner;
use runtime::testing::TestNode;
use serde_json::json;

use super::{offset, poll, polled, send};

/// A `kafka-lean` node initialised as `id` of `n0, n1`.
fn lean(id: &str) -> TestNode {
    let node = TestNode::start(runtime::start::<kafka::LeanNode>);
    node.init(id, &["n0", "n1"]);
    node
}

/// A key that node `index` of `n0, n1` owns.
fn key_owned_by(index: usize) -> String {
    let nodes = ["n0".to_owned(), "n1".to_owned()];
    (0..)
        .map(|k: u32| k.to_string())
        .find(|k| owner(k, &nodes) == nodes[index])
        .expect("some key is owned by each node")
}

#[test]
fn a_repeated_forward_appends_once() {
    let node = lean("n0");
    let key = key_owned_by(0);
    let forward = json!({"type": "forward", "key": key, "msg": 7, "id": 3, "have": 0, "msg_id": 1});
    for _ in 0..2 {
        node.send(json!({"src": "n1", "dest": "n0", "body": forward.clone()}));
    }
    assert_eq!(offset(&node.request("n0", 2, send(&key, 8))), 1);
    assert_eq!(
        polled(&node.request("n0", 3, poll(&key, 0)), &key),
        [(0, 7), (1, 8)]
    );
}

#[test]
fn a_send_whose_owner_stays_unreachable_fails_indefinitely() {
    // Nobody plays n0: the forward is never answered.
    let node = lean("n1");
    let reply = node.request("n1", 2, send(&key_owned_by(0), 1));
    assert_eq!(reply["type"], "error", "{reply}");
    // Timeout (0) or crash (13): the owner may have appended, so never a definite code.
    assert!(matches!(reply["code"].as_u64(), Some(0 | 13)), "{reply}");
}

#[test]
fn a_node_with_an_empty_node_list_owns_every_key() {
    // The runtime counts the node in (see the runtime's init tests), so the owner of every
    // key is this node instead of a panic on an empty list.
    let mut node = TestNode::start(runtime::start::<kafka::LeanNode>);
    node.send(json!({"src": "c0", "dest": "n0", "body": {"type": "init", "node_id": "n0", "node_ids": [], "msg_id": 1}}));
    assert_eq!(node.recv()["body"]["type"], "init_ok");
    for key in ["0", "1", "2", "3"] {
        node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "send", "key": key, "msg": 5, "msg_id": 2}}));
        let reply = node.recv();
        assert_eq!(offset(&reply["body"]), 0, "{reply}");
    }
    node.close();
}

#[test]
fn a_sync_from_a_client_is_refused_and_not_applied() {
    let node = lean("n0");
    let key = key_owned_by(1);
    let sync =
        json!({"type": "sync", "logs": {key.clone(): {"start": 0, "entries": [7]}}, "commits": {}});
    assert_eq!(node.request("n0", 2, sync)["code"], 10);
    assert_eq!(polled(&node.request("n0", 3, poll(&key, 0)), &key), []);
}

#[test]
fn a_reply_type_sent_as_a_request_is_not_supported() {
    let node = TestNode::start(runtime::start::<kafka::KafkaNode>);
    node.init("n0", &["n0"]);
    let reply = node.request("n0", 2, json!({"type": "send_ok", "offset": 1}));
    assert_eq!(
        (reply["type"].clone(), reply["code"].clone()),
        (json!("error"), json!(10))
    );
}
