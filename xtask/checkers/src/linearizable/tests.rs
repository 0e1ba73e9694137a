//! The lin-kv checker on hand-written histories: valid concurrent ones, one per way of being
//! invalid, indeterminate and failed operations, several keys, and budgets that run out.

use serde_json::{json, Value};

use super::synthetic::{hard_history, lin_kv_history};
use super::{check, check_on_threads, check_with, Budget};
use crate::history::History;
use crate::testing::HistoryBuilder;
use crate::validity::Validity;

/// Shorthands for lin-kv records on key `k`.
trait LinKv: Sized {
    fn write(self, p: u64, k: Value, v: Value) -> Self;
    fn cas(self, p: u64, k: Value, from: Value, to: Value) -> Self;
    fn read(self, p: u64, k: Value, v: Value) -> Self;
}

impl LinKv for HistoryBuilder {
    fn write(self, p: u64, k: Value, v: Value) -> Self {
        self.invoke(p, "write", json!([k, v]))
            .ok(p, "write", json!([k, v]))
    }

    fn cas(self, p: u64, k: Value, from: Value, to: Value) -> Self {
        self.invoke(p, "cas", json!([k, [from, to]]))
            .ok(p, "cas", json!([k, [from, to]]))
    }

    fn read(self, p: u64, k: Value, v: Value) -> Self {
        self.invoke(p, "read", json!([k, null]))
            .ok(p, "read", json!([k, v]))
    }
}

fn verdict(h: &History) -> Validity {
    check(h).validity
}

/// The `linearizable` map of key `k`.
fn key_result(h: &History, k: &str) -> Value {
    check(h).results["results"][k]["linearizable"].clone()
}

#[test]
fn an_empty_history_is_valid() {
    let c = check(&[]);
    assert_eq!(
        c.results,
        json!({"valid?": true, "results": {}, "failures": []})
    );
}

#[test]
fn a_sequential_history_is_valid_and_shaped_like_maelstrom() {
    let h = HistoryBuilder::new()
        .write(0, json!(1), json!(1))
        .read(1, json!(1), json!(1))
        .cas(0, json!(1), json!(1), json!(2))
        .read(1, json!(1), json!(2))
        .build();
    let c = check(&h);
    assert_eq!(c.validity, Validity::Valid);
    assert_eq!(c.results["failures"], json!([]));
    let one = &c.results["results"]["1"];
    assert_eq!(one["valid?"], json!(true));
    assert_eq!(one["linearizable"]["valid?"], json!(true));
    assert_eq!(one["linearizable"]["analyzer"], json!("wgl"));
}

#[test]
fn concurrent_operations_may_take_effect_in_any_order_inside_their_intervals() {
    // Both writes overlap; the read after them sees 1, so 2 must have gone first: the
    // search has to back out of trying them in invocation order.
    let h = HistoryBuilder::new()
        .invoke(0, "write", json!([0, 1]))
        .invoke(1, "write", json!([0, 2]))
        .ok(0, "write", json!([0, 1]))
        .ok(1, "write", json!([0, 2]))
        .read(2, json!(0), json!(1))
        .build();
    assert_eq!(verdict(&h), Validity::Valid);
    // A read overlapping a write may see either value, and a later one the new one.
    let h = HistoryBuilder::new()
        .write(0, json!(0), json!(3))
        .invoke(0, "write", json!([0, 4]))
        .read(1, json!(0), json!(3))
        .read(2, json!(0), json!(4))
        .read(1, json!(0), json!(4))
        .ok(0, "write", json!([0, 4]))
        .build();
    assert_eq!(verdict(&h), Validity::Valid);
}

#[test]
fn a_stale_read_is_invalid_and_explained() {
    // p1 saw 2 while the write of 2 was in flight; p2's later read of 1 goes back in time.
    let h = HistoryBuilder::new()
        .write(0, json!(0), json!(1))
        .invoke(0, "write", json!([0, 2]))
        .read(1, json!(0), json!(2))
        .read(2, json!(0), json!(1))
        .ok(0, "write", json!([0, 2]))
        .build();
    let c = check(&h);
    assert_eq!(c.validity, Validity::Invalid);
    assert_eq!(c.results["failures"], json!([0]));
    let lin = &c.results["results"]["0"]["linearizable"];
    assert_eq!(lin["valid?"], json!(false));
    assert_eq!(lin["op"]["process"], json!(2));
    assert_eq!(lin["op"]["type"], json!("ok"));
    assert_eq!(lin["op"]["value"], json!(1), "the value without its key");
    assert_eq!(lin["op"]["index"], json!(6));
    assert_eq!(lin["previous-ok"]["process"], json!(1));
    let explanation = lin["explanation"].as_str().unwrap();
    assert!(
        explanation.starts_with("process 2's read of key 0")
            && explanation.ends_with("returned 1, but the register could only hold 2 then"),
        "{explanation}"
    );
    let paths = lin["final-paths"].as_array().unwrap();
    assert!(!paths.is_empty() && paths.len() <= 10);
    let last = paths[0].as_array().unwrap().last().unwrap();
    assert_eq!(last["op"]["process"], json!(2));
    assert_eq!(last["model"]["msg"], json!("can't read 1 from register 2"));
}

