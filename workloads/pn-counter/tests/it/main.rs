//! pn-counter nodes tested from outside: on the explorer's cluster through the registered
//! suites (the simulator's network, partitions and counter checker around the real
//! handlers, on the virtual clock), adds stay available while the nodes are cut apart and
//! every node's final read is the exact total once they are joined again; and one node
//! alone for what it refuses.

use pn_counter::PnCounterNode;
use runtime::explore::{figure, undelivered_server_messages, Trial};
use runtime::testing::TestNode;
use runtime::Metric;
use serde_json::json;

#[test]
fn adds_stay_available_in_partitions_and_every_node_converges_after_them() -> anyhow::Result<()> {
    // The suites' 20 s at rate 100, partitions every 10 s; shortened, with partitions every
    // 2 s so that several come and go.
    for id in ["pn-counter", "pn-counter-5n"] {
        let run = Trial::suite(runtime::start::<PnCounterNode>, pn_counter::SUITES, id)?
            .with("--time-limit 10 --nemesis-interval 2")
            .check(1)?;
        assert_eq!(figure(&run.results, Metric::Availability), Some(1.0));
        let servers = &run.results["net"]["servers"];
        assert!(
            servers["recv-count"].as_u64() > Some(0),
            "no gossip: {servers}"
        );
        assert!(
            undelivered_server_messages(&run.results) > 0,
            "the partitions cut no gossip: {servers}"
        );
    }
    Ok(())
}

#[test]
fn unknown_requests_are_not_supported_and_bad_deltas_are_malformed() {
    let node = TestNode::start(runtime::start::<PnCounterNode>);
    node.init("n0", &["n0"]);
    assert_eq!(
        node.request("n0", 2, json!({"type": "frobnicate"}))["code"],
        10
    );
    assert_eq!(
        node.request("n0", 3, json!({"type": "add", "delta": "x"}))["code"],
        12
    );
}

#[test]
fn gossip_from_a_client_is_refused_and_never_counted() {
    let mut node = TestNode::start(runtime::start::<PnCounterNode>);
    node.init("n0", &["n0", "n1"]);
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "gossip", "seq": 1, "delta": {"inc": {"n1": 1000}}, "msg_id": 2}}));
    assert_eq!(node.recv()["body"]["code"], 10);
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "read", "msg_id": 3}}));
    let reply = node.recv();
    assert_eq!(reply["body"]["value"], 0, "{reply}");
    node.close();
}
