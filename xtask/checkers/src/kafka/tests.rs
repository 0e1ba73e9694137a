//! Hand-written Kafka histories: a valid one, and one per error type.

use serde_json::{json, Value};

use super::check;
use crate::checked::Checked;
use crate::history::History;
use crate::testing::HistoryBuilder;
use crate::validity::Validity;

/// Builds Kafka histories op by op; every op completes before the next begins unless a
/// test uses `invoke`/`complete` directly.
struct Kafka(HistoryBuilder);

impl Kafka {
    fn new() -> Kafka {
        Kafka(HistoryBuilder::new())
    }
    fn send(self, p: u64, key: &str, msg: i64, offset: i64) -> Kafka {
        Kafka(self.0.call(
            p,
            "send",
            json!([["send", key, msg]]),
            json!([["send", key, [offset, msg]]]),
        ))
    }
    fn send_failed(self, p: u64, key: &str, msg: i64) -> Kafka {
        let v = json!([["send", key, msg]]);
        Kafka(self.0.invoke(p, "send", v.clone()).fail(p, "send", v))
    }
    fn poll(self, p: u64, result: Value) -> Kafka {
        Kafka(
            self.0
                .call(p, "poll", json!([["poll"]]), json!([["poll", result]])),
        )
    }
    fn assign(self, p: u64, keys: Value) -> Kafka {
        Kafka(self.0.call(p, "assign", keys.clone(), keys))
    }
    fn build(self) -> History {
        self.0.build()
    }
}

