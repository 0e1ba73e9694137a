//! Drives a 3-node Raft lin-kv cluster through the in-memory transport, the test acting as
//! its network: requests at any node see one register history, a cluster cut apart answers
//! with definite errors rather than wrong values, and it serves again once joined.

use lin_kv::RaftNode;
use runtime::testing::Mesh;
use serde_json::{json, Value};

/// Sends `body` to node `at` until it answers with something other than error 11 (no
/// leader yet), which is what a client sees while the first election runs.
fn settled(mesh: &mut Mesh, at: usize, body: Value) -> Value {
    for _ in 0..50 {
        let reply = mesh.request(at, body.clone());
        if reply["body"]["code"] != 11 {
            return reply["body"].clone();
        }
    }
    panic!("node {at} never found a leader for {body}");
}

#[test]
fn requests_at_any_node_see_one_history() {
    let mut mesh = Mesh::start(runtime::start::<RaftNode>, 3);
    let missing = settled(&mut mesh, 0, json!({"type": "read", "key": 1}));
    assert_eq!(missing["code"], 20, "{missing}");
    let written = settled(&mut mesh, 1, json!({"type": "write", "key": 1, "value": 3}));
    assert_eq!(written["type"], "write_ok", "{written}");
    for at in 0..3 {
        let read = settled(&mut mesh, at, json!({"type": "read", "key": 1}));
        assert_eq!(
            (&read["type"], &read["value"]),
            (&json!("read_ok"), &json!(3)),
            "{read}"
        );
    }
    let stale = settled(
        &mut mesh,
        2,
        json!({"type": "cas", "key": 1, "from": 4, "to": 0}),
    );
    assert_eq!(stale["code"], 22, "{stale}");
    let swapped = settled(
        &mut mesh,
        2,
        json!({"type": "cas", "key": 1, "from": 3, "to": 0}),
    );
    assert_eq!(swapped["type"], "cas_ok", "{swapped}");
    let read = settled(&mut mesh, 0, json!({"type": "read", "key": 1}));
    assert_eq!(read["value"], 0, "{read}");
}

#[test]
fn a_cut_cluster_refuses_rather_than_answers_wrongly_and_recovers() {
    let mut mesh = Mesh::start(runtime::start::<RaftNode>, 3);
    let written = settled(&mut mesh, 0, json!({"type": "write", "key": 7, "value": 1}));
    assert_eq!(written["type"], "write_ok", "{written}");
    mesh.cut();
    // No node can reach a majority: every answer is an error, never a value.
    for at in 0..3 {
        let reply = mesh.request(at, json!({"type": "read", "key": 7}));
        assert_eq!(reply["body"]["type"], "error", "{reply}");
    }
    mesh.heal();
    let read = settled(&mut mesh, 2, json!({"type": "read", "key": 7}));
    assert_eq!(read["value"], 1, "{read}");
}

#[test]
fn peer_messages_from_clients_are_refused() {
    let mut mesh = Mesh::start(runtime::start::<RaftNode>, 1);
    let reply = mesh.request(
        0,
        json!({"type": "forward", "request": {"type": "read", "key": 1}}),
    );
    assert_eq!(reply["body"]["code"], 10, "{reply}");
}