#[test]
fn a_lost_write_is_invalid() {
    // The write of 2 completed, yet a read that starts afterwards sees the older 1.
    let h = HistoryBuilder::new()
        .write(0, json!(5), json!(1))
        .write(1, json!(5), json!(2))
        .read(2, json!(5), json!(1))
        .build();
    let lin = key_result(&h, "5");
    assert_eq!(lin["valid?"], json!(false));
    assert_eq!(lin["op"]["f"], json!("read"));
    assert_eq!(lin["previous-ok"]["value"], json!(2));
}

#[test]
fn an_impossible_cas_is_invalid() {
    let h = HistoryBuilder::new()
        .write(0, json!(0), json!(1))
        .cas(1, json!(0), json!(4), json!(0))
        .build();
    let lin = key_result(&h, "0");
    assert_eq!(lin["valid?"], json!(false));
    assert_eq!(lin["op"]["f"], json!("cas"));
    let explanation = lin["explanation"].as_str().unwrap();
    assert!(
        explanation.contains("cas of key 0 from 4 to 0")
            && explanation.ends_with("the register could only hold 1 then"),
        "{explanation}"
    );
    assert_eq!(
        lin["final-paths"][0][0]["model"]["msg"],
        json!("can't CAS 1 from 4 to 0")
    );
}

#[test]
fn indeterminate_writes_may_happen_any_time_after_invocation_or_never() {
    let base = || {
        HistoryBuilder::new()
            .write(0, json!(0), json!(0))
            .invoke(1, "write", json!([0, 1]))
            .invoke(2, "write", json!([0, 2]))
            .invoke(3, "cas", json!([0, [2, 3]]))
            .info(1, "write", json!([0, 1]))
            .invoke(4, "write", json!([0, 9]))
            .info(3, "cas", json!([0, [2, 3]]))
        // Process 2's write never completes.
    };
    // 3 needs the write of 2 then the CAS; 1 comes afterwards; the write of 9 never happens.
    let h = base()
        .read(5, json!(0), json!(3))
        .read(5, json!(0), json!(1))
        .read(6, json!(0), json!(1))
        .build();
    assert_eq!(verdict(&h), Validity::Valid);
    // Each indeterminate write happens at most once: after the CAS used 2, it is gone.
    let h = base()
        .read(5, json!(0), json!(3))
        .read(5, json!(0), json!(2))
        .build();
    assert_eq!(verdict(&h), Validity::Invalid);
    // And not before its invocation: a read of 7 before the write of 7 was sent.
    let h = HistoryBuilder::new()
        .read(0, json!(0), json!(7))
        .invoke(1, "write", json!([0, 7]))
        .info(1, "write", json!([0, 7]))
        .build();
    assert_eq!(verdict(&h), Validity::Invalid);
}

#[test]
fn a_nil_read_is_always_legal() {
    let h = HistoryBuilder::new()
        .write(0, json!(0), json!(1))
        .write(0, json!(0), json!(2))
        .read(1, json!(0), json!(null))
        .build();
    assert_eq!(verdict(&h), Validity::Valid);
    // A read of a value is held to it.
    let h = HistoryBuilder::new()
        .write(0, json!(0), json!(1))
        .write(0, json!(0), json!(2))
        .read(1, json!(0), json!(1))
        .build();
    assert_eq!(verdict(&h), Validity::Invalid);
}

#[test]
fn failed_operations_are_ignored() {
    let h = HistoryBuilder::new()
        .write(0, json!(0), json!(1))
        .invoke(1, "write", json!([0, 2]))
        .fail(1, "write", json!([0, 2]))
        .invoke(1, "cas", json!([0, [1, 3]]))
        .fail(1, "cas", json!([0, [1, 3]]))
        .invoke(1, "read", json!([0, null]))
        .fail(1, "read", json!([0, null]))
        .read(2, json!(0), json!(1))
        .build();
    assert_eq!(verdict(&h), Validity::Valid);
    // Had the CAS been ok, the read of 1 would be stale.
    let mut ok = h.clone();
    ok[5].kind = crate::history::OpType::Ok;
    assert_eq!(verdict(&ok), Validity::Invalid);
}

