//! The echo crate's own binary, the one `cargo run -p echo` runs: started with no argument,
//! as a user coming from the founding README would, it answers Maelstrom's `init` and an
//! `echo`; it needs no argument under another file name either, since it links one workload.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_echo");

/// Starts `program` with no argument and no `$GLOMERS_WORKLOAD`, sends an `init` and an
/// `echo`, closes stdin and returns the reply bodies with the exit status.
fn init_and_echo(program: &Path) -> (Vec<Value>, Output) {
    let mut child = Command::new(program)
        .env_remove("GLOMERS_WORKLOAD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start the echo binary");
    let mut stdin = child.stdin.take().unwrap();
    let init = json!({"src": "c0", "dest": "n1", "body":
        {"type": "init", "msg_id": 1, "node_id": "n1", "node_ids": ["n1"]}});
    let echo =
        json!({"src": "c1", "dest": "n1", "body": {"type": "echo", "msg_id": 2, "echo": "hi"}});
    writeln!(stdin, "{init}\n{echo}").unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let bodies = String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).expect("stdout carries only JSON")["body"].clone()
        })
        .collect();
    (bodies, output)
}

fn assert_answers(program: &Path) {
    let (bodies, output) = init_and_echo(program);
    assert!(
        output.status.success(),
        "{} exited with {:?}: {}",
        program.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    // A reply may carry a `msg_id` of its own; these are the fields Maelstrom checks.
    let seen: Vec<[&Value; 3]> = bodies
        .iter()
        .map(|b| [&b["type"], &b["in_reply_to"], &b["echo"]])
        .collect();
    assert_eq!(
        seen,
        [
            [&json!("init_ok"), &json!(1), &Value::Null],
            [&json!("echo_ok"), &json!(2), &json!("hi")],
        ],
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn cargo_run_p_echo_answers_init_and_echo_with_no_argument() {
    assert_answers(Path::new(BIN));
}

#[test]
fn the_sole_workload_needs_no_name_under_another_file_name() {
    let dir = std::env::temp_dir().join(format!("echo-bin-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let renamed = dir.join("node");
    let _ = std::fs::remove_file(&renamed);
    std::fs::hard_link(BIN, &renamed)
        .or_else(|_| std::fs::copy(BIN, &renamed).map(drop))
        .unwrap();
    assert_answers(&renamed);
    std::fs::remove_dir_all(&dir).unwrap();
}
