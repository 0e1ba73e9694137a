//! Nodes that crash or never answer are reported with their id and their last stderr lines.

use crate::support::run;

#[test]
fn a_node_that_crashes_after_init_is_reported() {
    let ran = run(
        "crash_after_init.py",
        "-w echo --node-count 2 --time-limit 5 --rate 10",
        21,
    );
    let error = ran.error();
    assert!(
        error.contains("node n0") || error.contains("node n1"),
        "{error}"
    );
    assert!(
        error.contains("fixture: giving up right after init"),
        "{error}"
    );
    assert!(error.contains("exit status 3"), "{error}");
}

#[test]
fn a_node_that_never_answers_init_is_reported() {
    let ran = run("silent.py", "-w echo --node-count 1 --time-limit 5", 22);
    let error = ran.error();
    assert!(
        error.contains("node n0 did not respond to an init message"),
        "{error}"
    );
    assert!(
        error.contains("fixture: I hear you but I will not answer"),
        "{error}"
    );
}

#[test]
fn a_node_that_writes_a_bad_line_goes_deaf_and_is_named() {
    let ran = run(
        "echo_deaf.py",
        "-w echo --node-count 1 --time-limit 2 --rate 10",
        23,
    );
    let report = ran.report();
    let deaf = &report.results["sim"]["deaf-nodes"];
    let reason = deaf["n0"]
        .as_str()
        .unwrap_or_else(|| panic!("n0 should be deaf: {deaf}"));
    assert!(reason.contains("oops"), "{reason}");
    // The bad line itself and everything after it went unheard: those echoes timed out.
    let info = report.results["stats"]["info-count"].as_u64().unwrap();
    assert!(info >= 1, "{:#}", report.results["stats"]);
    assert_eq!(report.results["stats"]["ok-count"], 2);
}

#[test]
fn a_node_that_writes_a_line_longer_than_the_cap_goes_deaf_and_is_named() {
    let ran = run(
        "echo_huge_line.py",
        "-w echo --node-count 1 --time-limit 2 --rate 10",
        29,
    );
    let report = ran.report();
    let deaf = &report.results["sim"]["deaf-nodes"];
    let reason = deaf["n0"]
        .as_str()
        .unwrap_or_else(|| panic!("n0 should be deaf: {deaf}"));
    let limit = sim::line_reader::MAX_LINE.to_string();
    assert!(
        reason.contains("longer than the simulator's limit"),
        "{reason}"
    );
    assert!(reason.contains(&limit), "{reason}");
    assert!(reason.len() < 1000, "the reason quotes the line shortened");
    assert_eq!(report.results["stats"]["ok-count"], 2);
    // The log has the stderr line whole.
    let log = std::fs::read_to_string(report.store_dir.join("node-logs/n0.log")).unwrap();
    assert!(log.len() > 17 << 20, "{} bytes", log.len());
}

#[test]
fn a_node_that_goes_deaf_during_start_up_is_named() {
    let ran = run(
        "deaf_during_init.py",
        "-w echo --node-count 2 --time-limit 1 --rate 0",
        24,
    );
    let report = ran.report();
    let deaf = &report.results["sim"]["deaf-nodes"];
    let reason = deaf["n0"]
        .as_str()
        .unwrap_or_else(|| panic!("n0 should be deaf: {deaf}"));
    assert!(reason.contains("oops"), "{reason}");
    assert!(deaf.get("n1").is_none(), "{deaf}");
}

/// True once `pid` is gone or a zombie: dead either way.
fn is_dead(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

#[test]
fn a_node_that_exits_while_its_child_holds_its_pipes_is_reported_at_once_and_the_child_killed() {
    // 60 s of operations: reported at teardown, as before, the error would say "crashed".
    let ran = run(
        "exit_leaving_child.py",
        "-w echo --node-count 1 --time-limit 60 --rate 10",
        25,
    );
    let error = ran.error();
    assert!(
        error.contains("node n0 exited while the test was running"),
        "{error}"
    );
    assert!(error.contains("exit status 4"), "{error}");
    let pid: u32 = error
        .split("fixture: child pid ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|pid| pid.parse().ok())
        .unwrap_or_else(|| panic!("no child pid in {error}"));
    // SIGKILL is delivered by the time killpg returns, but the kernel may take a moment to
    // tear the process down: wait for that, bounded.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !is_dead(pid) && std::time::Instant::now() < until {
        std::thread::yield_now();
    }
    assert!(is_dead(pid), "the node's child {pid} outlived the run");
}

#[test]
fn a_node_that_closes_its_stdout_is_named_as_such() {
    let ran = run(
        "close_stdout.py",
        "-w echo --node-count 1 --time-limit 60 --rate 10",
        26,
    );
    let error = ran.error();
    assert!(
        error.contains("node n0 closed its stdout while the test was running"),
        "{error}"
    );
    assert!(error.contains("fixture: closing my stdout"), "{error}");
}

#[test]
fn a_node_that_stops_answering_is_named_in_the_results() {
    let ran = run(
        "goes_silent.py",
        "-w echo --node-count 2 --time-limit 15 --rate 10",
        27,
    );
    let report = ran.report();
    let silent = &report.results["sim"]["silent-nodes"];
    let names: Vec<&String> = silent
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    assert_eq!(names.len(), 2, "both nodes went quiet: {silent}");
    let reason = silent["n0"].as_str().unwrap();
    assert!(reason.contains("stopped answering"), "{reason}");
}

#[test]
fn a_node_flooding_a_peer_that_does_not_read_is_held_to_the_backlog_limit() {
    let ran = run(
        "flood.py",
        "-w echo --node-count 2 --time-limit 12 --rate 10",
        28,
    );
    let report = ran.report();
    let peak = report.results["sim"]["peak-undelivered-per-node"]
        .as_u64()
        .unwrap_or_else(|| panic!("no peak in {:#}", report.results["sim"]));
    // The pause is bounded, so the backlog may creep past the limit by about one message
    // per second of the run; without back-pressure it would reach the whole flood.
    let limit = sim::backlog::LIMIT as u64;
    assert!(peak >= limit, "the flood reached the limit: {peak}");
    assert!(peak <= limit + 100, "held to the limit: {peak}");
}
