//! The Raft lin-kv handler tested from outside: on the explorer's cluster through the
//! registered suites (the simulator's network, partitions, lin-kv clients and Knossos-style
//! linearizability checker around the real handlers, on the virtual clock), requests at any
//! node see one register history, with and without partitions, and the 5-node suite keeps
//! to its msgs/op target; and one node alone for what it refuses.

use lin_kv::suites::RAFT;
use lin_kv::RaftNode;
use runtime::explore::{undelivered_server_messages, Trial};
use runtime::testing::TestNode;
use serde_json::json;

#[test]
fn one_node_is_linearizable() -> anyhow::Result<()> {
    Trial::suite(runtime::start::<RaftNode>, RAFT, "lin-kv")?
        .with("--time-limit 5")
        .check(1)?;
    Ok(())
}

#[test]
fn a_partitioned_cluster_stays_linearizable() -> anyhow::Result<()> {
    // The suite's 20 s with partitions every 10 s, halved, with partitions every 2 s so
    // that leaders are cut off and elected again several times.
    let run = Trial::suite(runtime::start::<RaftNode>, RAFT, "lin-kv-3-partition")?
        .with("--time-limit 10 --nemesis-interval 2")
        .check(1)?;
    assert!(
        undelivered_server_messages(&run.results) > 0,
        "the partitions cut nothing"
    );
    Ok(())
}

#[test]
fn five_partitioned_nodes_stay_linearizable_within_the_msgs_per_op_target() -> anyhow::Result<()> {
    // The whole suite: its msgs/op target (`lin_kv::suites`) is for its own options.
    let run = Trial::suite(runtime::start::<RaftNode>, RAFT, "lin-kv-5-partition")?.check(1)?;
    assert!(
        undelivered_server_messages(&run.results) > 0,
        "the partitions cut nothing"
    );
    Ok(())
}

#[test]
fn peer_messages_from_clients_are_refused() {
    let node = TestNode::start(runtime::start::<RaftNode>);
    node.init("n0", &["n0"]);
    let reply = node.request(
        "n0",
        2,
        json!({"type": "forward", "request": {"type": "read", "key": 1}}),
    );
    assert_eq!(reply["code"], 10, "{reply}");
}
