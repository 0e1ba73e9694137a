//! Hand-written histories for set-full: one valid history and one per outcome or anomaly.
//! Times are in milliseconds (`at_ms`); latencies come out in whole milliseconds.

use super::*;
use crate::history::History;
use crate::testing::HistoryBuilder;
use serde_json::json;

/// Element 0 is known at 1 ms, missed by a read invoked at 2 ms, then seen: stable with a
/// 1 ms latency (2 ms + 1 ns - 1 ms). Element 1 is seen by the first read after its add:
/// stable with latency 0.
fn two_stable_elements() -> History {
    HistoryBuilder::new()
        .at_ms(0)
        .invoke(0, "broadcast", json!(0))
        .ok(0, "broadcast", json!(0))
        .invoke(1, "read", json!(null))
        .ok(1, "read", json!([]))
        .at_ms(10)
        .invoke(1, "read", json!(null))
        .at_ms(12)
        .ok(1, "read", json!([0]))
        .at_ms(20)
        .invoke(0, "broadcast", json!(1))
        .ok(0, "broadcast", json!(1))
        .invoke(1, "read", json!(null))
        .final_()
        .ok(1, "read", json!([1, 0]))
        .final_()
        .build()
}

#[test]
fn every_element_stable_is_valid_with_latencies() {
    let h = two_stable_elements();
    let c = check(&h, "broadcast");
    assert_eq!(c.validity, Validity::Valid);
    let r = &c.results;
    assert_eq!(r["valid?"], json!(true));
    assert_eq!(r["attempt-count"], json!(2));
    assert_eq!(r["stable-count"], json!(2));
    assert_eq!(
        (r["lost-count"].clone(), r["lost"].clone()),
        (json!(0), json!([]))
    );
    assert_eq!(
        (r["never-read-count"].clone(), r["never-read"].clone()),
        (json!(0), json!([]))
    );
    assert_eq!(
        (r["stale-count"].clone(), r["stale"].clone()),
        (json!(1), json!([0]))
    );
    // Sorted latencies [0, 1]: index min(1, floor(2q)) gives 0 only for q = 0.
    assert_eq!(
        r["stable-latencies"],
        json!({"0": 0, "0.5": 1, "0.95": 1, "0.99": 1, "1": 1})
    );
    assert!(r.get("lost-latencies").is_none());
    let worst = &r["worst-stale"];
    assert_eq!(worst.as_array().unwrap().len(), 1);
    assert_eq!(worst[0]["element"], json!(0));
    assert_eq!(worst[0]["outcome"], json!("stable"));
    assert_eq!(worst[0]["stable-latency"], json!(1));
    assert_eq!(worst[0]["lost-latency"], json!(null));
    assert_eq!(worst[0]["known"]["index"], json!(1), "the broadcast's ok");
    assert_eq!(
        worst[0]["last-absent"]["index"],
        json!(2),
        "the absent read's invocation"
    );
    assert_eq!(
        (r["duplicated-count"].clone(), r["duplicated"].clone()),
        (json!(0), json!({}))
    );
    assert!(r.get("warnings").is_none());
}

#[test]
fn an_element_missing_after_it_was_seen_is_lost() {
    let h = HistoryBuilder::new()
        .at_ms(0)
        .call(0, "broadcast", json!(5), json!(5)) // known at 1 ms
        .call(1, "read", json!(null), json!([5])) // present, invoked at 2 ms
        .at_ms(10)
        .call(1, "read", json!(null), json!([])) // absent afterwards
        .call(0, "broadcast", json!(6), json!(6))
        .call(1, "read", json!(null), json!([6]))
        .build();
    let c = check(&h, "broadcast");
    assert_eq!(c.validity, Validity::Invalid);
    assert_eq!(c.results["lost-count"], json!(1));
    assert_eq!(c.results["lost"], json!([5]));
    assert_eq!(c.results["stable-count"], json!(1));
    // Lost latency: last present invocation (2 ms) + 1 ns - known (1 ms) → 1 ms.
    assert_eq!(
        c.results["lost-latencies"],
        json!({"0": 1, "0.5": 1, "0.95": 1, "0.99": 1, "1": 1})
    );
}

