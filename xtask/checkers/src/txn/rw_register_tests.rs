//! Hand-written rw-register histories: one valid, one per anomaly, and the model and
//! wrapper rules that decide which of them fail.

use serde_json::json;

use super::check;
use crate::history::OpType;
use crate::testing::HistoryBuilder;
use crate::txn::models::ConsistencyModel;
use crate::txn::test_support::{types, Txns, RC, RU, SER, SS};
use crate::validity::Validity;

#[test]
fn a_serial_history_is_valid_under_every_model() {
    let h = Txns::new()
        .ok(0, json!([["w", 1, 1], ["r", 2, null]]))
        .ok(1, json!([["r", 1, 1], ["w", 1, 2]]))
        .ok(0, json!([["r", 1, 2], ["w", 2, 1]]))
        .ok(1, json!([["r", 2, 1], ["r", 1, 2]]))
        .build();
    for models in [&RU[..], &RC, &SER, &SS] {
        let c = check(&h, models);
        assert_eq!(c.validity, Validity::Valid, "{models:?}: {}", c.results);
        assert_eq!(c.results, json!({"valid?": true}));
    }
}

#[test]
fn aborted_read_is_g1a_which_read_uncommitted_allows() {
    let h = Txns::new()
        .ok(0, json!([["w", 2, 1]]))
        .t(1, OpType::Fail, json!([["w", 1, 1]]))
        .ok(2, json!([["r", 1, 1], ["r", 2, 1]]))
        .build();
    let ru = check(&h, &RU);
    assert_eq!(ru.validity, Validity::Valid, "{}", ru.results);
    let rc = check(&h, &RC);
    assert_eq!(rc.validity, Validity::Invalid);
    assert_eq!(types(&rc.results), vec!["G1a"]);
    let case = &rc.results["anomalies"]["G1a"][0];
    assert_eq!(case["mop"], json!(["r", 1, 1]));
    assert_eq!(case["op"]["index"], 5);
    assert_eq!(case["writer"]["type"], "fail");
    assert_eq!(rc.results["not"], json!(["read-committed"]));
}

#[test]
fn intermediate_read_is_g1b() {
    let h = Txns::new()
        .ok(0, json!([["w", 1, 1], ["w", 1, 2], ["w", 2, 1]]))
        .ok(1, json!([["r", 1, 1], ["r", 2, 1]]))
        .build();
    let c = check(&h, &RC);
    assert_eq!(types(&c.results), vec!["G1b"]);
    assert_eq!(
        c.results["anomalies"]["G1b"][0]["writer"]["value"],
        json!([["w", 1, 1], ["w", 1, 2], ["w", 2, 1]])
    );
}

#[test]
fn reading_something_else_than_ones_own_write_is_internal() {
    let h = Txns::new()
        .ok(0, json!([["w", 2, 1]]))
        .ok(1, json!([["r", 2, 1], ["w", 1, 1], ["r", 1, 5]]))
        .build();
    let c = check(&h, &SER);
    assert_eq!(types(&c.results), vec!["internal"]);
    assert_eq!(c.results["anomalies"]["internal"][0]["expected"], json!(1));
    assert_eq!(
        check(&h, &RC).validity,
        Validity::Valid,
        "read-committed allows internal"
    );
}

