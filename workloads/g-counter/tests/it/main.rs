//! Drives a g-counter node through the in-memory transport while the test plays seq-kv
//! (as stale as the spec allows) and the other nodes, and checks what the design promises:
//! an add is acknowledged only once seq-kv holds it, concurrent adds share a CAS, an
//! unknown CAS outcome is resolved without counting twice, and reads catch up with the
//! other nodes' totals although seq-kv would happily keep showing the node old states.
//! Whole clusters run on the explorer's ([`suites`]).

mod seq_kv;
mod suites;

use g_counter::GCounterNode;
use runtime::testing::TestNode;
use seq_kv::StalestSeqKv;
use serde_json::{json, Value};

/// A node `n0` of `n0, n1, n2`, with the test answering its seq-kv requests.
struct Harness {
    node: TestNode,
    kv: StalestSeqKv,
    /// Every seq-kv request the node made, in order.
    requests: Vec<Value>,
}

impl Harness {
    fn start() -> Harness {
        let node = TestNode::start(runtime::start::<GCounterNode>);
        node.init("n0", &["n0", "n1", "n2"]);
        Harness {
            node,
            kv: StalestSeqKv::new(),
            requests: Vec::new(),
        }
    }

    fn client(&self, client: &str, msg_id: u64, body: Value) {
        let mut body = body;
        body["msg_id"] = json!(msg_id);
        self.node
            .send(json!({"src": client, "dest": "n0", "body": body}));
    }

    /// The node's next message to a client. Its seq-kv requests are answered on the way,
    /// except those `hold` picks, which are returned to the caller's care (not answered).
    fn next_reply(&mut self, hold: &mut dyn FnMut(&Value) -> bool) -> Result<Value, Value> {
        loop {
            let msg = self.node.recv();
            if msg["dest"] != "seq-kv" {
                return Ok(msg);
            }
            self.requests.push(msg["body"].clone());
            if hold(&msg) {
                return Err(msg);
            }
            self.answer(&msg);
        }
    }

    /// The node's next message to a client, answering every seq-kv request.
    fn reply(&mut self) -> Value {
        self.next_reply(&mut |_| false).expect("nothing is held")
    }

    /// Lets seq-kv handle `request` and sends the node the reply.
    fn answer(&mut self, request: &Value) {
        let mut reply = self.kv.handle("n0", &request["body"]);
        reply["in_reply_to"] = request["body"]["msg_id"].clone();
        self.node
            .send(json!({"src": "seq-kv", "dest": "n0", "body": reply}));
    }

    /// Answers seq-kv until the node has started `count` more refreshes (a refresh reads
    /// `count-n1` exactly once), so that every refresh before the last has completed.
    fn await_refreshes(&mut self, count: usize) {
        let mut seen = 0;
        while seen < count {
            let msg = self.node.recv();
            assert_eq!(msg["dest"], "seq-kv", "no client is waiting: {msg}");
            self.requests.push(msg["body"].clone());
            if msg["body"]["type"] == "read" && msg["body"]["key"] == "count-n1" {
                seen += 1;
            }
            self.answer(&msg);
        }
    }

    fn read(&mut self, msg_id: u64) -> u64 {
        self.client("c9", msg_id, json!({"type": "read"}));
        let reply = self.reply();
        assert_eq!(reply["body"]["type"], "read_ok", "{reply}");
        reply["body"]["value"].as_u64().expect("an integer value")
    }

    fn cas_requests(&self) -> Vec<&Value> {
        self.requests
            .iter()
            .filter(|r| r["type"] == "cas" && r["key"] == "count-n0")
            .collect()
    }
}

fn is_own_cas(msg: &Value) -> bool {
    msg["body"]["type"] == "cas" && msg["body"]["key"] == "count-n0"
}

#[test]
fn an_add_is_acknowledged_only_once_seq_kv_holds_it() {
    let mut h = Harness::start();
    h.client("c1", 1, json!({"type": "add", "delta": 3}));
    let reply = h.reply();
    assert_eq!(reply["body"]["type"], "add_ok");
    assert_eq!(reply["body"]["in_reply_to"], 1);
    assert_eq!(
        h.kv.newest("count-n0"),
        Some(json!(3)),
        "acknowledged before stored"
    );
    let cas = h.cas_requests();
    assert_eq!(
        (
            cas[0]["from"].clone(),
            cas[0]["to"].clone(),
            cas[0]["create_if_not_exists"].clone()
        ),
        (json!(0), json!(3), json!(true))
    );
    // A zero delta changes nothing and costs no request.
    let before = h.requests.len();
    h.client("c1", 2, json!({"type": "add", "delta": 0}));
    assert_eq!(h.reply()["body"]["type"], "add_ok");
    h.client("c1", 3, json!({"type": "add", "delta": 4}));
    assert_eq!(h.reply()["body"]["type"], "add_ok");
    let cas = h.cas_requests();
    assert_eq!(cas.len(), 2);
    assert_eq!(
        (cas[1]["from"].clone(), cas[1]["to"].clone()),
        (json!(3), json!(7))
    );
    assert!(h.requests[before..]
        .iter()
        .all(|r| r["type"] != "cas" || r["to"] == 7));
    assert_eq!(h.read(4), 7);
}

