//! g-set nodes tested from outside: on the explorer's cluster through the registered suites
//! (the simulator's network, partitions and set checker around the real handlers, on the
//! virtual clock), adds stay available while the nodes are cut apart and every node's final
//! read holds every element once they are joined again; and one node alone for what the
//! workload's integer elements never show: any JSON value is an element, read back in the
//! order of its JSON text, and an empty set reads as an empty array.

use g_set::GSetNode;
use runtime::explore::{figure, undelivered_server_messages, Trial};
use runtime::testing::TestNode;
use runtime::Metric;
use serde_json::json;

#[test]
fn adds_stay_available_in_partitions_and_every_node_converges_after_them() -> anyhow::Result<()> {
    // The suites' 20 s at rate 100, partitions every 10 s; shortened, with partitions every
    // 2 s so that several come and go.
    for id in ["g-set", "g-set-5n"] {
        let run = Trial::suite(runtime::start::<GSetNode>, g_set::SUITES, id)?
            .with("--time-limit 10 --nemesis-interval 2")
            .check(1)?;
        assert_eq!(figure(&run.results, Metric::Availability), Some(1.0));
        assert!(
            undelivered_server_messages(&run.results) > 0,
            "the partitions cut no gossip"
        );
    }
    Ok(())
}

#[test]
fn any_json_value_is_an_element_and_reads_are_ordered_by_json_text() {
    let node = TestNode::start(runtime::start::<GSetNode>);
    node.init("n0", &["n0"]);
    let empty = node.request("n0", 2, json!({"type": "read"}));
    assert_eq!(
        empty,
        json!({"type": "read_ok", "value": [], "msg_id": empty["msg_id"], "in_reply_to": 2})
    );
    for (msg_id, element) in (3..).zip([json!("a"), json!({"k": [1, 2]}), json!(1), json!(1.0)]) {
        let reply = node.request("n0", msg_id, json!({"type": "add", "element": element}));
        assert_eq!(reply["type"], "add_ok", "{reply}");
    }
    // `"a"` before `1` before `1.0` before `{..}`.
    let read = node.request("n0", 9, json!({"type": "read"}));
    assert_eq!(read["value"], json!(["a", 1, 1.0, {"k": [1, 2]}]));
}
