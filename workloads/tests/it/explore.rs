//! The explorer binary on our own handlers: a suite's seeds print one JSON line each, the
//! same seed gives the same history digest on a second run (the runtime's clock, randomness
//! and task order are all the seed's), and a bad command line is refused with 254.

use std::process::Command;

use serde_json::Value;

const EXPLORER: &str = env!("CARGO_BIN_EXE_glomers-explore");

/// The digest and verdict of each seed of `suite`, in seed order.
fn explore(suite: &str, seeds: &str) -> Vec<(u64, String, Value)> {
    let store = tempfile::tempdir().unwrap();
    let output = Command::new(EXPLORER)
        .args([suite, "--seeds", seeds, "--store"])
        .arg(store.path())
        .output()
        .expect("cannot start glomers-explore");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let line: Value = serde_json::from_str(line).expect("one JSON line per seed");
            let run = &line["run"];
            assert_eq!(line["suite"], suite);
            (
                run["seed"].as_u64().unwrap(),
                run["digest"].as_str().unwrap().to_string(),
                run["validity"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_seed_replays_to_the_same_digest() {
    // 3c: five broadcast nodes under partitions, whose gossip timers and retries all run on
    // the virtual clock.
    let first = explore("3c", "1..3");
    assert_eq!(first.len(), 3);
    assert!(first.iter().all(|(_, _, valid)| valid == true), "{first:?}");
    assert_eq!(first, explore("3c", "1..3"));
    let digests: std::collections::BTreeSet<&String> = first.iter().map(|(_, d, _)| d).collect();
    assert_eq!(digests.len(), 3, "each seed its own history: {first:?}");
}

#[test]
fn raft_runs_replay_too() {
    let first = explore("lin-kv-3-partition", "5..5");
    assert_eq!(first, explore("lin-kv-3-partition", "5..5"));
    assert_eq!(first[0].2, true, "{first:?}");
}

#[test]
fn bad_command_lines_are_refused() {
    for args in [
        &["3c"][..],
        &["no-such-suite", "--seeds", "1..2"],
        &["3c", "--seeds", "5..1"],
    ] {
        let output = Command::new(EXPLORER).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(254), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: "));
    }
}
