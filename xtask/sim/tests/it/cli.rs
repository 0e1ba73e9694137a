//! The command line's exit statuses.

use crate::support::{fixture, python};

fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(String::from).collect()
}

#[test]
fn bad_arguments_exit_254() {
    assert_eq!(sim::cli_main(words("-w echo")), 254, "--bin is required");
    assert_eq!(
        sim::cli_main(words("-w echo --bin /bin/sh --rate fast")),
        254
    );
    assert_eq!(sim::cli_main(words("-w nope --bin /bin/sh")), 254);
    // No -w is lin-kv, whose thread groups need more than Maelstrom's default concurrency.
    assert_eq!(sim::cli_main(words("--bin /bin/sh")), 254);
    assert_eq!(sim::cli_main(words("-w echo --bin /no/such/program")), 254);
    let max = u64::MAX;
    assert_eq!(
        sim::cli_main(words(&format!("-w echo --bin /bin/sh --time-limit {max}"))),
        254
    );
    assert_eq!(
        sim::cli_main(words("-w echo --bin /bin/sh --concurrency 100000")),
        254
    );
}

#[test]
fn an_unexecutable_bin_exits_254_before_any_node_starts() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("node.py");
    std::fs::write(&script, "print('never run')\n").unwrap();
    let line = format!(
        "-w echo --node-count 1 --time-limit 1 --bin {}",
        script.display()
    );
    assert_eq!(sim::cli_main(words(&line)), 254);
}

#[test]
fn help_exits_0() {
    assert_eq!(sim::cli_main(words("--help")), 0);
}

#[test]
fn a_valid_run_exits_0_and_a_crash_255() {
    // cli_main writes under `store/` of the directory it runs in (no Cargo.lock above a temp
    // dir); every other test uses absolute paths, so changing directory here is harmless.
    let store = tempfile::tempdir().unwrap();
    std::env::set_current_dir(store.path()).unwrap();
    let echo = format!(
        "-w echo --node-count 1 --time-limit 1 --rate 5 --bin {} -- {}",
        python().display(),
        fixture("echo.py")
    );
    assert_eq!(sim::cli_main(words(&echo)), 0);
    assert!(store
        .path()
        .join("store/echo/latest/history.jsonl")
        .is_file());
    let crash = format!(
        "-w echo --node-count 1 --time-limit 3 --bin {} -- {}",
        python().display(),
        fixture("crash_after_init.py")
    );
    assert_eq!(sim::cli_main(words(&crash)), 255);
}
