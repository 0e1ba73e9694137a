//! Both kafka handlers end to end on the built-in simulator: real node processes, real
//! pipes, the kafka generator, final phase and checker, with short time limits.
//!
//! The simulator runs node *programs*, and a workload crate has none of its own, so this
//! test binary is its own node: started with `--as-node <handler>` it serves that handler
//! on stdin/stdout; started by `cargo test` it runs the scenarios below, pointing the
//! simulator at itself. (`harness = false`: the test is this `main`.)

use std::process::ExitCode;
use std::time::{Duration, Instant};

use runtime::transport::Transport;
use runtime::{Ctx, Handler};
use serde_json::Value;
use sim::{RunRequest, Tuning, Validity};

/// The argument that turns this binary into a node.
const AS_NODE: &str = "--as-node";

/// One simulator run and what its results must show.
struct Scenario {
    name: &'static str,
    handler: &'static str,
    options: &'static str,
    /// The most server messages per operation allowed, if bounded.
    max_msgs_per_op: Option<f64>,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "lean-2-nodes",
        handler: "kafka-lean",
        options: "--node-count 2 --concurrency 2n --time-limit 3 --rate 1000",
        max_msgs_per_op: Some(2.0),
    },
    Scenario {
        name: "lin-kv-2-nodes",
        handler: "kafka",
        options: "--node-count 2 --concurrency 2n --time-limit 3 --rate 1000",
        max_msgs_per_op: None,
    },
    Scenario {
        name: "lean-partitions",
        handler: "kafka-lean",
        options: "--node-count 2 --concurrency 2n --time-limit 4 --rate 500 --nemesis partition --nemesis-interval 1",
        max_msgs_per_op: None,
    },
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(AS_NODE) {
        let start: fn(&Ctx) -> Box<dyn Handler> = match args.get(2).map(String::as_str) {
            Some("kafka") => runtime::start::<kafka::KafkaNode>,
            Some("kafka-lean") => runtime::start::<kafka::LeanNode>,
            other => panic!("no kafka handler called {other:?}"),
        };
        let env = runtime::NodeEnv {
            seed: runtime::testing::TEST_SEED,
        };
        runtime::run(start, Transport::stdio(), env);
        return ExitCode::SUCCESS;
    }
    // `cargo test` passes its own flags and filters; scenarios run regardless, but
    // `--list` must only list them.
    if args.iter().any(|a| a == "--list") {
        for s in SCENARIOS {
            println!("{}: test", s.name);
        }
        return ExitCode::SUCCESS;
    }
    let me = std::env::current_exe().expect("the test binary knows its path");
    let store = tempfile::tempdir().expect("a temporary store");
    let mut failed = 0;
    println!(
        "running {} kafka scenarios on the simulator",
        SCENARIOS.len()
    );
    for (seed, scenario) in (1..).zip(SCENARIOS) {
        let started = Instant::now();
        let verdict = run(scenario, &me, store.path(), seed);
        let took = started.elapsed().as_secs_f64();
        match verdict {
            Ok(summary) => println!("test {} ... ok ({summary}; {took:.1} s)", scenario.name),
            Err(why) => {
                failed += 1;
                println!("test {} ... FAILED ({took:.1} s)\n{why}", scenario.name);
            }
        }
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Runs one scenario; a short summary when it passes, the reason when not.
fn run(
    scenario: &Scenario,
    me: &std::path::Path,
    store: &std::path::Path,
    seed: u64,
) -> Result<String, String> {
    let mut args: Vec<String> = ["-w", "kafka", "--bin"].map(String::from).to_vec();
    args.push(me.display().to_string());
    args.extend(scenario.options.split_whitespace().map(String::from));
    args.extend(["--", AS_NODE, scenario.handler].map(String::from));
    let request = RunRequest {
        args,
        seed: Some(seed),
        store_root: store.to_path_buf(),
        name: scenario.name.into(),
        progress: false,
    };
    let tuning = Tuning {
        recovery: Duration::from_millis(500),
        ..Tuning::default()
    };
    let report = sim::run_with(&request, &tuning).map_err(|e| format!("{e:#}"))?;
    let results = &report.results;
    let msgs_per_op = results["net"]["servers"]["msgs-per-op"]
        .as_f64()
        .unwrap_or(0.0);
    let ops = results["stats"]["count"].as_u64().unwrap_or(0);
    let summary = format!("{ops} ops, {msgs_per_op:.2} server msgs/op");
    if report.validity != Validity::Valid {
        return Err(format!(
            "verdict {:?}; workload {}; replay: {}",
            report.validity,
            compact(&results["workload"]),
            report.replay
        ));
    }
    if ops < 100 {
        return Err(format!("only {ops} operations ran"));
    }
    if let Some(max) = scenario.max_msgs_per_op {
        if msgs_per_op > max {
            return Err(format!("{summary}: more than {max} server msgs/op"));
        }
    }
    Ok(summary)
}

fn compact(value: &Value) -> String {
    let text = value.to_string();
    text.chars().take(800).collect()
}