fn error_types(c: &Checked) -> Vec<String> {
    c.results["error-types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect()
}

fn assert_bad(c: &Checked, kind: &str) {
    assert_eq!(c.validity, Validity::Invalid, "{}", c.results);
    assert!(
        error_types(c).iter().any(|t| t == kind),
        "expected {kind} in {}",
        c.results
    );
    assert!(c.results["bad-error-types"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == kind));
}

#[test]
fn a_clean_history_is_valid() {
    let info = json!([["send", "b", 9]]);
    let h = Kafka::new()
        .send(0, "a", 1, 10)
        .send(0, "a", 2, 1_000_000_000_000)
        .send(1, "b", 1, 5)
        .0
        .invoke(1, "send", info.clone())
        .info(1, "send", info)
        .error(json!(["net-timeout", "timed out"]))
        .invoke(4, "crash", json!(null))
        .info(4, "crash", json!(null));
    let h = Kafka(h)
        .assign(2, json!(["a", "b"]))
        .poll(2, json!({"a": [[10, 1]], "b": [[5, 1]]}))
        .poll(2, json!({"a": [[1_000_000_000_000i64, 2]]}))
        .build();
    let c = check(&h);
    assert_eq!(c.validity, Validity::Valid, "{}", c.results);
    assert_eq!(c.results["error-types"], json!([]));
    assert_eq!(
        c.results["info-txn-causes"],
        json!([["net-timeout", "timed out"]])
    );
    assert!(c.results["worst-realtime-lag"]["lag"].is_number());
}

#[test]
fn an_acknowledged_send_below_the_read_frontier_is_lost() {
    let h = Kafka::new()
        .send(0, "a", 1, 0)
        .send(0, "a", 2, 1)
        .send(0, "a", 3, 2)
        .poll(1, json!({"a": [[0, 1]]}))
        .poll(2, json!({"a": [[2, 3]]}))
        .build();
    let c = check(&h);
    assert_bad(&c, "lost-write");
    let err = &c.results["lost-write"]["errs"][0];
    assert_eq!(
        (
            err["value"].clone(),
            err["index"].clone(),
            err["max-read-index"].clone()
        ),
        (json!(2), json!(1), json!(2))
    );
    assert_eq!(err["writer"]["value"], json!([["send", "a", [1, 2]]]));
}

#[test]
fn an_acknowledged_send_nobody_polled_is_unseen() {
    let h = Kafka::new()
        .send(0, "a", 1, 0)
        .send(0, "b", 7, 0)
        .poll(1, json!({"b": [[0, 7]]}))
        .build();
    let c = check(&h);
    assert_bad(&c, "unseen");
    assert_eq!(c.results["unseen"]["unseen"], json!({"a": 1}));
    assert_eq!(c.results["unseen"]["messages"], json!({"a": [1]}));
    assert_eq!(
        error_types(&c),
        vec!["unseen"],
        "no lost-write without a committed read of a"
    );
}

#[test]
fn one_message_at_two_offsets_is_a_duplicate() {
    let h = Kafka::new()
        .send(0, "a", 1, 0)
        .poll(1, json!({"a": [[0, 1], [1, 1]]}))
        .build();
    let c = check(&h);
    assert_bad(&c, "duplicate");
    assert_eq!(
        c.results["duplicate"]["errs"][0],
        json!({"key": "a", "value": 1, "count": 2, "offsets": [0, 1]})
    );
}

#[test]
fn two_messages_at_one_offset_are_inconsistent() {
    let h = Kafka::new()
        .send(0, "a", 1, 0)
        .send(1, "a", 2, 0)
        .poll(2, json!({"a": [[0, 1]]}))
        .poll(3, json!({"a": [[0, 2]]}))
        .build();
    let c = check(&h);
    assert_bad(&c, "inconsistent-offsets");
    assert_eq!(
        c.results["inconsistent-offsets"]["errs"][0],
        json!({"key": "a", "offset": 0, "index": 0, "values": [1, 2]})
    );
}

#[test]
fn reading_a_failed_send_is_g1a() {
    let h = Kafka::new()
        .send(0, "a", 1, 0)
        .send_failed(0, "a", 2)
        .poll(1, json!({"a": [[0, 1], [1, 2]]}))
        .build();
    let c = check(&h);
    assert_bad(&c, "G1a");
    assert_eq!(c.results["G1a"]["errs"][0]["writer"]["type"], "fail");
}

#[test]
fn skipping_known_messages_between_polls_is_poll_skip() {
    let h = Kafka::new()
        .send(0, "a", 1, 0)
        .send(0, "a", 2, 1)
        .send(0, "a", 3, 2)
        .assign(1, json!(["a"]))
        .poll(1, json!({"a": [[0, 1]]}))
        .poll(1, json!({"a": [[2, 3]]}))
        .poll(2, json!({"a": [[0, 1], [1, 2], [2, 3]]}))
        .build();
    let c = check(&h);
    assert_bad(&c, "poll-skip");
    assert_eq!(error_types(&c), vec!["poll-skip"]);
    let err = &c.results["poll-skip"]["errs"][0];
    assert_eq!(
        (err["delta"].clone(), err["skipped"].clone()),
        (json!(2), json!([2]))
    );
    // After a reassignment that drops the key, the next poll of it starts afresh.
    let h = Kafka::new()
        .send(0, "a", 1, 0)
        .send(0, "a", 2, 1)
        .send(0, "a", 3, 2)
        .poll(1, json!({"a": [[0, 1]]}))
        .assign(1, json!(["b"]))
        .assign(1, json!(["a"]))
        .poll(1, json!({"a": [[2, 3]]}))
        .poll(2, json!({"a": [[0, 1], [1, 2], [2, 3]]}))
        .build();
    assert_eq!(check(&h).validity, Validity::Valid);
}

#[test]
fn polling_backwards_is_nonmonotonic() {
    let h = Kafka::new()
        .send(0, "a", 1, 0)
        .send(0, "a", 2, 1)
        .poll(1, json!({"a": [[0, 1], [1, 2]]}))
        .poll(1, json!({"a": [[1, 2]]}))
        .build();
    let c = check(&h);
    assert_bad(&c, "nonmonotonic-poll");
    assert_eq!(c.results["nonmonotonic-poll"]["errs"][0]["delta"], 0);
}

#[test]
fn gaps_and_reversals_inside_one_poll() {
    let base = || {
        Kafka::new()
            .send(0, "a", 1, 0)
            .send(0, "a", 2, 1)
            .send(0, "a", 3, 2)
            .poll(2, json!({"a": [[0, 1], [1, 2], [2, 3]]}))
    };
    let skip = check(&base().poll(1, json!({"a": [[0, 1], [2, 3]]})).build());
    assert_bad(&skip, "int-poll-skip");
    assert_eq!(
        skip.results["int-poll-skip"]["errs"][0]["skipped"],
        json!([2])
    );
    let back = check(&base().poll(1, json!({"a": [[1, 2], [0, 1]]})).build());
    assert_bad(&back, "int-nonmonotonic-poll");
}

#[test]
fn later_sends_landing_earlier_are_nonmonotonic() {
    let h = Kafka::new()
        .send(0, "a", 2, 5)
        .send(0, "a", 1, 3)
        .poll(1, json!({"a": [[3, 1], [5, 2]]}))
        .build();
    let c = check(&h);
    assert_bad(&c, "nonmonotonic-send");
    assert_eq!(
        c.results["nonmonotonic-send"]["errs"][0]["values"],
        json!([2, 1])
    );
    let two = json!([["send", "a", [5, 2]], ["send", "a", [3, 1]]]);
    let h = Kafka(HistoryBuilder::new().call(
        0,
        "send",
        json!([["send", "a", 2], ["send", "a", 1]]),
        two,
    ))
    .poll(1, json!({"a": [[3, 1], [5, 2]]}))
    .build();
    assert_bad(&check(&h), "int-nonmonotonic-send");
}

#[test]
fn gaps_between_sends_of_one_op_are_allowed() {
    let both = json!([["send", "a", [0, 1]], ["send", "a", [2, 3]]]);
    let h = Kafka::new().send(1, "a", 2, 1).0.call(
        0,
        "send",
        json!([["send", "a", 1], ["send", "a", 3]]),
        both,
    );
    let h = Kafka(h)
        .poll(2, json!({"a": [[0, 1], [1, 2], [2, 3]]}))
        .build();
    let c = check(&h);
    assert_eq!(c.validity, Validity::Valid, "{}", c.results);
    assert_eq!(error_types(&c), vec!["int-send-skip"]);
    assert_eq!(c.results["bad-error-types"], json!([]));
}

#[test]
fn reading_ones_own_send_is_precommitted() {
    let mixed = json!([["send", "a", [0, 1]], ["poll", {"a": [[0, 1]]}]]);
    let h = Kafka(HistoryBuilder::new().call(0, "txn", json!([["send", "a", 1], ["poll"]]), mixed))
        .poll(1, json!({"a": [[0, 1]]}))
        .build();
    assert_bad(&check(&h), "precommitted-read");
}

#[test]
fn polling_a_message_before_its_send_began_is_g1c_realtime() {
    let h = Kafka::new()
        .poll(1, json!({"a": [[0, 1]]}))
        .send(0, "a", 1, 0)
        .build();
    let c = check(&h);
    assert_bad(&c, "G1c-realtime");
    let steps = &c.results["G1c-realtime"]["errs"][0]["steps"];
    assert_eq!(
        steps,
        &json!([{"type": "wr", "key": "a", "value": 1}, {"type": "realtime"}])
    );
}

#[test]
fn a_message_nobody_sent_makes_the_result_unknown() {
    let h = Kafka::new()
        .send(0, "a", 1, 0)
        .poll(1, json!({"a": [[0, 1], [1, 99]]}))
        .build();
    let c = check(&h);
    assert_eq!(c.validity, Validity::Unknown);
    assert!(
        c.results["error"].as_str().unwrap().contains("never sent"),
        "{}",
        c.results
    );
    let bad = HistoryBuilder::new()
        .ok(0, "poll", json!([["poll", [1, 2]]]))
        .build();
    assert_eq!(check(&bad).validity, Validity::Unknown);
}

#[test]
fn realtime_lag_measures_stale_polls() {
    // Offset 0 stops being the tail when offset 1's send completes (at 3 ms); the poll
    // invoked at 4 ms that only reaches offset 0 lags 1 ms.
    let h = Kafka::new()
        .send(0, "a", 1, 0)
        .send(0, "a", 2, 1)
        .poll(1, json!({"a": [[0, 1]]}))
        .poll(1, json!({"a": [[1, 2]]}))
        .build();
    let c = check(&h);
    assert_eq!(c.validity, Validity::Valid, "{}", c.results);
    let lag = &c.results["worst-realtime-lag"];
    assert_eq!(lag["key"], "a");
    assert!((lag["lag"].as_f64().unwrap() - 0.001).abs() < 1e-9, "{lag}");
}

#[test]
fn a_long_synthetic_history_is_valid_and_quick() {
    let h = super::synthetic::kafka_history(20, 1000, 10, 3);
    let started = std::time::Instant::now();
    let c = check(&h);
    let elapsed = started.elapsed();
    assert_eq!(c.validity, Validity::Valid, "{}", c.results);
    let keys: std::collections::BTreeSet<&str> = h
        .iter()
        .filter(|op| op.f == "send")
        .filter_map(|op| op.value[0][1].as_str())
        .collect();
    eprintln!(
        "kafka: {} records, {} keys, checked in {elapsed:?}; lag {}",
        h.len(),
        keys.len(),
        c.results["worst-realtime-lag"]
    );
    // The same history with one message dropped from the middle of the last poll is caught.
    let mut broken = h.clone();
    let last = broken.last_mut().unwrap();
    let polled = last.value[0][1].as_object_mut().unwrap();
    let list = polled
        .values_mut()
        .find(|l| l.as_array().unwrap().len() > 2)
        .unwrap()
        .as_array_mut()
        .unwrap();
    list.remove(1);
    let c = check(&broken);
    assert_bad(&c, "int-poll-skip");
}
