//! The `kafka` handler: lin-kv holds the logs and commits, any node serves any request.

use serde_json::json;

use super::cluster::Cluster;
use super::{offset, poll, polled, send};

fn cluster(nodes: usize) -> Cluster {
    Cluster::start(nodes, runtime::start::<kafka::KafkaNode>)
}

#[test]
fn a_single_node_assigns_offsets_and_polls_from_any_offset() {
    let mut c = cluster(1);
    assert_eq!(offset(&c.request(0, send("a", 10))), 0);
    assert_eq!(offset(&c.request(0, send("a", 11))), 1);
    assert_eq!(offset(&c.request(0, send("b", 20))), 0);
    assert_eq!(polled(&c.request(0, poll("a", 0)), "a"), [(0, 10), (1, 11)]);
    assert_eq!(polled(&c.request(0, poll("a", 1)), "a"), [(1, 11)]);
    let reply = c.request(0, json!({"type": "poll", "offsets": {"a": 2, "nope": 0}}));
    assert_eq!(
        reply["msgs"],
        json!({}),
        "nothing new, unknown key left out"
    );
}

#[test]
fn commits_are_listed_and_never_go_back() {
    let mut c = cluster(2);
    let ok = c.request(
        0,
        json!({"type": "commit_offsets", "offsets": {"a": 5, "b": 1}}),
    );
    assert_eq!(ok["type"], "commit_offsets_ok");
    c.request(1, json!({"type": "commit_offsets", "offsets": {"a": 3}}));
    let listed = c.request(
        1,
        json!({"type": "list_committed_offsets", "keys": ["a", "b", "c"]}),
    );
    assert_eq!(listed["offsets"], json!({"a": 5, "b": 1}));
}

#[test]
fn two_nodes_share_one_log_per_key() {
    let mut c = cluster(2);
    for m in 0..6 {
        assert_eq!(offset(&c.request(m % 2, send("k", m as i64))), m as u64);
    }
    let expected: Vec<(u64, i64)> = (0..6).map(|m| (m, m as i64)).collect();
    assert_eq!(polled(&c.request(1, poll("k", 0)), "k"), expected);
    // Node 0 last saw the log at five entries: a poll inside that prefix may be answered
    // from its cache (a prefix of the log is a correct answer), and a poll beyond it asks
    // lin-kv and sees the rest.
    let cached = polled(&c.request(0, poll("k", 0)), "k");
    assert!(
        expected.starts_with(&cached) && cached.len() >= 5,
        "{cached:?}"
    );
    assert_eq!(polled(&c.request(0, poll("k", 5)), "k"), [(5, 5)]);
}

#[test]
fn concurrent_sends_from_both_nodes_get_distinct_offsets() {
    let mut c = cluster(2);
    let sends = (0..20).map(|m| (m % 2, send("hot", m as i64))).collect();
    let mut offsets: Vec<u64> = c.requests(sends).iter().map(offset).collect();
    offsets.sort_unstable();
    assert_eq!(offsets, (0..20).collect::<Vec<u64>>());
    let log = polled(&c.request(1, poll("hot", 0)), "hot");
    assert_eq!(log.len(), 20);
}

#[test]
fn a_reply_type_sent_as_a_request_is_not_supported() {
    let mut c = cluster(1);
    let reply = c.request(0, json!({"type": "send_ok", "offset": 1}));
    assert_eq!(
        (reply["type"].clone(), reply["code"].clone()),
        (json!("error"), json!(10))
    );
}
