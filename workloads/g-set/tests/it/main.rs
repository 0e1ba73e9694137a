//! Drives a cluster of g-set nodes through the in-memory transport, the test acting as
//! their network, and checks that adds and reads stay available while the nodes are cut
//! apart and that every node converges to every element once they are joined again.

use g_set::GSetNode;
use runtime::testing::Mesh;
use serde_json::{json, Value};

fn sorted(value: &Value) -> Vec<i64> {
    let mut v: Vec<i64> = value
        .as_array()
        .expect("read_ok carries an array")
        .iter()
        .map(|e| e.as_i64().unwrap())
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn adds_stay_available_in_a_partition_and_every_node_converges_after_it() {
    let mut mesh = Mesh::start(runtime::start::<GSetNode>, 3);
    mesh.cut();
    for (node, element) in [(0, 0), (1, 1), (2, 2), (0, 3), (1, 1)] {
        let reply = mesh.request(node, json!({"type": "add", "element": element}));
        assert_eq!(reply["body"]["type"], "add_ok", "{reply}");
    }
    mesh.await_dropped(6);
    let on_n0 = mesh.request(0, json!({"type": "read"}));
    assert_eq!(sorted(&on_n0["body"]["value"]), [0, 3]);
    mesh.heal();
    mesh.await_reads(&json!([0, 1, 2, 3]));
    mesh.request(2, json!({"type": "add", "element": 10}));
    // Elements are ordered by their JSON text, so 10 sorts before 2.
    mesh.await_reads(&json!([0, 1, 10, 2, 3]));
}

#[test]
fn any_json_value_is_an_element() {
    let mut mesh = Mesh::start(runtime::start::<GSetNode>, 2);
    for element in [json!("a"), json!({"k": [1, 2]}), json!(1), json!(1.0)] {
        mesh.request(1, json!({"type": "add", "element": element}));
    }
    // Ordered by JSON text: `"a"` before `1` before `1.0` before `{..}`.
    mesh.await_reads(&json!(["a", 1, 1.0, {"k": [1, 2]}]));
}

#[test]
fn a_read_of_an_empty_set_is_an_empty_array() {
    let mut mesh = Mesh::start(runtime::start::<GSetNode>, 1);
    let reply = mesh.request(0, json!({"type": "read"}));
    assert_eq!(
        reply["body"],
        json!({"type": "read_ok", "value": [], "msg_id": reply["body"]["msg_id"], "in_reply_to": 1})
    );
}
