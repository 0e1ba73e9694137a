//! The `kafka-lean` handler: one owner per key, forwarded sends, batched syncs.

use kafka::ownership::owner;
use serde_json::json;

use super::cluster::Cluster;
use super::{offset, poll, polled, send};

fn cluster() -> Cluster {
    Cluster::start(2, runtime::start::<kafka::LeanNode>)
}

/// A key owned by node `index` of two, and the index of the other node.
fn key_owned_by(index: usize) -> (String, usize) {
    let nodes = ["n0".to_owned(), "n1".to_owned()];
    let key = (0..)
        .map(|k: u32| k.to_string())
        .find(|k| owner(k, &nodes) == nodes[index])
        .unwrap();
    (key, 1 - index)
}

#[test]
fn sends_through_either_node_share_the_owners_sequence() {
    let mut c = cluster();
    for owner in [0, 1] {
        let (key, other) = key_owned_by(owner);
        for m in 0..6u64 {
            let via = if m % 2 == 0 { owner } else { other };
            assert_eq!(offset(&c.request(via, send(&key, m as i64))), m);
        }
    }
}

#[test]
fn a_non_owner_polls_its_own_send_at_once() {
    let mut c = cluster();
    let (key, other) = key_owned_by(0);
    c.request(0, send(&key, 1));
    c.request(other, send(&key, 2));
    // The forward's reply brought the owner's log up to and including this send.
    assert_eq!(
        polled(&c.request(other, poll(&key, 0)), &key),
        [(0, 1), (1, 2)]
    );
}

#[test]
fn copies_and_commits_reach_the_other_node() {
    let mut c = cluster();
    let (key, other) = key_owned_by(1);
    for m in 0..5 {
        c.request(1, send(&key, m));
    }
    let reply = c.request_until(other, poll(&key, 0), |r| polled(r, &key).len() == 5);
    assert_eq!(
        polled(&reply, &key),
        (0..5).map(|m| (m, m as i64)).collect::<Vec<_>>()
    );

    c.request(
        1,
        json!({"type": "commit_offsets", "offsets": {key.as_str(): 4}}),
    );
    let list = json!({"type": "list_committed_offsets", "keys": [key.as_str(), "unknown"]});
    let listed = c.request_until(other, list, |r| r["offsets"][key.as_str()] == 4);
    assert_eq!(listed["offsets"], json!({key.as_str(): 4}));
}

#[test]
fn only_forwarded_sends_cost_server_messages() {
    let mut c = cluster();
    let (mine, _) = key_owned_by(0);
    let (theirs, _) = key_owned_by(1);
    c.request(0, send(&mine, 1));
    c.request(
        0,
        json!({"type": "poll", "offsets": {mine.as_str(): 0, theirs.as_str(): 0}}),
    );
    c.request(
        0,
        json!({"type": "commit_offsets", "offsets": {mine.as_str(): 0}}),
    );
    c.request(
        0,
        json!({"type": "list_committed_offsets", "keys": [mine.as_str()]}),
    );
    assert_eq!(c.routed.get("forward"), None, "{:?}", c.routed);
    c.request(0, send(&theirs, 2));
    assert_eq!(c.routed.get("forward"), Some(&1), "{:?}", c.routed);
    assert_eq!(c.routed.get("forward_ok"), Some(&1), "{:?}", c.routed);
}

#[test]
fn a_repeated_forward_appends_once() {
    let mut c = cluster();
    let (key, _) = key_owned_by(0);
    let forward = json!({"type": "forward", "key": key, "msg": 7, "id": 3, "have": 0, "msg_id": 1});
    c.inject("n1", 0, forward.clone());
    c.inject("n1", 0, forward);
    c.request(0, send(&key, 8));
    assert_eq!(polled(&c.request(0, poll(&key, 0)), &key), [(0, 7), (1, 8)]);
}

#[test]
fn lost_syncs_are_repeated_until_acknowledged() {
    let mut c = cluster();
    let mut lost = 0;
    c.drop_when(move |m| {
        let sync = matches!(m["body"]["type"].as_str(), Some("sync"));
        lost += usize::from(sync);
        sync && lost <= 6
    });
    let (key, other) = key_owned_by(0);
    for m in 0..3 {
        c.request(0, send(&key, m));
    }
    let reply = c.request_until(other, poll(&key, 0), |r| polled(r, &key).len() == 3);
    assert_eq!(polled(&reply, &key).len(), 3);
}

#[test]
fn a_send_whose_owner_stays_unreachable_fails_indefinitely() {
    let mut c = cluster();
    c.drop_when(|m| m["body"]["type"] == "forward");
    let (key, other) = key_owned_by(0);
    let reply = c.request(other, send(&key, 1));
    assert_eq!(reply["type"], "error", "{reply}");
    // Timeout (0) or crash (13): the owner may have appended, so never a definite code.
    assert!(matches!(reply["code"].as_u64(), Some(0 | 13)), "{reply}");
}

#[test]
fn a_node_with_an_empty_node_list_owns_every_key() {
    // The runtime counts the node in (see the runtime's init tests), so the owner of every
    // key is this node instead of a panic on an empty list.
    let mut node = runtime::testing::TestNode::start(runtime::start::<kafka::LeanNode>);
    node.send(json!({"src": "c0", "dest": "n0", "body": {"type": "init", "node_id": "n0", "node_ids": [], "msg_id": 1}}));
    assert_eq!(node.recv()["body"]["type"], "init_ok");
    for key in ["0", "1", "2", "3"] {
        node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "send", "key": key, "msg": 5, "msg_id": 2}}));
        let reply = node.recv();
        assert_eq!(offset(&reply["body"]), 0, "{reply}");
    }
    node.close();
}

#[test]
fn a_sync_from_a_client_is_refused_and_not_applied() {
    let mut node = runtime::testing::TestNode::start(runtime::start::<kafka::LeanNode>);
    node.init("n0", &["n0", "n1"]);
    let (key, _) = key_owned_by(1);
    let sync = json!({"type": "sync", "logs": {key.clone(): {"start": 0, "entries": [7]}}, "commits": {}, "msg_id": 2});
    node.send(json!({"src": "c1", "dest": "n0", "body": sync}));
    let reply = node.recv();
    assert_eq!(reply["body"]["code"], 10, "{reply}");
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "poll", "offsets": {key.clone(): 0}, "msg_id": 3}}));
    assert_eq!(polled(&node.recv()["body"], &key), []);
    node.close();
}
