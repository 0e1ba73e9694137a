//! The kafka crate's own binary, the one `cargo run -p kafka` runs. The crate registers two
//! handlers, so the binary runs the one its arguments, `$GLOMERS_WORKLOAD` or its own file
//! name (`kafka`) names, and started under another name with none of them it refuses,
//! listing both.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_kafka");

const INIT: &str = r#"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}"#;

/// Starts `program` with `args`, sends an `init`, closes stdin and returns what it did.
fn start_and_init(program: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .env_remove("GLOMERS_WORKLOAD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start the kafka binary");
    let mut stdin = child.stdin.take().unwrap();
    // A binary that refuses to start may close its stdin before this line lands.
    let _ = writeln!(stdin, "{INIT}");
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn answered_init(output: &Output) -> bool {
    output.status.success() && String::from_utf8_lossy(&output.stdout).contains(r#""init_ok""#)
}

#[test]
fn the_crate_binary_runs_the_handler_it_is_named_after_or_the_one_named() {
    for args in [&[][..], &["kafka"], &["kafka-lean"]] {
        let output = start_and_init(Path::new(BIN), args);
        assert!(answered_init(&output), "kafka {args:?}: {output:?}");
    }
}

#[test]
fn under_another_name_with_no_workload_named_it_lists_the_choices() {
    let dir = std::env::temp_dir().join(format!("kafka-bin-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let renamed = dir.join("node");
    let _ = std::fs::remove_file(&renamed);
    std::fs::hard_link(BIN, &renamed)
        .or_else(|_| std::fs::copy(BIN, &renamed).map(drop))
        .unwrap();
    let refused = start_and_init(&renamed, &[]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && stderr.contains("kafka, kafka-lean"),
        "{refused:?}"
    );
    assert!(answered_init(&start_and_init(&renamed, &["kafka-lean"])));
    std::fs::remove_dir_all(&dir).unwrap();
}
