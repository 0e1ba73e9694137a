//! txn-rw-register on the built-in simulator, end to end: two real node processes, the
//! 6c command line shortened to a few seconds (read committed, total availability,
//! partitions), judged by Elle's rw-register checker.
//!
//! The test binary is its own node program: the simulator spawns it with the argument
//! [`SERVE`], and then it runs the node on stdin/stdout instead of the test. That way the
//! test needs no separately built `glomers` binary. It has no libtest harness, so a
//! failure is a panic and a non-zero exit.

use std::path::PathBuf;

use runtime::transport::Transport;
use sim::{RunRequest, Validity};
use txn_rw_register::TxnNode;

/// The argument that makes this binary a node.
const SERVE: &str = "serve-txn-rw-register-node";

fn main() {
    if std::env::args().any(|arg| arg == SERVE) {
        let env = runtime::NodeEnv {
            seed: runtime::testing::TEST_SEED,
        };
        runtime::run(runtime::start::<TxnNode>, Transport::stdio(), env);
        return;
    }
    read_committed_under_partitions_with_total_availability();
    println!("test on_sim::read_committed_under_partitions_with_total_availability ... ok");
}

fn read_committed_under_partitions_with_total_availability() {
    let this = std::env::current_exe().expect("the test knows its own path");
    let store_root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("txn-rw-register-on-sim");
    let options = "-w txn-rw-register --node-count 2 --concurrency 2n --time-limit 4 --rate 300 \
                   --consistency-models read-committed --availability total \
                   --nemesis partition --nemesis-interval 1";
    let mut args: Vec<String> = options.split_whitespace().map(String::from).collect();
    args.extend([
        "--bin".to_string(),
        this.display().to_string(),
        "--".to_string(),
        SERVE.to_string(),
    ]);
    let request = RunRequest {
        args,
        seed: Some(9),
        store_root,
        name: "on-sim".into(),
        progress: false,
    };
    let report = sim::run(&request).expect("the run completes");
    let results = &report.results;
    assert_eq!(
        report.validity,
        Validity::Valid,
        "{}\n{results:#}",
        report.replay
    );
    assert_eq!(results["availability"]["ok-fraction"], 1.0);
    let servers = &results["net"]["servers"];
    let (sent, received) = (
        servers["send-count"].as_u64().unwrap(),
        servers["recv-count"].as_u64().unwrap(),
    );
    assert!(received > 0, "the nodes replicated to each other");
    assert!(
        sent > received,
        "partitions dropped replication messages ({sent} sent, {received} received)"
    );
}
