//! Runs the real `glomers` binary over pipes, as Maelstrom does, and checks what a user of
//! the binary relies on: workload selection, the protocol exchange, surviving bad input,
//! exiting cleanly at end of input, and that every workload crate is actually linked; and
//! that the top-level Makefile's targets name registered suites (`makefile`); that node code
//! takes time and randomness from `Ctx` (`node_code`); that the explorer binary replays a
//! seed exactly (`explore`); and that every workload crate carries mutants (`mutants`).

mod explore;
mod makefile;
mod mutants;
mod node_code;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_glomers");

/// Feeds `lines` to a node on stdin, closes it, and returns the replies and the exit status.
fn exchange(command: &mut Command, lines: &[String]) -> (Vec<Value>, Output) {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start glomers");
    let mut stdin = child.stdin.take().unwrap();
    for line in lines {
        writeln!(stdin, "{line}").unwrap();
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let replies = String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("stdout carries only JSON lines"))
        .collect();
    (replies, output)
}

fn init(node: &str, nodes: &[&str]) -> String {
    json!({"id": 0, "src": "c0", "dest": node, "body": {"type": "init", "node_id": node, "node_ids": nodes, "msg_id": 1}})
        .to_string()
}

fn request(id: u64, body: Value) -> String {
    let mut body = body;
    body["msg_id"] = json!(id);
    json!({"id": id + 10, "src": "c2", "dest": "n0", "body": body}).to_string()
}

#[test]
fn echo_answers_every_request_and_survives_bad_input() {
    let lines = vec![
        init("n0", &["n0"]),
        request(1, json!({"type": "echo", "echo": "Please echo 108"})),
        "definitely not json".to_string(),
        request(2, json!({"type": "launch_rockets"})),
        request(3, json!({"type": "echo"})),
        request(4, json!({"type": "echo", "echo": {"nested": [1, 2]}})),
    ];
    let (replies, output) = exchange(Command::new(BIN).arg("echo"), &lines);
    assert!(output.status.success(), "exit status {:?}", output.status);
    let bodies: Vec<&Value> = replies.iter().map(|r| &r["body"]).collect();
    assert_eq!(bodies.len(), 5, "{replies:?}");
    assert_eq!(
        (bodies[0]["type"].clone(), bodies[0]["in_reply_to"].clone()),
        (json!("init_ok"), json!(1))
    );
    assert_eq!(bodies[1]["echo"], "Please echo 108");
    assert_eq!(
        (bodies[2]["code"].clone(), bodies[2]["in_reply_to"].clone()),
        (json!(10), json!(2))
    );
    assert_eq!(
        (bodies[3]["code"].clone(), bodies[3]["in_reply_to"].clone()),
        (json!(12), json!(3))
    );
    assert_eq!(bodies[4]["echo"], json!({"nested": [1, 2]}));
    for reply in &replies {
        let keys: Vec<&String> = reply.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["body", "dest", "src"],
            "only src, dest and body may appear"
        );
        assert_eq!(reply["src"], "n0");
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("malformed line"),
        "the bad line is logged to stderr: {stderr}"
    );
}

#[test]
fn unique_ids_are_unique_within_and_across_nodes() {
    let nodes = ["n0", "n1", "n2"];
    let mut seen = std::collections::HashSet::new();
    for node in nodes {
        let mut lines = vec![init(node, &nodes)];
        lines.extend((1..=500).map(|i| {
            json!({"src": "c9", "dest": node, "body": {"type": "generate", "msg_id": i}})
                .to_string()
        }));
        let (replies, output) = exchange(Command::new(BIN).arg("unique-ids"), &lines);
        assert!(output.status.success());
        assert_eq!(replies.len(), 501);
        for reply in &replies[1..] {
            assert_eq!(reply["body"]["type"], "generate_ok");
            assert!(
                seen.insert(reply["body"]["id"].clone()),
                "duplicate id {}",
                reply["body"]["id"]
            );
        }
    }
    assert_eq!(seen.len(), 1500);
}

