//! Correct nodes pass, broken nodes fail with the anomaly named.

use crate::support::{at, jsonl, run};
use checkers::history::{Op, OpType};
use serde_json::json;
use sim::Validity;

#[test]
fn correct_echo_is_valid_and_leaves_a_complete_run_folder() {
    let ran = run(
        "echo.py",
        "-w echo --node-count 1 --time-limit 3 --rate 20",
        11,
    );
    let report = ran.report();
    assert_eq!(report.validity, Validity::Valid, "{:#}", report.results);
    let results = &report.results;
    assert_eq!(results["valid?"], json!(true));
    let count = at(results, &["stats", "count"]).as_u64().unwrap();
    assert!(count >= 20, "about 60 echoes expected, got {count}");
    assert_eq!(at(results, &["stats", "ok-count"]).as_u64(), Some(count));
    assert_eq!(at(results, &["net", "servers", "msg-count"]), &json!(0));
    for file in [
        "history.jsonl",
        "messages.jsonl",
        "node-logs/n0.log",
        "results.json",
        "latency.svg",
        "rate.svg",
    ] {
        assert!(report.store_dir.join(file).is_file(), "{file} missing");
    }
    let log = std::fs::read_to_string(report.store_dir.join("node-logs/n0.log")).unwrap();
    assert!(log.contains("echo node n0 ready"), "{log}");
    // Spec §1.3: init comes from c0 (msg_id 1, network id 0), c1 is the setup client, and
    // the first worker's client is c2.
    let messages = jsonl(report, "messages.jsonl");
    assert_eq!(messages[0]["src"], "c0");
    assert_eq!(messages[0]["id"], 0);
    assert_eq!(messages[0]["body"]["type"], "init");
    assert_eq!(messages[0]["body"]["msg_id"], 1);
    assert_eq!(messages[0]["body"]["node_ids"], json!(["n0"]));
    let first_echo = messages
        .iter()
        .find(|m| m["body"]["type"] == "echo")
        .unwrap();
    assert_eq!(first_echo["src"], "c2");
    assert_eq!(first_echo["body"]["msg_id"], 1);
    let history: Vec<Op> = jsonl(report, "history.jsonl")
        .into_iter()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect();
    assert_eq!(
        history.len() as u64,
        2 * count,
        "every invocation and completion reached the file"
    );
    assert!(history.iter().enumerate().all(|(i, op)| op.index == i));
    assert!(history.windows(2).all(|w| w[0].time <= w[1].time));
    assert_eq!(history[0].kind, OpType::Invoke);
    assert!(report.replay.contains("--seed 11"), "{}", report.replay);
    let main_phase = at(results, &["sim", "main-phase-seconds"])
        .as_f64()
        .unwrap();
    assert!(
        main_phase >= 3.0,
        "the main phase lasts the whole time limit, not {main_phase} s"
    );
}

#[test]
fn wrong_echo_is_invalid_with_the_echo_anomaly() {
    let ran = run(
        "echo_wrong.py",
        "-w echo --node-count 1 --time-limit 2 --rate 10",
        12,
    );
    let report = ran.report();
    assert_eq!(report.validity, Validity::Invalid);
    let errors = at(&report.results, &["workload", "errors"])
        .as_array()
        .unwrap();
    assert!(!errors.is_empty());
    assert_eq!(errors[0][0], "Expected a message with :echo");
}

#[test]
fn duplicate_ids_are_invalid() {
    let ran = run(
        "unique_ids_dup.py",
        "-w unique-ids --node-count 1 --time-limit 2 --rate 30",
        13,
    );
    let report = ran.report();
    assert_eq!(report.validity, Validity::Invalid);
    assert!(
        at(&report.results, &["workload", "duplicated-count"])
            .as_u64()
            .unwrap()
            > 0,
        "{:#}",
        report.results["workload"]
    );
}

