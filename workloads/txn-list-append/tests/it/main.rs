//! The txn-list-append handler tested from outside: on the explorer's cluster through the
//! registered suites (the simulator's network, partitions, txn clients and Elle's
//! list-append checker around the real handlers, on the virtual clock), strict
//! serializable without and with partitions (which implies the weaker models of the other
//! suites); and one node alone for what it refuses.

use runtime::explore::{undelivered_server_messages, Trial};
use runtime::testing::TestNode;
use serde_json::json;
use txn_list_append::suites::SUITES;
use txn_list_append::ListAppendNode;

/// The suites' 20 s at 1000 a second, shortened for a debug build (which spends about a
/// second per virtual second there, mostly in the checker), with partitions every second
/// instead of 5 so that several come and go.
const SHORTER: &str = "--time-limit 3 --rate 300";
const PARTITIONED: &str = "--time-limit 5 --rate 300 --nemesis-interval 1";

#[test]
fn transactions_at_any_node_are_strict_serializable() -> anyhow::Result<()> {
    Trial::suite(
        runtime::start::<ListAppendNode>,
        SUITES,
        "txn-list-append-strict",
    )?
    .with(SHORTER)
    .check(1)?;
    Ok(())
}

#[test]
fn a_partitioned_cluster_stays_strict_serializable() -> anyhow::Result<()> {
    let run = Trial::suite(
        runtime::start::<ListAppendNode>,
        SUITES,
        "txn-list-append-strict-partition",
    )?
    .with(PARTITIONED)
    .check(1)?;
    assert!(
        undelivered_server_messages(&run.results) > 0,
        "the partitions cut nothing"
    );
    Ok(())
}

#[test]
fn malformed_transactions_and_peer_messages_from_clients_are_refused() {
    let node = TestNode::start(runtime::start::<ListAppendNode>);
    node.init("n0", &["n0"]);
    let register_write = node.request("n0", 2, json!({"type": "txn", "txn": [["w", 1, 2]]}));
    assert_eq!(register_write["code"], 12, "{register_write}");
    let forward = node.request(
        "n0",
        3,
        json!({"type": "forward", "request": {"type": "txn", "txn": [["r", 1, null]]}}),
    );
    assert_eq!(forward["code"], 10, "{forward}");
}