#[test]
fn a_negative_delta_is_rejected_as_malformed() {
    let mut h = Harness::start();
    h.client("c1", 1, json!({"type": "add", "delta": -1}));
    let reply = h.reply();
    assert_eq!(
        (reply["body"]["type"].clone(), reply["body"]["code"].clone()),
        (json!("error"), json!(12))
    );
}

#[test]
fn reads_catch_up_with_other_nodes_however_stale_seq_kv_is() {
    let mut h = Harness::start();
    h.client("c1", 1, json!({"type": "add", "delta": 2}));
    assert_eq!(h.reply()["body"]["type"], "add_ok");
    // n1 and n2 store their totals after n0's last request.
    h.kv.handle("n1", &json!({"type": "cas", "key": "count-n1", "from": 0, "to": 5, "create_if_not_exists": true}));
    h.kv.handle(
        "n2",
        &json!({"type": "write", "key": "count-n2", "value": 7}),
    );
    // This seq-kv would show n0 its old state forever to a plain read...
    let plain =
        h.kv.handle("n0", &json!({"type": "read", "key": "count-n1"}));
    assert_eq!(
        plain["code"], 20,
        "the fake must be stale for this test to mean anything"
    );
    // ...but a refresh starts with a barrier, so the next read is exact.
    h.await_refreshes(2);
    assert_eq!(h.read(2), 2 + 5 + 7);
    h.kv.handle(
        "n1",
        &json!({"type": "cas", "key": "count-n1", "from": 5, "to": 9}),
    );
    h.await_refreshes(2);
    assert_eq!(h.read(3), 2 + 9 + 7);
    // Every refresh made a state-changing request before reading the peers.
    let barriers: Vec<&Value> = h
        .requests
        .iter()
        .filter(|r| r["type"] == "write" && r["key"] == "barrier-n0")
        .collect();
    assert!(barriers.len() >= 3, "{barriers:?}");
    let values: Vec<&Value> = barriers.iter().map(|r| &r["value"]).collect();
    let mut distinct = values.clone();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        values.len(),
        "barrier values must never repeat"
    );
}

#[test]
fn adds_that_arrive_during_a_cas_share_the_next_one() {
    let mut h = Harness::start();
    h.client("c1", 1, json!({"type": "add", "delta": 1}));
    let held = h
        .next_reply(&mut is_own_cas)
        .expect_err("the first add must wait for its CAS");
    for (i, delta) in [2, 3, 4].into_iter().enumerate() {
        h.client(
            &format!("c{}", i + 2),
            1,
            json!({"type": "add", "delta": delta}),
        );
    }
    // The read is handled after the three adds; nothing they did may be a second CAS.
    h.client("c9", 1, json!({"type": "read"}));
    let read = h.reply();
    assert_eq!(read["body"]["value"], 0, "nothing is stored yet");
    assert_eq!(h.cas_requests().len(), 1, "one CAS at a time");
    h.answer(&held);
    let mut acknowledged = Vec::new();
    for _ in 0..4 {
        let reply = h.reply();
        assert_eq!(reply["body"]["type"], "add_ok", "{reply}");
        acknowledged.push(reply["dest"].as_str().unwrap().to_owned());
    }
    acknowledged.sort();
    assert_eq!(acknowledged, ["c1", "c2", "c3", "c4"]);
    let cas = h.cas_requests();
    assert_eq!(
        cas.len(),
        2,
        "the three waiting adds share one CAS: {cas:?}"
    );
    assert_eq!(
        (cas[1]["from"].clone(), cas[1]["to"].clone()),
        (json!(1), json!(10))
    );
    assert_eq!(h.kv.newest("count-n0"), Some(json!(10)));
}

#[test]
fn a_cas_whose_reply_is_lost_is_read_back_and_not_counted_twice() {
    let mut h = Harness::start();
    h.client("c1", 1, json!({"type": "add", "delta": 3}));
    let lost = h
        .next_reply(&mut is_own_cas)
        .expect_err("the add must wait for its CAS");
    // seq-kv applies the CAS but its reply never arrives: the node's request times out.
    h.kv.handle("n0", &lost["body"]);
    let reply = h.reply();
    assert_eq!(reply["body"]["type"], "add_ok", "{reply}");
    assert_eq!(
        h.cas_requests().len(),
        1,
        "the read-back showed the CAS had landed"
    );
    assert!(h
        .requests
        .iter()
        .any(|r| r["type"] == "read" && r["key"] == "count-n0"));
    assert_eq!(h.kv.newest("count-n0"), Some(json!(3)));
    h.client("c1", 2, json!({"type": "add", "delta": 2}));
    assert_eq!(h.reply()["body"]["type"], "add_ok");
    assert_eq!(h.kv.newest("count-n0"), Some(json!(5)));
    assert_eq!(h.read(3), 5);
}
