//! Hand-written list-append histories: one valid, one per anomaly; and a generated one,
//! valid, then made stale.

use serde_json::json;

use super::check;
use crate::history::OpType;
use crate::txn::test_support::{types, Txns, RC, RU, SER, SS};
use crate::validity::Validity;

#[test]
fn a_serial_history_is_valid() {
    let h = Txns::new()
        .ok(0, json!([["append", 1, 1], ["r", 2, null]]))
        .ok(
            1,
            json!([["r", 1, [1]], ["append", 1, 2], ["append", 2, 1]]),
        )
        .ok(
            0,
            json!([
                ["r", 1, [1, 2]],
                ["r", 2, [1]],
                ["append", 2, 2],
                ["r", 2, [1, 2]]
            ]),
        )
        .t(2, OpType::Info, json!([["append", 3, 1]]))
        .build();
    for models in [&RU[..], &RC, &SER, &SS] {
        let c = check(&h, models);
        assert_eq!(c.validity, Validity::Valid, "{models:?}: {}", c.results);
    }
}

#[test]
fn write_cycle_is_g0() {
    let h = Txns::new()
        .both(
            json!([["append", 1, 1], ["append", 2, 2]]),
            json!([["append", 1, 2], ["append", 2, 1]]),
        )
        .ok(2, json!([["r", 1, [1, 2]], ["r", 2, [1, 2]]]))
        .build();
    let c = check(&h, &RU);
    assert_eq!(c.validity, Validity::Invalid);
    assert_eq!(types(&c.results), vec!["G0"]);
    let steps = c.results["anomalies"]["G0"][0]["steps"]
        .as_array()
        .unwrap()
        .clone();
    assert!(steps.iter().all(|s| s["type"] == "ww"));
}

#[test]
fn circular_information_flow_is_g1c() {
    let h = Txns::new()
        .both(
            json!([["append", 1, 1], ["r", 2, [1]]]),
            json!([["append", 2, 1], ["r", 1, [1]]]),
        )
        .build();
    let c = check(&h, &RC);
    assert_eq!(types(&c.results), vec!["G1c"]);
    assert_eq!(check(&h, &RU).validity, Validity::Valid);
}

#[test]
fn read_skew_is_g_single() {
    let h = Txns::new()
        .both(
            json!([["r", 1, null], ["r", 2, [1]]]),
            json!([["append", 1, 1], ["append", 2, 1]]),
        )
        .ok(2, json!([["r", 1, [1]]]))
        .build();
    let c = check(&h, &SER);
    assert_eq!(types(&c.results), vec!["G-single-item"]);
    assert_eq!(check(&h, &RC).validity, Validity::Valid);
}

#[test]
fn reads_that_disagree_on_order_are_incompatible() {
    let h = Txns::new()
        .ok(0, json!([["append", 1, 1]]))
        .ok(1, json!([["append", 1, 2]]))
        .ok(0, json!([["r", 1, [1, 2]]]))
        .ok(1, json!([["r", 1, [2, 1]]]))
        .build();
    let c = check(&h, &RC);
    assert_eq!(c.validity, Validity::Invalid);
    assert!(
        types(&c.results).contains(&"incompatible-order".to_owned()),
        "{}",
        c.results
    );
    assert_eq!(
        c.results["anomalies"]["incompatible-order"][0]["values"],
        json!([[1, 2], [2, 1]])
    );
}

#[test]
fn a_repeated_element_is_duplicate_elements() {
    let h = Txns::new()
        .ok(0, json!([["append", 1, 1]]))
        .ok(1, json!([["r", 1, [1, 1]]]))
        .build();
    let c = check(&h, &RU);
    assert_eq!(types(&c.results), vec!["duplicate-elements"]);
    assert_eq!(
        c.results["anomalies"]["duplicate-elements"][0]["duplicates"],
        json!({"1": 2})
    );
}

#[test]
fn reading_past_ones_own_append_wrongly_is_internal() {
    let h = Txns::new()
        .ok(0, json!([["append", 1, 5]]))
        .ok(
            1,
            json!([["r", 1, [5]], ["append", 1, 6], ["r", 1, [5, 7]]]),
        )
        .build();
    let c = check(&h, &SER);
    assert!(
        types(&c.results).contains(&"internal".to_owned()),
        "{}",
        c.results
    );
    assert_eq!(
        c.results["anomalies"]["internal"][0]["expected"],
        json!([5, 6])
    );
    let blind = Txns::new()
        .ok(0, json!([["append", 1, 1]]))
        .ok(1, json!([["r", 1, [1]], ["append", 2, 6], ["r", 2, [7]]]))
        .build();
    let c = check(&blind, &SER);
    assert_eq!(
        c.results["anomalies"]["internal"][0]["expected"],
        json!(["...", 6])
    );
}

#[test]
fn aborted_and_intermediate_reads() {
    let h = Txns::new()
        .t(0, OpType::Fail, json!([["append", 1, 1]]))
        .ok(1, json!([["append", 2, 1], ["append", 2, 2]]))
        .ok(2, json!([["r", 1, [1]], ["r", 2, [1]]]))
        .build();
    let c = check(&h, &RC);
    let t = types(&c.results);
    assert!(
        t.contains(&"G1a".to_owned()) && t.contains(&"G1b".to_owned()),
        "{}",
        c.results
    );
    assert_eq!(c.results["anomalies"]["G1a"][0]["element"], 1);
}

#[test]
fn an_empty_graph_is_unknown_and_reused_values_are_rejected() {
    let lonely = Txns::new().ok(0, json!([["append", 1, 1]])).build();
    assert_eq!(check(&lonely, &RC).validity, Validity::Unknown);
    let reused = Txns::new()
        .ok(0, json!([["append", 1, 1]]))
        .ok(1, json!([["append", 1, 1]]))
        .build();
    let c = check(&reused, &RC);
    assert_eq!(c.validity, Validity::Unknown);
    assert!(c.results["error"]
        .as_str()
        .unwrap()
        .contains("more than once"));
}

#[test]
fn a_generated_history_is_valid_until_one_read_turns_stale() {
    let h = crate::txn::synthetic::list_append_history(5_000, 6, 3);
    let c = check(&h, &SS);
    assert_eq!(c.validity, Validity::Valid, "{}", c.results);
    // Make the last non-empty read drop its list's last element: it misses an append that
    // a transaction completed before it had made.
    let mut broken = h.clone();
    let (pos, mop) = (0..broken.len())
        .rev()
        .filter(|&i| broken[i].kind == OpType::Ok)
        .find_map(|i| {
            broken[i]
                .value
                .as_array()
                .unwrap()
                .iter()
                .position(|m| m[0] == "r" && m[2].as_array().is_some_and(|l| l.len() >= 2))
                .map(|m| (i, m))
        })
        .unwrap();
    broken[pos].value[mop][2].as_array_mut().unwrap().pop();
    let c = check(&broken, &SS);
    assert_eq!(c.validity, Validity::Invalid, "{}", c.results);
}
