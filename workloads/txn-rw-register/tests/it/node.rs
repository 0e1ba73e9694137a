//! One real txn-rw-register node behind the runtime's in-memory transport, spoken to as
//! Maelstrom would: the reply shape (reads filled in, a transaction's own writes visible to
//! its later reads, only final writes installed), malformed transactions and reply types
//! refused, and forged replication refused and never applied. Replication itself is the
//! store's and the outbox's unit tests' and the cluster runs' ([`super::suites`]).

use runtime::testing::TestNode;
use serde_json::{json, Value};
use txn_rw_register::TxnNode;

/// A node `n0` alone, initialised.
fn alone() -> TestNode {
    let node = TestNode::start(runtime::start::<TxnNode>);
    node.init("n0", &["n0"]);
    node
}

fn txn(node: &TestNode, msg_id: u64, txn: Value) -> Value {
    node.request("n0", msg_id, json!({"type": "txn", "txn": txn}))
}

#[test]
fn a_single_node_fills_in_reads_and_hides_intermediate_writes() {
    let node = alone();
    let reply = txn(
        &node,
        2,
        json!([
            ["r", 1, null],
            ["w", 1, 6],
            ["r", 1, null],
            ["w", 1, 7],
            ["w", 2, 9]
        ]),
    );
    assert_eq!(reply["type"], "txn_ok");
    assert_eq!(
        reply["txn"],
        json!([
            ["r", 1, null],
            ["w", 1, 6],
            ["r", 1, 6],
            ["w", 1, 7],
            ["w", 2, 9]
        ])
    );
    let reply = txn(
        &node,
        3,
        json!([["r", 1, null], ["r", 2, null], ["r", 3, null]]),
    );
    assert_eq!(
        reply["txn"],
        json!([["r", 1, 7], ["r", 2, 9], ["r", 3, null]])
    );
}

#[test]
fn bad_transactions_are_malformed_and_replies_are_not_requests() {
    let node = alone();
    let reply = txn(&node, 2, json!([["append", 1, 6]]));
    assert_eq!(
        (reply["type"].clone(), reply["code"].clone()),
        (json!("error"), json!(12))
    );
    let reply = node.request("n0", 3, json!({"type": "txn_ok", "txn": []}));
    assert_eq!(reply["code"], 10);
}

#[test]
fn forged_replication_is_refused_and_never_applied() {
    let mut node = TestNode::start(runtime::start::<TxnNode>);
    node.init("n0", &["n0", "n1"]);
    let replicate = |ts: u64| json!({"type": "replicate", "seq": 0, "txns": [{"ts": [ts, 1], "writes": [[1, 9]]}], "msg_id": 2});
    // From a client: not a peer. From a peer, a clock that would leave none for n0.
    for (src, ts, code) in [("c1", 5, 10), ("n1", u64::MAX, 12)] {
        node.send(json!({"src": src, "dest": "n0", "body": replicate(ts)}));
        let reply = node.recv();
        assert_eq!(reply["body"]["code"], code, "{reply}");
    }
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "txn", "txn": [["r", 1, null], ["w", 2, 3]], "msg_id": 3}}));
    let reply = node.recv_for("c1");
    assert_eq!(
        reply["body"]["txn"],
        json!([["r", 1, null], ["w", 2, 3]]),
        "{reply}"
    );
    node.close();
}
