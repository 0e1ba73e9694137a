//! In-process nodes on the virtual clock: nodes written here as plain line handlers (no
//! node runtime), run by the same runner as processes. The seed fixes the whole run: the
//! same seed gives the same history digest (timestamps included, so the clock is virtual),
//! another seed another one; and a node that loses writes is caught.

use serde_json::{json, Value};
use sim::explore::run_seed;
use sim::in_process::{NodeRun, StartNode};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

/// A g-set node that keeps what it is told and, unless `forgetful`, gossips every element
/// to its peers as soon as it learns it; a forgetful one drops every third element.
struct GSet {
    forgetful: bool,
}

impl StartNode for GSet {
    fn start(
        &self,
        id: &str,
        _seed: u64,
        mut input: UnboundedReceiver<String>,
        output: UnboundedSender<String>,
    ) -> NodeRun {
        let (me, forgetful) = (id.to_string(), self.forgetful);
        Box::pin(async move {
            let mut peers: Vec<String> = Vec::new();
            let mut set: Vec<Value> = Vec::new();
            let mut next_id = 0u64;
            let mut added = 0u64;
            while let Some(line) = input.recv().await {
                let msg: Value = serde_json::from_str(&line).unwrap();
                let (src, body) = (msg["src"].as_str().unwrap().to_string(), &msg["body"]);
                let mut send = |dest: &str, mut reply: Value| {
                    next_id += 1;
                    reply["msg_id"] = json!(next_id);
                    if let Some(id) = body.get("msg_id") {
                        reply["in_reply_to"] = id.clone();
                    }
                    let line = json!({"src": me, "dest": dest, "body": reply});
                    let _ = output.send(line.to_string());
                };
                match body["type"].as_str().unwrap() {
                    "init" => {
                        peers = body["node_ids"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|v| v.as_str().unwrap().to_string())
                            .filter(|p| *p != me)
                            .collect();
                        send(&src, json!({"type": "init_ok"}));
                    }
                    "add" => {
                        let element = body["element"].clone();
                        added += 1;
                        if !(forgetful && added.is_multiple_of(3)) {
                            set.push(element.clone());
                            for peer in &peers {
                                let gossip = json!({"src": me, "dest": peer, "body": {"type": "gossip", "element": element}});
                                let _ = output.send(gossip.to_string());
                            }
                        }
                        send(&src, json!({"type": "add_ok"}));
                    }
                    "gossip" => set.push(body["element"].clone()),
                    "read" => send(&src, json!({"type": "read_ok", "value": set})),
                    _ => {}
                }
            }
        })
    }
}

fn args(extra: &str) -> Vec<String> {
    let mut words: Vec<String> = ["-w", "g-set", "--bin", "in-process-g-set"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    words.extend(extra.split_whitespace().map(String::from));
    words
}

#[test]
fn one_seed_one_digest_in_virtual_time() {
    let options = args("--node-count 3 --time-limit 30 --rate 20 --latency 50");
    let store = tempfile::tempdir().unwrap();
    let node = GSet { forgetful: false };
    let first = run_seed(&options, 7, &node, store.path().into(), "g-set", false).unwrap();
    let again = run_seed(&options, 7, &node, store.path().into(), "g-set", false).unwrap();
    let other = run_seed(&options, 8, &node, store.path().into(), "g-set", false).unwrap();
    assert!(
        first.validity == sim::Validity::Valid,
        "{:#}",
        first.results
    );
    assert_eq!(
        first.digest, again.digest,
        "the same seed, the same history"
    );
    assert_ne!(first.digest, other.digest, "another seed, another history");
    assert_eq!(first.results["net"], again.results["net"]);
    // 30 s of test time plus the 10 s recovery pause went by on the virtual clock.
    let ops = first.results["stats"]["count"].as_u64().unwrap();
    assert!(ops > 300, "{ops} operations in 30 s at rate 20");
    // Nanosecond timestamps that repeat exactly can only come from the virtual clock.
    assert!(first.virtual_seconds >= 30.0, "{}", first.virtual_seconds);
    assert!(first.store.is_none());
}

#[test]
fn a_kept_folder_holds_the_history_the_digest_is_of() {
    let options = args("--node-count 2 --time-limit 5 --rate 10");
    let store = tempfile::tempdir().unwrap();
    let node = GSet { forgetful: false };
    let run = run_seed(&options, 3, &node, store.path().into(), "g-set", true).unwrap();
    let folder = run.store.expect("kept");
    let history = std::fs::read_to_string(folder.join("history.jsonl")).unwrap();
    let ops: Vec<checkers::history::Op> = history
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(sim::explore::digest(&ops), run.digest);
    assert!(folder.join("results.json").is_file());
}

#[test]
fn a_node_that_loses_elements_is_caught() {
    let options = args("--node-count 3 --time-limit 10 --rate 20");
    let store = tempfile::tempdir().unwrap();
    let run = run_seed(
        &options,
        1,
        &GSet { forgetful: true },
        store.path().into(),
        "g-set",
        false,
    )
    .unwrap();
    assert!(
        run.validity == sim::Validity::Invalid,
        "{:#}",
        run.results["workload"]
    );
}