#[test]
fn write_cycle_through_writes_follow_reads_is_g0() {
    let t1 = json!([["r", 1, 1], ["w", 1, 2], ["w", 2, 1]]);
    let t2 = json!([["w", 1, 1], ["r", 2, 1], ["w", 2, 2]]);
    let h = Txns::new()
        .begin(0, &t1)
        .begin(1, &t2)
        .end(0, OpType::Ok, &t1)
        .end(1, OpType::Ok, &t2)
        .build();
    let c = check(&h, &RU);
    assert_eq!(c.validity, Validity::Invalid);
    assert_eq!(types(&c.results), vec!["G0"]);
    let cycle = &c.results["anomalies"]["G0"][0];
    assert_eq!(cycle["steps"].as_array().unwrap().len(), 2);
    assert!(cycle["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["type"] == "ww"));
    assert_eq!(c.results["not"], json!(["read-uncommitted"]));
    assert!(
        c.results.get("warnings").is_none(),
        "nothing stricter to add once G0 is found"
    );
}

#[test]
fn circular_information_flow_is_g1c() {
    let t1 = json!([["w", 1, 1], ["r", 2, 1]]);
    let t2 = json!([["w", 2, 1], ["r", 1, 1]]);
    let h = Txns::new()
        .begin(0, &t1)
        .begin(1, &t2)
        .end(0, OpType::Ok, &t1)
        .end(1, OpType::Ok, &t2)
        .build();
    let c = check(&h, &RC);
    assert_eq!(types(&c.results), vec!["G1c"]);
    let steps = &c.results["anomalies"]["G1c"][0]["steps"];
    assert_eq!(steps[0]["type"], "wr");
    assert_eq!(check(&h, &RU).validity, Validity::Valid);
}

#[test]
fn read_skew_is_g_single() {
    let t1 = json!([["r", 1, null], ["r", 2, 1]]);
    let t2 = json!([["w", 1, 1], ["w", 2, 1]]);
    let h = Txns::new()
        .begin(0, &t1)
        .begin(1, &t2)
        .end(1, OpType::Ok, &t2)
        .end(0, OpType::Ok, &t1)
        .build();
    let c = check(&h, &SER);
    assert_eq!(types(&c.results), vec!["G-single-item"]);
    let cycle = &c.results["anomalies"]["G-single-item"][0];
    let kinds: Vec<&str> = cycle["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["rw", "wr"]);
    assert_eq!(
        cycle["steps"][0],
        json!({"type": "rw", "key": 1, "value": null, "value'": 1})
    );
    assert_eq!(
        cycle["cycle"].as_array().unwrap().len(),
        3,
        "the first op is repeated at the end"
    );
    assert_eq!(check(&h, &RC).validity, Validity::Valid);
}

#[test]
fn write_skew_is_g2_item() {
    let t1 = json!([["r", 1, null], ["w", 2, 1]]);
    let t2 = json!([["r", 2, null], ["w", 1, 1]]);
    let h = Txns::new()
        .begin(0, &t1)
        .begin(1, &t2)
        .end(0, OpType::Ok, &t1)
        .end(1, OpType::Ok, &t2)
        .build();
    let c = check(&h, &SER);
    assert_eq!(types(&c.results), vec!["G2-item"]);
    assert_eq!(
        check(&h, &[ConsistencyModel::SNAPSHOT_ISOLATION]).validity,
        Validity::Valid,
        "SI allows write skew"
    );
}

#[test]
fn a_stale_read_after_a_completed_write_is_a_realtime_anomaly() {
    let h = Txns::new()
        .ok(0, json!([["w", 1, 1]]))
        .ok(1, json!([["r", 1, null]]))
        .build();
    let c = check(&h, &SS);
    assert_eq!(types(&c.results), vec!["G-single-item-realtime"]);
    assert_eq!(
        check(&h, &[]).results,
        c.results,
        "no models means strict-serializable"
    );
    assert_eq!(check(&h, &SER).validity, Validity::Valid);
}

#[test]
fn lost_update_is_reported_under_serializable() {
    let h = Txns::new()
        .ok(0, json!([["r", 1, null], ["w", 1, 1]]))
        .ok(1, json!([["r", 1, null], ["w", 1, 2]]))
        .build();
    let c = check(&h, &SER);
    assert!(
        types(&c.results).contains(&"lost-update".to_owned()),
        "{}",
        c.results
    );
    assert_eq!(c.validity, Validity::Invalid);
}

#[test]
fn maelstroms_blind_spot_passes_but_warns() {
    // jepsen-io/maelstrom#56: the write order shows only in reads after writes.
    let t2 = json!([
        ["w", 0, 1],
        ["r", 0, 1],
        ["r", 0, 10],
        ["w", 0, 2],
        ["w", 0, 3],
        ["r", 0, 3]
    ]);
    let t3 = json!([["r", 0, 1], ["w", 0, 10], ["r", 0, 3], ["w", 0, 11]]);
    let h = Txns::new()
        .ok(2, json!([["w", 5, 1]]))
        .begin(0, &t2)
        .begin(1, &t3)
        .end(0, OpType::Ok, &t2)
        .end(1, OpType::Ok, &t3)
        .ok(2, json!([["r", 5, 1]]))
        .build();
    let c = check(&h, &RU);
    assert_eq!(
        c.validity,
        Validity::Valid,
        "Maelstrom's verdict: {}",
        c.results
    );
    let warning = &c.results["warnings"]["G0"];
    assert_eq!(warning["count"], 1);
    let steps = warning["cases"][0]["steps"].as_array().unwrap();
    assert!(steps.iter().all(|s| s["type"] == "ww"), "{warning}");
}

#[test]
fn an_empty_graph_fails_and_a_duplicate_write_is_unknown() {
    let lonely = Txns::new().ok(0, json!([["w", 1, 1]])).build();
    let c = check(&lonely, &RC);
    assert_eq!(c.validity, Validity::Invalid);
    assert_eq!(types(&c.results), vec!["empty-transaction-graph"]);
    let twice = Txns::new()
        .ok(0, json!([["w", 1, 1]]))
        .ok(1, json!([["w", 1, 1]]))
        .ok(2, json!([["r", 1, 1]]))
        .build();
    let c = check(&twice, &RC);
    assert_eq!(c.validity, Validity::Unknown);
    assert!(c.results["error"].as_str().unwrap().contains("unique"));
    let garbage = HistoryBuilder::new()
        .invoke(0, "txn", json!([["x", 1, 1]]))
        .ok(0, "txn", json!([["x", 1, 1]]))
        .build();
    assert_eq!(check(&garbage, &RC).validity, Validity::Unknown);
}

#[test]
fn twenty_thousand_serial_transactions_are_checked_quickly() {
    let h = crate::txn::synthetic::rw_register_history(20_000, 10, 7);
    let started = std::time::Instant::now();
    let c = check(&h, &SS);
    let elapsed = started.elapsed();
    assert_eq!(c.validity, Validity::Valid, "{}", c.results);
    eprintln!("rw-register: {} records checked in {elapsed:?}", h.len());
    // Make one late read return the register's initial state instead: a stale read that
    // some completed write had already overwritten.
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
                .position(|m| m[0] == "r" && !m[2].is_null())
                .map(|m| (i, m))
        })
        .unwrap();
    broken[pos].value[mop][2] = json!(null);
    let c = check(&broken, &SS);
    assert_eq!(
        c.validity,
        Validity::Invalid,
        "{}",
        c.results["anomaly-types"]
    );
    eprintln!(
        "rw-register with one stale read: {}",
        c.results["anomaly-types"]
    );
}

#[test]
fn a_history_full_of_stale_reads_is_judged_in_bounded_work() {
    // Every fifth non-null read returns the initial state: thousands of overlapping cycles
    // in large strongly connected components.
    let mut h = crate::txn::synthetic::rw_register_history(5_000, 10, 11);
    let mut n = 0;
    for op in h.iter_mut().filter(|op| op.kind == OpType::Ok) {
        for m in op.value.as_array_mut().unwrap() {
            if m[0] == "r" && !m[2].is_null() {
                n += 1;
                if n % 5 == 0 {
                    m[2] = json!(null);
                }
            }
        }
    }
    let started = std::time::Instant::now();
    let c = check(&h, &SS);
    eprintln!(
        "rw-register, {} stale reads: {:?} in {:?}",
        n / 5,
        c.results["anomaly-counts"],
        started.elapsed()
    );
    assert_eq!(c.validity, Validity::Invalid);
    // One giant component: its G-single-item cycle implies the -process/-realtime variants.
    assert!(
        types(&c.results).contains(&"G-single-item".to_owned()),
        "{}",
        c.results["anomaly-types"]
    );
}
