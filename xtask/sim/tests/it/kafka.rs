//! kafka on the simulator with small Python nodes: a correct single-node log is valid and
//! its history has the shapes the kafka checker reads; a node that hands one offset to two
//! sends is caught as `inconsistent-offsets`; a node that erases acknowledged messages is
//! caught as `lost-write` and `unseen`.

use crate::support::{at, jsonl, run};
use checkers::history::{Op, OpType};
use serde_json::{json, Value};
use sim::Validity;

const OPTIONS: &str = "-w kafka --node-count 1 --concurrency 2n --time-limit 2 --rate 100";

fn error_types(results: &Value) -> Vec<String> {
    at(results, &["workload", "error-types"])
        .as_array()
        .expect("the kafka checker lists its error types")
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_correct_log_is_valid_and_its_history_has_kafka_shapes() {
    let ran = run("kafka.py", OPTIONS, 21);
    let report = ran.report();
    assert_eq!(report.validity, Validity::Valid, "{:#}", report.results);
    let by_f = at(&report.results, &["stats", "by-f"]);
    for f in ["send", "poll", "assign"] {
        assert!(by_f[f]["ok-count"].as_u64() > Some(0), "{f}: {by_f}");
    }
    // Crashes are all `info` and exempt: at least one at the start and one per thread at the
    // start of the final phase.
    assert!(by_f["crash"]["info-count"].as_u64() >= Some(3), "{by_f}");
    assert_eq!(at(&report.results, &["stats", "valid?"]), &json!(true));

    let history: Vec<Op> = jsonl(report, "history.jsonl")
        .into_iter()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect();
    fn ok<'h>(history: &'h [Op], f: &'h str) -> impl Iterator<Item = &'h Op> {
        history
            .iter()
            .filter(move |o| o.kind == OpType::Ok && o.f == f)
    }
    let send = ok(&history, "send").next().expect("an ok send");
    let [mop] = send.value.as_array().unwrap().as_slice() else {
        panic!("{send:?}")
    };
    assert_eq!(mop[0], "send");
    assert!(mop[1].is_string() && mop[2][0].is_u64(), "{send:?}");
    let poll = ok(&history, "poll")
        .find(|o| o.value[0][1] != json!({}))
        .expect("a poll that read");
    assert_eq!(poll.value[0][0], "poll");
    assert!(poll.value[0][1]
        .as_object()
        .unwrap()
        .values()
        .all(|pairs| pairs[0].as_array().unwrap().len() == 2));
    let invoke = |f: &str| {
        history
            .iter()
            .find(|o| o.kind == OpType::Invoke && o.f == f)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(invoke("poll"), json!([["poll"]]));
    assert!(invoke("assign")
        .as_array()
        .unwrap()
        .iter()
        .all(Value::is_string));
    // The final phase: every thread assigns every key with seek-to-beginning.
    let final_assigns = history
        .iter()
        .filter(|o| o.f == "assign" && o.is_final && o.kind == OpType::Ok)
        .count();
    assert_eq!(final_assigns, 2, "one per thread");
}

#[test]
fn a_reused_offset_is_inconsistent() {
    let ran = run("kafka_reuse_offset.py", OPTIONS, 22);
    let report = ran.report();
    assert_eq!(report.validity, Validity::Invalid);
    let types = error_types(&report.results);
    assert!(
        types.contains(&"inconsistent-offsets".to_owned()),
        "{types:?}"
    );
    let example = &at(
        &report.results,
        &["workload", "inconsistent-offsets", "errs"],
    )[0];
    assert_eq!(example["values"].as_array().unwrap().len(), 2, "{example}");
}

#[test]
fn an_erased_acknowledged_send_is_a_lost_write() {
    let ran = run("kafka_lose_send.py", OPTIONS, 23);
    let report = ran.report();
    assert_eq!(report.validity, Validity::Invalid);
    let types = error_types(&report.results);
    for anomaly in ["lost-write", "unseen"] {
        assert!(
            types.contains(&anomaly.to_owned()),
            "{anomaly} missing from {types:?}"
        );
    }
}