#[test]
fn unconfirmed_or_unread_elements_are_never_read() {
    let h = HistoryBuilder::new()
        // 1: its add crashed and nobody saw it.
        .invoke(0, "add", json!(1))
        .info(0, "add", json!(1))
        // 3: added and seen by the read below.
        .call(4, "add", json!(3), json!(3))
        // 2: the only read after its add began was concurrent with it and missed it.
        .invoke(2, "add", json!(2))
        .invoke(3, "read", json!(null))
        .ok(2, "add", json!(2))
        .ok(3, "read", json!([3]))
        // 4: added, never read afterwards.
        .call(4, "add", json!(4), json!(4))
        .build();
    let c = check(&h, "add");
    assert_eq!(c.validity, Validity::Valid);
    assert_eq!(c.results["never-read"], json!([1, 2, 4]));
    assert_eq!(c.results["never-read-count"], json!(3));
    assert_eq!(c.results["lost-count"], json!(0));
    assert_eq!(c.results["stable-count"], json!(1));
}

#[test]
fn an_element_first_seen_by_a_read_is_known_from_that_read() {
    // The add never completes, but a read returns the element: known at the read's ok.
    let h = HistoryBuilder::new()
        .at_ms(0)
        .invoke(0, "broadcast", json!(7))
        .at_ms(5)
        .call(1, "read", json!(null), json!([7])) // ok at 6 ms
        .at_ms(30)
        .call(1, "read", json!(null), json!([])) // missed at 30 ms: lost
        .info(0, "broadcast", json!(7))
        .build();
    let c = check(&h, "broadcast");
    assert_eq!(c.validity, Validity::Invalid);
    assert_eq!(c.results["lost"], json!([7]));
    // last present invoked at 5 ms, known at 6 ms: max(0, 5 ms + 1 ns - 6 ms) = 0.
    assert_eq!(c.results["lost-latencies"]["1"], json!(0));
}

#[test]
fn nothing_stable_is_unknown() {
    let no_reads = HistoryBuilder::new()
        .call(0, "broadcast", json!(1), json!(1))
        .build();
    let c = check(&no_reads, "broadcast");
    assert_eq!(c.validity, Validity::Unknown);
    assert_eq!(c.results["valid?"], json!("unknown"));
    assert_eq!(c.results["never-read"], json!([1]));
    assert!(c.results.get("stable-latencies").is_none());
    assert_eq!(check(&[], "broadcast").validity, Validity::Unknown);
}

#[test]
fn duplicates_within_a_read_are_only_warned_about() {
    let h = HistoryBuilder::new()
        .call(0, "broadcast", json!(1), json!(1))
        .call(0, "broadcast", json!(2), json!(2))
        .call(1, "read", json!(null), json!([1, 2, 1]))
        .call(1, "read", json!(null), json!([1, 1, 1, 2]))
        .build();
    let c = check(&h, "broadcast");
    assert_eq!(
        c.validity,
        Validity::Valid,
        "Maelstrom's verdict ignores duplicates"
    );
    assert_eq!(c.results["stable-count"], json!(2));
    assert_eq!(c.results["duplicated-count"], json!(1));
    assert_eq!(
        c.results["duplicated"],
        json!({"1": 3}),
        "the highest multiplicity in one read"
    );
    let warnings = c.results["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .starts_with("duplicates: 1 element(s)"),
        "{warnings:?}"
    );
}

#[test]
fn values_never_added_are_ignored_with_a_warning() {
    let h = HistoryBuilder::new()
        .call(0, "broadcast", json!(1), json!(1))
        .call(1, "read", json!(null), json!([1, 99, 42]))
        .build();
    let c = check(&h, "broadcast");
    assert_eq!(c.validity, Validity::Valid);
    assert_eq!(c.results["attempt-count"], json!(1));
    assert_eq!(c.results["unexpected-count"], json!(2));
    assert_eq!(c.results["unexpected"], json!([42, 99]));
    assert!(c.results["warnings"][0]
        .as_str()
        .unwrap()
        .starts_with("unexpected: 2 value(s)"));
}

