//! The transactional workloads end to end: history shapes the Elle checkers read, and broken
//! nodes caught with the anomaly they commit (G1a, G1b, G0, and for a list-append store that
//! replicates after answering a real-time cycle), each at the weakest model that prohibits it.

use crate::support::{at, jsonl, run};
use serde_json::{json, Value};
use sim::Validity;

/// The workload part's anomaly types.
fn anomaly_types(results: &Value) -> Vec<String> {
    at(results, &["workload", "anomaly-types"])
        .as_array()
        .map(|types| {
            types
                .iter()
                .map(|t| t.as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_node_that_aborts_after_writing_is_caught_reading_aborted_writes() {
    let ran = run(
        "txn_aborted_read.py",
        "-w txn-rw-register --node-count 1 --time-limit 2 --rate 100 --consistency-models read-committed",
        21,
    );
    let report = ran.report();
    assert_eq!(report.validity, Validity::Invalid, "{:#}", report.results);
    assert_eq!(anomaly_types(&report.results), ["G1a"]);
    let case = &at(&report.results, &["workload", "anomalies", "G1a"])[0];
    assert_eq!(case["writer"]["type"], "fail", "{case}");
    // Error 30 is definite: the aborted transaction is a `fail` that keeps its micro-ops.
    let history = jsonl(report, "history.jsonl");
    let failed = history
        .iter()
        .find(|op| op["type"] == "fail")
        .expect("some transactions abort");
    assert_eq!(failed["f"], "txn");
    assert_eq!(failed["error"][0], "txn-conflict");
    assert!(failed["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m[0] != "r" || m[2].is_null()));
    // Invocations carry null reads; ok completions carry what was read.
    let invoked = &history[0];
    assert_eq!(
        (invoked["type"].clone(), invoked["f"].clone()),
        (json!("invoke"), json!("txn"))
    );
    assert!(history.iter().any(|op| op["type"] == "ok"
        && op["value"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m[0] == "r" && m[2].is_i64())));
}

#[test]
fn a_node_that_installs_first_writes_is_caught_reading_intermediate_writes() {
    let ran = run(
        "txn_intermediate_read.py",
        "-w txn-rw-register --node-count 1 --time-limit 2 --rate 100 --consistency-models read-committed",
        22,
    );
    let report = ran.report();
    assert_eq!(report.validity, Validity::Invalid, "{:#}", report.results);
    assert_eq!(anomaly_types(&report.results), ["G1b"]);
    assert_eq!(
        at(&report.results, &["stats", "ok-count"]),
        at(&report.results, &["stats", "count"]),
        "the node never fails a transaction"
    );
}

#[test]
fn interleaved_transactions_form_a_write_cycle_that_writes_follow_reads_exposes() {
    // Two keys and long transactions make the cross-key pattern common; read-uncommitted
    // reports only what it prohibits, so G0 is the whole verdict.
    let ran = run(
        "txn_write_cycle.py",
        "-w txn-rw-register --node-count 1 --concurrency 2 --time-limit 2 --rate 100 \
         --key-count 2 --max-txn-length 8 --consistency-models read-uncommitted",
        1,
    );
    let report = ran.report();
    assert_eq!(report.validity, Validity::Invalid, "{:#}", report.results);
    assert_eq!(anomaly_types(&report.results), ["G0"]);
    let cycle = &at(&report.results, &["workload", "anomalies", "G0"])[0];
    let steps = cycle["steps"].as_array().unwrap();
    assert!(
        steps.len() >= 2 && steps.iter().all(|s| s["type"] == "ww"),
        "{cycle}"
    );
}

#[test]
fn replies_with_unknown_micro_ops_make_every_transaction_info() {
    let ran = run(
        "txn_renamed_ops.py",
        "-w txn-rw-register --node-count 1 --time-limit 1 --rate 50",
        4,
    );
    let report = ran.report();
    let history = jsonl(report, "history.jsonl");
    let completions: Vec<&Value> = history.iter().filter(|op| op["type"] != "invoke").collect();
    assert!(!completions.is_empty());
    assert!(
        completions.iter().all(|op| op["type"] == "info"),
        "a malformed reply is indeterminate: {:?}",
        completions.iter().find(|op| op["type"] != "info")
    );
    // Nothing completed, so Maelstrom's wrapper finds an empty transaction graph: invalid.
    assert_eq!(report.validity, Validity::Invalid, "{:#}", report.results);
}

#[test]
fn a_serial_list_append_node_is_strict_serializable() {
    let ran = run(
        "txn_list_append.py",
        "-w txn-list-append --node-count 1 --concurrency 2 --time-limit 2 --rate 100",
        23,
    );
    let report = ran.report();
    assert_eq!(report.validity, Validity::Valid, "{:#}", report.results);
    assert_eq!(at(&report.results, &["workload", "valid?"]), &json!(true));
    let history = jsonl(report, "history.jsonl");
    let mops: Vec<&Value> = history
        .iter()
        .filter(|op| op["type"] == "ok")
        .flat_map(|op| op["value"].as_array().unwrap())
        .collect();
    assert!(mops.iter().any(|m| m[0] == "append"));
    assert!(
        mops.iter().any(|m| m[0] == "r" && m[2].is_array()),
        "reads return whole lists"
    );
}

#[test]
fn a_list_append_store_that_replicates_later_is_caught_reading_stale_lists() {
    let ran = run(
        "txn_list_append_lazy.py",
        "-w txn-list-append --node-count 2 --concurrency 4 --time-limit 3 --rate 100 \
         --consistency-models strict-serializable",
        24,
    );
    let report = ran.report();
    assert_eq!(report.validity, Validity::Invalid, "{:#}", report.results);
    let types = anomaly_types(&report.results);
    // Its two faults, each with its own name: a read at one node misses an append whose
    // transaction had already completed at the other (a cycle through a real-time edge),
    // and concurrent appends to one key land in different orders on the two nodes.
    assert!(
        types
            .iter()
            .any(|t| t == "G-single-item-realtime" || t == "G0-realtime"),
        "{types:?}"
    );
    assert!(
        types.contains(&"incompatible-order".to_owned()),
        "{types:?}"
    );
}
