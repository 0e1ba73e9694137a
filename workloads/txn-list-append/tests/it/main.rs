//! Drives a 3-node txn-list-append cluster through the in-memory transport, the test acting
//! as its network: transactions at any node see one order of appends, reads inside a
//! transaction see its own appends, a cluster cut apart refuses with errors rather than
//! answers from a stale or divergent copy, and after the cut heals (and the leadership has
//! been lost and won again) the appends from both sides of it stand in one list.

use runtime::testing::Mesh;
use serde_json::{json, Value};
use txn_list_append::ListAppendNode;

/// Sends the transaction `txn` to node `at` until it answers with something other than
/// error 11 (no leader yet), which is what a client sees while an election runs.
fn settled(mesh: &mut Mesh, at: usize, txn: Value) -> Value {
    for _ in 0..50 {
        let reply = mesh.request(at, json!({"type": "txn", "txn": txn.clone()}));
        if reply["body"]["code"] != 11 {
            return reply["body"].clone();
        }
    }
    panic!("node {at} never found a leader for {txn}");
}

fn start() -> Mesh {
    Mesh::start(runtime::start::<ListAppendNode>, 3)
}

#[test]
fn transactions_at_any_node_see_one_order_of_appends() {
    let mut mesh = start();
    let first = settled(
        &mut mesh,
        0,
        json!([["r", 1, null], ["append", 1, 5], ["r", 1, null]]),
    );
    assert_eq!(first["type"], "txn_ok", "{first}");
    assert_eq!(
        first["txn"],
        json!([["r", 1, null], ["append", 1, 5], ["r", 1, [5]]]),
        "a read sees the transaction's own earlier append"
    );
    let second = settled(&mut mesh, 1, json!([["append", 1, 6], ["append", 2, 7]]));
    assert_eq!(second["type"], "txn_ok", "{second}");
    for at in 0..3 {
        let read = settled(
            &mut mesh,
            at,
            json!([["r", 1, null], ["r", 2, null], ["r", 3, null]]),
        );
        assert_eq!(
            read["txn"],
            json!([["r", 1, [5, 6]], ["r", 2, [7]], ["r", 3, null]]),
            "node {at}: {read}"
        );
    }
}

#[test]
fn a_cut_cluster_refuses_and_after_a_new_election_keeps_both_sides_appends() {
    let mut mesh = start();
    let before = settled(&mut mesh, 0, json!([["append", 9, 1]]));
    assert_eq!(before["type"], "txn_ok", "{before}");
    mesh.cut();
    // No node reaches a majority: reads and appends alike are refused, never answered from a
    // copy that might be stale. The leader steps down once it has not heard from a majority
    // for an election timeout, so the cluster must elect again after the heal.
    for at in 0..3 {
        for txn in [json!([["r", 9, null]]), json!([["append", 9, 100 + at]])] {
            let reply = mesh.request(at, json!({"type": "txn", "txn": txn}));
            assert_eq!(reply["body"]["type"], "error", "{reply}");
        }
    }
    mesh.heal();
    let after = settled(&mut mesh, 2, json!([["append", 9, 2], ["r", 9, null]]));
    assert_eq!(after["type"], "txn_ok", "{after}");
    // Appends refused during the cut may still have been proposed (a timeout is indefinite),
    // so the list holds 1 first, 2 last, and at most the cut's values in between.
    let list = after["txn"][1][2].as_array().expect("a list").clone();
    assert_eq!(list.first(), Some(&json!(1)), "{after}");
    assert_eq!(list.last(), Some(&json!(2)), "{after}");
    assert!(
        list[1..list.len() - 1]
            .iter()
            .all(|v| (100..103).contains(&v.as_i64().unwrap())),
        "{after}"
    );
    for at in 0..3 {
        let read = settled(&mut mesh, at, json!([["r", 9, null]]));
        assert_eq!(
            read["txn"][0][2],
            Value::Array(list.clone()),
            "node {at}: {read}"
        );
    }
}

#[test]
fn malformed_transactions_and_peer_messages_from_clients_are_refused() {
    let mut mesh = Mesh::start(runtime::start::<ListAppendNode>, 1);
    let register_write = mesh.request(0, json!({"type": "txn", "txn": [["w", 1, 2]]}));
    assert_eq!(register_write["body"]["code"], 12, "{register_write}");
    let forward = mesh.request(
        0,
        json!({"type": "forward", "request": {"type": "txn", "txn": [["r", 1, null]]}}),
    );
    assert_eq!(forward["body"]["code"], 10, "{forward}");
}
