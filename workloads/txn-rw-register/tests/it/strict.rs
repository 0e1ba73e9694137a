//! The strict handler on a 3-node in-memory mesh, the test acting as the network: one
//! register history at every node, reads seeing the transaction's own writes, refusals
//! while the cluster is cut, and the history continuing after the heal's new election.

use runtime::testing::Mesh;
use serde_json::{json, Value};
use txn_rw_register::StrictTxnNode;

/// Sends `txn` to node `at` until the answer is not error 11 (no leader yet).
fn settled(mesh: &mut Mesh, at: usize, txn: Value) -> Value {
    for _ in 0..50 {
        let reply = mesh.request(at, json!({"type": "txn", "txn": txn.clone()}));
        if reply["body"]["code"] != 11 {
            return reply["body"].clone();
        }
    }
    panic!("node {at} never found a leader for {txn}");
}

#[test]
fn strict_registers_show_one_history_refuse_while_cut_and_continue_after() {
    let mut mesh = Mesh::start(runtime::start::<StrictTxnNode>, 3);
    let first = settled(
        &mut mesh,
        1,
        json!([["w", 1, 6], ["r", 1, null], ["w", 1, 7], ["r", 2, null]]),
    );
    assert_eq!(
        first["txn"],
        json!([["w", 1, 6], ["r", 1, 6], ["w", 1, 7], ["r", 2, null]]),
        "{first}"
    );
    for at in 0..3 {
        let read = settled(&mut mesh, at, json!([["r", 1, null]]));
        assert_eq!(read["txn"], json!([["r", 1, 7]]), "node {at}: {read}");
    }
    mesh.cut();
    for at in 0..3 {
        let reply = mesh.request(at, json!({"type": "txn", "txn": [["r", 1, null]]}));
        assert_eq!(reply["body"]["type"], "error", "{reply}");
    }
    mesh.heal();
    let after = settled(&mut mesh, 0, json!([["r", 1, null], ["w", 1, 8]]));
    assert_eq!(after["txn"], json!([["r", 1, 7], ["w", 1, 8]]), "{after}");
    let read = settled(&mut mesh, 2, json!([["r", 1, null]]));
    assert_eq!(read["txn"], json!([["r", 1, 8]]), "{read}");
}
