//! Drives a node through the in-memory transport, exactly as Maelstrom would through
//! stdin/stdout, and checks the runtime's promises: replies, RPC matching and deadlines,
//! retries, timers, error replies for failing and panicking handlers, draining on EOF, and
//! relaying around cuts.

mod in_process;
mod probe;
mod relay;

use serde_json::{json, Value};

#[test]
fn answers_init_then_requests() {
    let mut node = probe::start();
    node.init("n1", &["n0", "n1", "n2"]);
    node.send(json!({"src": "c3", "dest": "n1", "body": {"type": "ping", "msg_id": 7}}));
    let reply = node.recv();
    assert_eq!(reply["dest"], "c3");
    assert_eq!(reply["body"]["type"], "pong");
    assert_eq!(reply["body"]["in_reply_to"], 7);
    assert_eq!(reply["body"]["node_index"], 1);
    assert_eq!(
        reply["body"]["started_as"], "n1",
        "built from init, knowing its id"
    );
    node.close();
}

#[test]
fn requests_before_init_are_temporarily_unavailable() {
    let mut node = probe::start();
    node.send(json!({"src": "c0", "dest": "n0", "body": {"type": "ping", "msg_id": 1}}));
    let reply = node.recv();
    assert_eq!(reply["body"]["code"], 11);
    node.init("n0", &["n0"]);
    node.close();
}

#[test]
fn malformed_lines_and_unknown_types_do_not_stop_the_node() {
    let mut node = probe::start();
    // Two members: a lone node sends timer ticks, which a slow machine could interleave
    // with the replies this test reads in order.
    node.init("n0", &["n0", "n1"]);
    node.send_raw("this is not json");
    node.send_raw(r#"{"src":"c1","dest":"n0","body":"no object"}"#);
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "frobnicate", "msg_id": 2}}));
    let reply = node.recv();
    assert_eq!(
        (
            reply["body"]["code"].clone(),
            reply["body"]["in_reply_to"].clone()
        ),
        (json!(10), json!(2))
    );
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "ping", "msg_id": 3}}));
    assert_eq!(node.recv()["body"]["type"], "pong");
    node.close();
}

#[test]
fn a_failing_handler_is_answered_with_its_error_and_a_panic_with_crash() {
    let mut node = probe::start();
    // Two members, so the probe's timer (single-node clusters only) sends no tick in
    // between: a panic's backtrace can take longer than a tick period on a busy machine.
    node.init("n0", &["n0", "n1"]);
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "fail", "msg_id": 4}}));
    let failed = node.recv();
    assert_eq!(failed["body"]["type"], "error");
    assert_eq!(failed["body"]["code"], 14);
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "explode", "msg_id": 5}}));
    let crashed = node.recv();
    assert_eq!(crashed["body"]["code"], 13);
    assert!(
        crashed["body"]["text"].as_str().unwrap().contains("boom"),
        "{crashed}"
    );
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "ping", "msg_id": 6}}));
    assert_eq!(node.recv()["body"]["type"], "pong");
    node.close();
}

#[test]
fn an_rpc_gets_its_reply_matched_by_in_reply_to() {
    let mut node = probe::start();
    node.init("n0", &["n0", "n1"]);
    node.send(
        json!({"src": "c1", "dest": "n0", "body": {"type": "ask", "peer": "n1", "msg_id": 1}}),
    );
    let question = node.recv();
    assert_eq!(question["dest"], "n1");
    let asked_id = question["body"]["msg_id"].as_u64().unwrap();
    // A stray reply to an id nobody waits for is dropped, not mistaken for the answer.
    node.send(json!({"src": "n1", "dest": "n0", "body": {"type": "answer", "value": 0, "in_reply_to": asked_id + 1000}}));
    node.send(json!({"src": "n1", "dest": "n0", "body": {"type": "answer", "value": 42, "in_reply_to": asked_id}}));
    let reply = node.recv();
    assert_eq!(reply["body"]["type"], "asked");
    assert_eq!(reply["body"]["result"], 42);
    assert_eq!(reply["dest"], "c1");
    node.close();
}

