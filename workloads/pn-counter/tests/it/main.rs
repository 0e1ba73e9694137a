//! Drives a cluster of pn-counter nodes through the in-memory transport, the test acting
//! as their network, and checks that adds and reads stay available while the nodes are cut
//! apart and that every node converges to the exact total once they are joined again.

use pn_counter::PnCounterNode;
use runtime::testing::Mesh;
use serde_json::json;

#[test]
fn adds_stay_available_in_a_partition_and_every_node_converges_after_it() {
    let mut mesh = Mesh::start(runtime::start::<PnCounterNode>, 3);
    mesh.cut();
    for (node, delta) in [(0, 4), (1, -5), (2, 3), (0, -1), (1, 0)] {
        let reply = mesh.request(node, json!({"type": "add", "delta": delta}));
        assert_eq!(reply["body"]["type"], "add_ok", "{reply}");
    }
    // Cut apart, each node knows only its own adds, however long the gossip tries.
    mesh.await_dropped(6);
    assert_eq!(mesh.request(0, json!({"type": "read"}))["body"]["value"], 3);
    assert_eq!(
        mesh.request(1, json!({"type": "read"}))["body"]["value"],
        -5
    );
    mesh.heal();
    mesh.await_reads(&json!(1));
    // Adds after the heal reach everyone too, and nothing is counted twice.
    mesh.request(2, json!({"type": "add", "delta": -2}));
    mesh.await_reads(&json!(-1));
}

#[test]
fn gossip_carries_acknowledged_deltas_on_the_wire() {
    let mut mesh = Mesh::start(runtime::start::<PnCounterNode>, 2);
    mesh.request(0, json!({"type": "add", "delta": 2}));
    mesh.await_reads(&json!(2));
    assert!(mesh.relayed() >= 1, "the delta travelled as gossip");
}

#[test]
fn unknown_requests_are_not_supported() {
    let mut mesh = Mesh::start(runtime::start::<PnCounterNode>, 1);
    let reply = mesh.request(0, json!({"type": "frobnicate"}));
    assert_eq!(reply["body"]["code"], 10);
    let reply = mesh.request(0, json!({"type": "add", "delta": "x"}));
    assert_eq!(reply["body"]["code"], 12);
}

#[test]
fn gossip_from_a_client_is_refused_and_never_counted() {
    let mut node = runtime::testing::TestNode::start(runtime::start::<PnCounterNode>);
    node.init("n0", &["n0", "n1"]);
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "gossip", "seq": 1, "delta": {"inc": {"n1": 1000}}, "msg_id": 2}}));
    assert_eq!(node.recv()["body"]["code"], 10);
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "read", "msg_id": 3}}));
    let reply = node.recv();
    assert_eq!(reply["body"]["value"], 0, "{reply}");
    node.close();
}