#[test]
fn the_workload_can_come_from_the_environment_or_the_program_name() {
    let lines = vec![
        init("n0", &["n0"]),
        request(1, json!({"type": "echo", "echo": 5})),
    ];
    let (replies, _) = exchange(Command::new(BIN).env("GLOMERS_WORKLOAD", "echo"), &lines);
    assert_eq!(replies[1]["body"]["echo"], 5);

    let dir = std::env::temp_dir().join(format!("glomers-link-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("echo");
    let _ = std::fs::remove_file(&link);
    // `cargo xtask build` lays out hard links (Maelstrom resolves symlinks in --bin).
    std::fs::hard_link(BIN, &link)
        .or_else(|_| std::fs::copy(BIN, &link).map(drop))
        .unwrap();
    // Maelstrom passes a test's stray positional arguments to the node; they must not matter.
    let (replies, output) = exchange(Command::new(&link).args(["–-nemesis", "partition"]), &lines);
    assert!(output.status.success());
    assert_eq!(replies[1]["body"]["echo"], 5);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unknown_workload_is_refused_with_the_known_ones() {
    let output = Command::new(BIN).arg("ehco").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown workload `ehco`") && stderr.contains("echo, "),
        "{stderr}"
    );
}

#[test]
fn every_workload_crate_is_linked_and_registered() {
    let listed = Command::new(BIN).arg("--list").output().unwrap();
    let registered: std::collections::BTreeSet<String> = String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .map(|line| line.split('\t').next().unwrap().to_owned())
        .collect();
    let crates_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let crates: std::collections::BTreeSet<String> = std::fs::read_dir(crates_dir)
        .unwrap()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("Cargo.toml").exists())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    // A crate may register several handlers (named `<crate>` or `<crate>-<variant>`), but
    // every crate registers at least one, so a forgotten `extern crate` line fails here.
    for name in &crates {
        assert!(
            registered.iter().any(|r| r == name || r.starts_with(&format!("{name}-"))),
            "workloads/{name} registers nothing: add `extern crate {} as _;` to workloads/src/lib.rs",
            name.replace('-', "_")
        );
    }
    for name in &registered {
        assert!(
            crates
                .iter()
                .any(|c| name == c || name.starts_with(&format!("{c}-"))),
            "workload `{name}` is registered by no crate under workloads/"
        );
    }
}

#[test]
fn list_json_describes_workloads_with_their_suites() {
    let output = Command::new(BIN)
        .args(["--list", "--json"])
        .output()
        .unwrap();
    let workloads: Value = serde_json::from_slice(&output.stdout).unwrap();
    let echo = workloads
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "echo")
        .unwrap();
    assert_eq!(echo["suites"][0]["id"], "1");
    assert_eq!(echo["suites"][0]["workload"], "echo");
    assert_eq!(
        echo["suites"][0]["args"],
        json!(["--node-count", "1", "--time-limit", "10"])
    );
}

#[test]
fn a_node_whose_stdout_is_closed_exits_while_its_input_stays_open() {
    let mut child = Command::new(BIN)
        .arg("echo")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start glomers");
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    let (exited_tx, exited) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let output = child.wait_with_output().unwrap();
        let _ = exited_tx.send(());
        output
    });
    // Stdin stays open throughout: only the closed stdout can end the node. Writes fail once
    // it has exited, which ends the loop.
    let mut lines = vec![init("n0", &["n0"])];
    lines.extend(
        (1..)
            .take(200)
            .map(|i| request(i, json!({"type": "echo", "echo": i}))),
    );
    for line in &lines {
        if writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .is_err()
        {
            break;
        }
    }
    let exited_in_time = exited
        .recv_timeout(std::time::Duration::from_secs(20))
        .is_ok();
    drop(stdin);
    let output = waiter.join().unwrap();
    assert!(
        exited_in_time,
        "the node kept running with nobody reading it"
    );
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("stdout is closed"), "{stderr}");
}
