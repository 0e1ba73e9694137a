//! The txn-rw-register node driven through the runtime, as Maelstrom would drive it: the
//! reply shape, answering without peers, replication with acknowledgement, resending after
//! a lost message, and convergence of concurrent writes; and the strict handler on a mesh
//! ([`strict`]).

mod cluster;
mod strict;

use cluster::Cluster;
use serde_json::json;

#[test]
fn a_single_node_fills_in_reads_and_hides_intermediate_writes() {
    let mut cluster = Cluster::start(1);
    let reply = cluster.txn(
        0,
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
    let reply = cluster.txn(0, json!([["r", 1, null], ["r", 2, null], ["r", 3, null]]));
    assert_eq!(
        reply["txn"],
        json!([["r", 1, 7], ["r", 2, 9], ["r", 3, null]])
    );
    cluster.stop();
}

#[test]
fn bad_transactions_are_malformed_and_replies_are_not_requests() {
    let mut cluster = Cluster::start(1);
    let reply = cluster.txn(0, json!([["append", 1, 6]]));
    assert_eq!(
        (reply["type"].clone(), reply["code"].clone()),
        (json!("error"), json!(12))
    );
    let reply = cluster.request(0, json!({"type": "txn_ok", "txn": []}));
    assert_eq!(reply["code"], 10);
    cluster.stop();
}

#[test]
fn committed_writes_reach_the_peer_and_acknowledged_ones_are_not_resent() {
    let mut cluster = Cluster::start(2);
    cluster.txn(0, json!([["w", 1, 1], ["w", 1, 2], ["w", 2, 1]]));
    let replicate = cluster.replicate(0);
    assert_eq!(
        replicate["body"]["txns"],
        json!([{"ts": [1, 0], "writes": [[1, 2], [2, 1]]}]),
        "only the final write per key travels"
    );
    let reply = cluster.txn(1, json!([["r", 1, null], ["r", 2, null]]));
    assert_eq!(reply["txn"], json!([["r", 1, 2], ["r", 2, 1]]));
    // The peer's commit is ordered after the write it read.
    cluster.txn(1, json!([["r", 1, null], ["w", 1, 3]]));
    let back = cluster.replicate(1);
    assert_eq!(
        back["body"]["txns"],
        json!([{"ts": [2, 1], "writes": [[1, 3]]}])
    );
    // n0's first transaction was acknowledged, so its next batch holds only the new one.
    cluster.txn(0, json!([["w", 3, 1]]));
    let next = cluster.replicate(0);
    assert_eq!(
        next["body"]["txns"],
        json!([{"ts": [3, 0], "writes": [[3, 1]]}])
    );
    let reply = cluster.txn(0, json!([["r", 1, null]]));
    assert_eq!(reply["txn"], json!([["r", 1, 3]]));
    cluster.stop();
}

#[test]
fn a_lost_replicate_is_sent_again_and_nodes_answer_meanwhile() {
    let mut cluster = Cluster::start(2);
    cluster.txn(0, json!([["w", 5, 1]]));
    // A partition eats the first attempt.
    let lost = cluster.next_replicate(0);
    // n1 answers at once all the same, from what it has.
    let reply = cluster.txn(1, json!([["r", 5, null]]));
    assert_eq!(reply["txn"], json!([["r", 5, null]]));
    let again = cluster.replicate(0);
    assert_ne!(again["body"]["seq"], lost["body"]["seq"]);
    assert_eq!(again["body"]["txns"], lost["body"]["txns"]);
    let reply = cluster.txn(1, json!([["r", 5, null]]));
    assert_eq!(reply["txn"], json!([["r", 5, 1]]));
    cluster.stop();
}

#[test]
fn concurrent_writes_converge_to_the_same_winner_on_both_nodes() {
    let mut cluster = Cluster::start(2);
    cluster.txn(0, json!([["w", 1, 10], ["w", 2, 10]]));
    cluster.txn(1, json!([["w", 1, 11]]));
    cluster.replicate(0);
    cluster.replicate(1);
    // Both commits have counter 1; n1's index breaks the tie for key 1.
    for node in 0..2 {
        let reply = cluster.txn(node, json!([["r", 1, null], ["r", 2, null]]));
        assert_eq!(
            reply["txn"],
            json!([["r", 1, 11], ["r", 2, 10]]),
            "node n{node}"
        );
    }
    cluster.stop();
}

#[test]
fn forged_replication_is_refused_and_never_applied() {
    let mut node = runtime::testing::TestNode::start(runtime::start::<txn_rw_register::TxnNode>);
    node.init("n0", &["n0", "n1"]);
    let replicate = |ts: u64| json!({"type": "replicate", "seq": 0, "txns": [{"ts": [ts, 1], "writes": [[1, 9]]}], "msg_id": 2});
    // From a client: not a peer. From a peer, a clock that would leave none for n0.
    for (src, ts, code) in [("c1", 5, 10), ("n1", u64::MAX, 12)] {
        node.send(json!({"src": src, "dest": "n0", "body": replicate(ts)}));
        let reply = node.recv();
        assert_eq!(reply["body"]["code"], code, "{reply}");
    }
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "txn", "txn": [["r", 1, null], ["w", 2, 3]], "msg_id": 3}}));
    let reply = node.recv();
    assert_eq!(
        reply["body"]["txn"],
        json!([["r", 1, null], ["w", 2, 3]]),
        "{reply}"
    );
    node.close();
}