#[test]
fn reads_that_fail_or_crash_are_ignored() {
    let h = HistoryBuilder::new()
        .call(0, "broadcast", json!(1), json!(1))
        .invoke(1, "read", json!(null))
        .fail(1, "read", json!(null))
        .invoke(2, "read", json!(null))
        .info(2, "read", json!(null))
        .call(3, "read", json!(null), json!([1]))
        .build();
    let c = check(&h, "broadcast");
    assert_eq!(c.validity, Validity::Valid);
    assert_eq!(c.results["stale-count"], json!(0));
}

#[test]
fn stale_elements_are_ranked_worst_first() {
    // Element e is known at t+1 ms and missed only by a read invoked e ms later, which still
    // sees every earlier element: its stable latency is e ms (element 0 is not stale).
    let mut b = HistoryBuilder::new();
    for e in 0..10u64 {
        let t = 100 * e;
        let earlier: Vec<u64> = (0..e).collect();
        b = b.at_ms(t).call(0, "broadcast", json!(e), json!(e));
        b = b
            .at_ms(t + 1 + e)
            .call(1, "read", json!(null), json!(earlier));
    }
    b = b
        .at_ms(5000)
        .call(1, "read", json!(null), json!((0..10).collect::<Vec<u64>>()));
    let c = check(&b.build(), "broadcast");
    assert_eq!(c.validity, Validity::Valid);
    assert_eq!(c.results["stale"], json!([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    let worst: Vec<u64> = c.results["worst-stale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["stable-latency"].as_u64().unwrap())
        .collect();
    assert_eq!(worst, vec![9, 8, 7, 6, 5, 4, 3, 2]);
    // Ten latencies 0..=9: index floor(10q) capped at 9.
    assert_eq!(
        c.results["stable-latencies"],
        json!({"0": 0, "0.5": 5, "0.95": 9, "0.99": 9, "1": 9})
    );
}

#[test]
fn garbage_reads_and_incomparable_elements_are_unknown() {
    let not_a_list = HistoryBuilder::new()
        .call(0, "broadcast", json!(1), json!(1))
        .call(1, "read", json!(null), json!({"messages": [1]}))
        .build();
    let c = check(&not_a_list, "broadcast");
    assert_eq!(c.validity, Validity::Unknown);
    assert!(c.results["error"].as_str().unwrap().contains("not a list"));

    let mixed = HistoryBuilder::new()
        .call(0, "add", json!(1), json!(1))
        .call(0, "add", json!("1"), json!("1"))
        .call(1, "read", json!(null), json!([1, "1"]))
        .build();
    assert_eq!(check(&mixed, "add").validity, Validity::Unknown);
}

/// Elements found by index (small non-negative integers) and by key (large or negative
/// integers, and a float) are told apart by value, as their JSON text would be: `2.0` is not
/// the element `2`.
#[test]
fn elements_of_every_number_kind_are_matched_by_value() {
    let big = json!(1u64 << 40);
    let h = HistoryBuilder::new()
        .call(0, "broadcast", json!(2), json!(2))
        .call(0, "broadcast", big.clone(), big.clone())
        .call(0, "broadcast", json!(-3), json!(-3))
        .call(1, "read", json!(null), json!([2.0, big, -3, -3]))
        .call(1, "read", json!(null), json!([-3]))
        .build();
    let c = check(&h, "broadcast");
    assert_eq!(c.validity, Validity::Invalid);
    assert_eq!(c.results["stable-count"], json!(1), "-3 only");
    assert_eq!(
        c.results["lost"],
        json!([2, 1u64 << 40]),
        "2 was never read (2.0 is not 2), the big one was seen, then missed"
    );
    assert_eq!(c.results["unexpected"], json!([2.0]));
    assert_eq!(c.results["duplicated"], json!({"-3": 2}));
}