#[test]
fn an_unanswered_rpc_times_out_and_a_late_reply_is_dropped() {
    let mut node = probe::start();
    node.init("n0", &["n0", "n1"]);
    node.send(
        json!({"src": "c1", "dest": "n0", "body": {"type": "ask", "peer": "n1", "msg_id": 1}}),
    );
    let question = node.recv();
    let reply = node.recv();
    assert_eq!(reply["body"]["result"], "timeout");
    let late = json!({"src": "n1", "dest": "n0", "body": {"type": "answer", "value": 1, "in_reply_to": question["body"]["msg_id"]}});
    node.send(late);
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "ping", "msg_id": 2}}));
    assert_eq!(
        node.recv()["body"]["type"],
        "pong",
        "the late reply must produce no output"
    );
    node.close();
}

#[test]
fn a_retrying_rpc_sends_new_requests_until_one_is_answered() {
    let mut node = probe::start();
    node.init("n0", &["n0", "n1"]);
    node.send(
        json!({"src": "c1", "dest": "n0", "body": {"type": "insist", "peer": "n1", "msg_id": 1}}),
    );
    let first = node.recv();
    let second = node.recv();
    assert_eq!(first["body"]["type"], "question");
    assert_ne!(
        first["body"]["msg_id"], second["body"]["msg_id"],
        "each attempt is a new request"
    );
    node.send(json!({"src": "n1", "dest": "n0", "body": {"type": "answer", "value": 7, "in_reply_to": second["body"]["msg_id"]}}));
    let reply = node.recv();
    assert_eq!(reply["body"]["result"], 7);
    node.close();
}

#[test]
fn timers_keep_firing_after_a_tick_panics() {
    let mut node = probe::start();
    node.init("n0", &["n0"]);
    for expected in [1, 3, 4] {
        let tick = node.recv();
        assert_eq!(tick["body"]["type"], "tick");
        assert_eq!(tick["body"]["count"], expected);
    }
    node.close();
}

#[test]
fn end_of_input_lets_in_flight_requests_finish_and_exits() {
    let mut node = probe::start();
    node.init("n0", &["n0"]);
    node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "slow", "msg_id": 9}}));
    let exited = node.close();
    let replies: Vec<Value> = exited
        .into_iter()
        .filter(|m| m["body"]["type"] != "tick")
        .collect();
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert_eq!(replies[0]["body"]["type"], "slow_ok");
}

#[test]
fn message_ids_are_unique_across_replies_sends_and_rpcs() {
    let mut node = probe::start();
    node.init("n0", &["n0", "n1"]);
    for id in 0..20 {
        node.send(json!({"src": "c1", "dest": "n0", "body": {"type": "ping", "msg_id": id}}));
    }
    let mut seen = std::collections::HashSet::new();
    for _ in 0..20 {
        let reply = node.recv();
        assert!(seen.insert(reply["body"]["msg_id"].as_u64().unwrap()));
    }
    node.close();
}

#[test]
fn peer_only_messages_from_clients_and_strangers_are_refused() {
    let mut node = probe::start();
    node.init("n1", &["n0", "n1", "n2"]);
    for (src, code) in [
        ("n0", None),
        ("c4", Some(10)),
        ("n7", Some(10)),
        ("n2", None),
    ] {
        node.send(json!({"src": src, "dest": "n1", "body": {"type": "gossip", "msg_id": 3}}));
        let reply = node.recv();
        assert_eq!(reply["dest"], src);
        match code {
            None => assert_eq!(reply["body"]["type"], "gossip_ok", "{reply}"),
            Some(code) => {
                assert_eq!(reply["body"]["code"], code, "{reply}");
                let text = reply["body"]["text"].as_str().unwrap();
                assert!(text.contains(src) && text.contains("gossip"), "{text}");
            }
        }
    }
    node.close();
}

#[test]
fn an_init_that_leaves_the_node_out_counts_it_in() {
    let mut node = probe::start();
    node.init("n9", &["n0", "n1"]);
    node.send(json!({"src": "c3", "dest": "n9", "body": {"type": "ping", "msg_id": 2}}));
    assert_eq!(node.recv()["body"]["node_index"], 2);
    node.send(json!({"src": "n9", "dest": "n9", "body": {"type": "gossip", "msg_id": 3}}));
    assert_eq!(node.recv()["body"]["type"], "gossip_ok");
    node.close();
}