#[test]
fn only_the_bad_key_is_named_in_failures() {
    let h = HistoryBuilder::new()
        .write(0, json!(1), json!(1))
        .write(1, json!(2), json!(1))
        .write(2, json!("x"), json!(4))
        .write(1, json!(2), json!(2))
        .read(0, json!(1), json!(1))
        .read(3, json!(2), json!(1))
        .read(2, json!("x"), json!(4))
        .build();
    let c = check(&h);
    assert_eq!(c.validity, Validity::Invalid);
    assert_eq!(c.results["failures"], json!([2]));
    let results = c.results["results"].as_object().unwrap();
    assert_eq!(
        results.keys().collect::<Vec<_>>(),
        ["1", "2", "x"],
        "keys printed as Maelstrom prints them"
    );
    assert_eq!(results["1"]["valid?"], json!(true));
    assert_eq!(results["x"]["valid?"], json!(true));
    assert_eq!(results["2"]["valid?"], json!(false));
    // The verdict is the same on one thread as on several.
    assert_eq!(check_on_threads(&h, &Budget::default(), 1), c);
    assert_eq!(check_on_threads(&h, &Budget::default(), 3), c);
}

#[test]
fn a_search_past_its_budget_is_unknown_with_a_cause() {
    let h = hard_history(20, 200, 1);
    let tight = |budget: Budget, needle: &str| {
        let c = check_with(&h, &budget);
        assert_eq!(c.validity, Validity::Unknown, "{needle}");
        assert_eq!(c.results["failures"], json!([0]));
        let cause = c.results["results"]["0"]["linearizable"]["cause"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(cause.contains(needle), "{cause}");
    };
    let roomy = Budget::default();
    tight(
        Budget {
            max_configs: 10_000,
            ..roomy
        },
        "10000 configurations",
    );
    tight(
        Budget {
            max_steps: 10_000,
            ..roomy
        },
        "10000 steps",
    );
    tight(
        Budget {
            max_memo_bytes: 1 << 20,
            ..roomy
        },
        "1048576 bytes",
    );
    // With few enough indeterminate operations the same shape is decided: invalid.
    assert_eq!(verdict(&hard_history(3, 50, 1)), Validity::Invalid);
}

#[test]
fn the_worst_key_decides_the_verdict() {
    let mut h = hard_history(20, 200, 1);
    let offset = h.len();
    // Processes of their own: the hard history's stay outstanding.
    let bad = HistoryBuilder::new()
        .write(100, json!(1), json!(1))
        .read(101, json!(1), json!(2))
        .build();
    h.extend(bad.into_iter().map(|mut op| {
        op.index += offset;
        op
    }));
    let budget = Budget {
        max_configs: 10_000,
        ..Budget::default()
    };
    let c = check_with(&h, &budget);
    assert_eq!(c.validity, Validity::Invalid);
    assert_eq!(c.results["failures"], json!([0, 1]));
    assert_eq!(c.results["results"]["0"]["valid?"], json!("unknown"));
}

#[test]
fn a_history_jepsen_would_throw_on_is_unknown() {
    let h = HistoryBuilder::new()
        .invoke(0, "write", json!(1))
        .ok(0, "write", json!(1))
        .build();
    let c = check(&h);
    assert_eq!(c.validity, Validity::Unknown);
    assert!(c.results["error"]
        .as_str()
        .unwrap()
        .contains("[key, value]"));
}

#[test]
fn a_generated_maelstrom_run_is_valid_over_many_keys() {
    let h = lin_kv_history(10, 1000, 5, 10, 7);
    assert_eq!(
        h.iter()
            .filter(|op| op.kind == crate::history::OpType::Invoke)
            .count(),
        10_000
    );
    let c = check(&h);
    assert_eq!(c.validity, Validity::Valid, "{}", c.results["failures"]);
    let keys = c.results["results"].as_object().unwrap().len();
    assert!(keys >= 2, "only {keys} key(s)");
}

#[test]
fn a_corrupted_read_in_a_generated_run_is_found_and_named() {
    let mut h = lin_kv_history(5, 1000, 5, 10, 3);
    // The last ok read of the first key returns 7, a value nobody writes: the search has to
    // rule out every placement of the key's 2,000-odd earlier ops and indeterminate ones.
    let read = h
        .iter()
        .rposition(|op| {
            op.kind == crate::history::OpType::Ok && op.f == "read" && op.value[0] == json!(0)
        })
        .unwrap();
    h[read].value = json!([0, 7]);
    let c = check(&h);
    // The shape that needs the search's own prunings to be decided within the budget.
    let infos = h
        .iter()
        .filter(|op| op.kind == crate::history::OpType::Info && op.value[0] == json!(0))
        .count();
    assert!(infos >= 10, "only {infos} indeterminate ops on key 0");
    assert_eq!(c.validity, Validity::Invalid);
    assert_eq!(c.results["failures"], json!([0]));
    let lin = &c.results["results"]["0"]["linearizable"];
    assert_eq!(lin["op"]["index"], json!(read));
    assert!(lin["explanation"]
        .as_str()
        .unwrap()
        .contains("returned 7, but the register could only hold"));
}
