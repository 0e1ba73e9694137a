//! lin-kv end to end: Maelstrom's default workload when `-w` is absent, its history and
//! per-key files, and the verdicts of a node that proxies to the `lin-kv` service (valid)
//! and of one that reads from unsynchronised local replicas (invalid).

use crate::support::{at, jsonl, run};
use serde_json::Value;
use sim::{RunReport, Validity};
use std::collections::BTreeSet;

/// Two nodes and one group of four threads: readers are threads 0 and 1.
const OPTIONS: &str = "--node-count 2 --concurrency 2n --time-limit 3 --rate 60 --latency 2";

/// The keys of the per-key folders.
fn per_key_folders(report: &RunReport) -> BTreeSet<String> {
    std::fs::read_dir(report.store_dir.join("independent"))
        .expect("an independent/ folder")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn without_w_the_run_is_lin_kv_with_keyed_operations_and_per_key_histories() {
    let ran = run("lin_kv_proxy.py", OPTIONS, 31);
    let report = ran.report();
    let history = jsonl(report, "history.jsonl");
    let fs: BTreeSet<&str> = history.iter().map(|op| op["f"].as_str().unwrap()).collect();
    assert_eq!(fs, BTreeSet::from(["cas", "read", "write"]));
    for op in &history {
        let value = op["value"].as_array().expect("values are [key, v] tuples");
        assert_eq!(value.len(), 2, "{op}");
        assert_eq!(
            value[0], 0,
            "one group keeps its key until 17 of its operations are info"
        );
        let thread = op["process"].as_u64().unwrap() % 4;
        assert_eq!(
            op["f"] == "read",
            thread < 2,
            "readers are threads 0 and 1: {op}"
        );
        match (op["f"].as_str().unwrap(), op["type"].as_str().unwrap()) {
            ("read", "invoke") => assert!(value[1].is_null(), "{op}"),
            ("read", "ok") | ("write", _) => assert!(value[1].as_u64().unwrap() < 5, "{op}"),
            ("cas", _) => assert_eq!(value[1].as_array().unwrap().len(), 2, "{op}"),
            _ => {}
        }
    }
    // Reads of a key nobody wrote yet and CASes whose `from` did not match fail definitely.
    let failed: BTreeSet<&str> = history
        .iter()
        .filter(|op| op["type"] == "fail")
        .map(|op| op["error"][0].as_str().unwrap())
        .collect();
    assert!(failed.contains("precondition-failed"), "{failed:?}");
    assert!(failed.is_subset(&BTreeSet::from([
        "key-does-not-exist",
        "precondition-failed"
    ])));
    // Requests name the key and the arguments, as Maelstrom's lin-kv client sends them.
    let messages = jsonl(report, "messages.jsonl");
    let cas = messages
        .iter()
        .find(|m| m["body"]["type"] == "cas" && m["src"].as_str().unwrap().starts_with('c'))
        .expect("a client cas");
    assert_eq!(cas["body"]["key"], 0);
    assert!(cas["body"]["from"].is_u64() && cas["body"]["to"].is_u64());
    // The key's own history, values unwrapped.
    assert_eq!(per_key_folders(report), BTreeSet::from(["0".to_string()]));
    let key_history = jsonl(report, "independent/0/history.jsonl");
    assert_eq!(key_history.len(), history.len());
    let first_write = key_history
        .iter()
        .find(|op| op["f"] == "write")
        .expect("a write");
    assert!(first_write["value"].is_u64(), "{first_write}");
}

#[test]
fn a_node_that_proxies_to_the_lin_kv_service_is_linearizable() {
    let ran = run("lin_kv_proxy.py", OPTIONS, 32);
    let report = ran.report();
    assert_eq!(
        report.validity,
        Validity::Valid,
        "{:#}",
        report.results["workload"]
    );
    let workload = &report.results["workload"];
    assert_eq!(
        at(workload, &["results", "0", "valid?"]),
        &Value::Bool(true)
    );
    assert_eq!(workload["failures"], serde_json::json!([]));
    let key_results: Value = serde_json::from_str(
        &std::fs::read_to_string(report.store_dir.join("independent/0/results.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(key_results, workload["results"]["0"]);
}

#[test]
fn a_node_serving_reads_from_unsynchronised_local_replicas_is_not_linearizable() {
    let ran = run("lin_kv_local_reads.py", &format!("-w lin-kv {OPTIONS}"), 33);
    let report = ran.report();
    assert_eq!(
        report.validity,
        Validity::Invalid,
        "{:#}",
        report.results["workload"]
    );
    let workload = &report.results["workload"];
    assert_eq!(workload["valid?"], Value::Bool(false));
    assert_eq!(workload["failures"], serde_json::json!([0]));
    assert_eq!(
        at(workload, &["results", "0", "valid?"]),
        &Value::Bool(false)
    );
    let key_results: Value = serde_json::from_str(
        &std::fs::read_to_string(report.store_dir.join("independent/0/results.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(key_results["valid?"], Value::Bool(false));
}