#[test]
fn broadcast_that_never_forwards_loses_values() {
    let ran = run(
        "broadcast_drop.py",
        "-w broadcast --node-count 3 --time-limit 3 --rate 30",
        14,
    );
    let report = ran.report();
    assert_eq!(
        report.validity,
        Validity::Invalid,
        "{:#}",
        report.results["workload"]
    );
    let lost = at(&report.results, &["workload", "lost-count"])
        .as_u64()
        .unwrap();
    assert!(lost > 0);
    assert!(!at(&report.results, &["workload", "lost"])
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn gossiping_broadcast_is_valid_with_latency_and_counts_server_messages() {
    let ran = run(
        "broadcast_gossip.py",
        "-w broadcast --node-count 3 --time-limit 3 --rate 20 --latency 20",
        15,
    );
    let report = ran.report();
    assert_eq!(report.validity, Validity::Valid, "{:#}", report.results);
    let results = &report.results;
    assert!(
        at(results, &["net", "servers", "msgs-per-op"])
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert!(at(results, &["workload", "stable-count"]).as_u64().unwrap() > 0);
    // Every node got the grid topology from its setup client (c3..c5) with msg_id 1.
    let messages = jsonl(report, "messages.jsonl");
    let topologies: Vec<_> = messages
        .iter()
        .filter(|m| m["type"] == "send" && m["body"]["type"] == "topology")
        .collect();
    assert_eq!(topologies.len(), 3);
    assert!(topologies
        .iter()
        .all(|m| m["body"]["msg_id"] == 1
            && ["c3", "c4", "c5"].contains(&m["src"].as_str().unwrap())));
    assert_eq!(
        topologies[0]["body"]["topology"],
        json!({"n0":["n2","n1"],"n1":["n0"],"n2":["n0"]})
    );
    // Final reads are flagged and come after the main phase.
    let history = jsonl(report, "history.jsonl");
    let finals = history
        .iter()
        .filter(|op| op["final"] == true && op["type"] == "invoke")
        .count();
    assert_eq!(finals, 3, "one final read per thread");
    // Server messages were held for their latency and no earlier.
    let lateness = at(results, &["sim", "server-delivery-lateness", "count"])
        .as_u64()
        .unwrap();
    assert!(lateness > 0);
}

#[test]
fn partitions_are_recorded_as_nemesis_operations() {
    let ran = run(
        "echo.py",
        "-w echo --node-count 3 --time-limit 2 --rate 10 --nemesis partition --nemesis-interval 1",
        16,
    );
    let report = ran.report();
    assert_eq!(
        report.validity,
        Validity::Valid,
        "clients are never partitioned: {:#}",
        report.results
    );
    let history = jsonl(report, "history.jsonl");
    let nemesis: Vec<_> = history
        .iter()
        .filter(|op| op["process"] == "nemesis")
        .collect();
    assert!(nemesis.len() >= 2);
    assert_eq!(nemesis[0]["f"], "start-partition");
    assert_eq!(nemesis[0]["type"], "info");
    assert_eq!(nemesis[1]["value"][0], "isolated");
}

#[test]
fn a_counter_on_lin_kv_is_valid_and_its_service_traffic_is_server_traffic() {
    let ran = run(
        "g_counter_lin_kv.py",
        "-w g-counter --node-count 3 --time-limit 3 --rate 30 --latency 5",
        17,
    );
    let report = ran.report();
    assert_eq!(report.validity, Validity::Valid, "{:#}", report.results);
    let finals = at(&report.results, &["workload", "final-reads"])
        .as_array()
        .unwrap();
    assert_eq!(finals.len(), 3);
    assert!(finals.iter().all(|v| v == &finals[0]), "{finals:?}");
    let messages = jsonl(report, "messages.jsonl");
    assert!(messages.iter().any(|m| m["src"] == "lin-kv"
        && m["body"]["type"] == "read_ok"
        && m["body"].get("msg_id").is_none()));
    assert!(
        at(&report.results, &["net", "servers", "msg-count"])
            .as_u64()
            .unwrap()
            > 0
    );
}
