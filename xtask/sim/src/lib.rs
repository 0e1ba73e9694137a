//! The built-in Maelstrom-compatible simulator.
//!
//! It runs node programs of any language as real processes and speaks Maelstrom's protocol
//! to them over stdin/stdout, as `spec/maelstrom.md` describes: node and client ids, message
//! ids, latency and partitions, the four services, the workload clients and generators, the
//! history, the message journal, and the checkers (from the `checkers` crate). One seed drives
//! every random choice. A run leaves a folder with the history, the journal, the node logs,
//! `results.json` (shaped like Maelstrom's `results.edn`), two plots and an `index.html` report.
//!
//! Entry points: [`run`] (used by `cargo xtask test`), [`cli_main`] (`cargo xtask sim`),
//! [`bench::bench_overhead`] (`cargo xtask bench sim`).
//!
//! Modules, from the command line down to the bytes:
//! - [`cli`]: `cargo xtask sim`: summary, banner, exit status.
//! - [`options`]: Maelstrom's `test` options.
//! - [`version`]: which Maelstrom release is reproduced.
//! - [`request`]: a run request to options, workload and binary; the replay command.
//! - [`runner`]: one run's lifecycle, from services to results.
//! - [`cluster`]: spawning the nodes, `init`, setup clients.
//! - [`dispatch`]: feeding a phase's operations to the workers.
//! - [`scheduler`]: free threads, process renumbering, the stagger.
//! - [`workers`]: the client worker threads.
//! - [`workload`]: one file per workload: generator, client, final phase, checker.
//! - [`op`]: operations to run and their completions.
//! - [`client`]: a Maelstrom client connection, response schemas, outcome mapping.
//! - [`nemesis`]: the partition schedule and partition shapes.
//! - [`faults`]: carrying out the nemesis on the network.
//! - [`services`]: lin-kv, seq-kv, lww-kv, lin-tso.
//! - [`net`]: the network: ids, latency, partitions, delivery.
//! - [`latency`]: latency distributions.
//! - [`process`]: node processes and their pipes.
//! - [`explore`]: one seed of an exploration, and its history digest.
//! - [`in_process`]: the explorer's nodes, inside this process on a virtual clock.
//! - [`line_reader`]: reading a node's stdout a line at a time, within a cap.
//! - [`backlog`]: back-pressure on a node that floods another.
//! - [`silence`]: naming a node that stopped reading or answering.
//! - [`wire`]: what Maelstrom's parser accepts from a node's stdout.
//! - [`journal`]: the message journal.
//! - [`recorder`]: the history as it happens.
//! - [`judge`]: composing the checkers into the results tree.
//! - [`store`]: the run folder.
//! - [`plots`]: `latency.svg` and `rate.svg`.
//! - [`report`]: the run folder's `index.html`: the verdict in words, the message diagram, the timeline.
//! - [`progress`]: the progress line.
//! - [`metrics`]: the harness measuring itself.
//! - [`cpu`]: the CPU time of one run's threads.
//! - [`bench`]: the overhead benchmark.
//! - [`rng`]: one seed, independent random streams.

pub mod backlog;
pub mod bench;
pub mod cli;
pub mod client;
pub mod cluster;
pub mod cpu;
pub mod dispatch;
pub mod explore;
pub mod faults;
pub mod in_process;
pub mod journal;
pub mod judge;
pub mod latency;
pub mod line_reader;
pub mod metrics;
pub mod nemesis;
pub mod net;
pub mod op;
pub mod options;
pub mod plots;
pub mod process;
pub mod progress;
pub mod recorder;
pub mod report;
pub mod request;
pub mod rng;
pub mod runner;
pub mod scheduler;
pub mod services;
pub mod silence;
pub mod store;
pub mod version;
pub mod wire;
pub mod workers;
pub mod workload;

use std::path::PathBuf;

pub use checkers::validity::Validity;
pub use runner::Tuning;

/// One test to run, spelled as Maelstrom's `test` command line.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// Maelstrom `test` options, including `-w` and `--bin`, and after a `--` the node's
    /// positional arguments; e.g. `["-w","echo","--bin","target/release/nodes/echo","--node-count","1"]`.
    pub args: Vec<String>,
    /// The seed for every random choice; random (and printed) when `None`.
    pub seed: Option<u64>,
    /// Where run folders go: `<store_root>/<name>/<timestamp>/`, plus `<name>/latest`.
    pub store_root: PathBuf,
    /// The run folder's parent name: the suite id for `cargo xtask test`, the workload for
    /// `cargo xtask sim`.
    pub name: String,
    /// Draw a progress bar on stderr (only when it is a terminal).
    pub progress: bool,
}

/// What a finished run reports.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub validity: Validity,
    /// The results tree, shaped like Maelstrom's `results.edn` as JSON (see the contract).
    pub results: serde_json::Value,
    /// The run's folder.
    pub store_dir: PathBuf,
    pub seed: u64,
    /// A command line that replays this run.
    pub replay: String,
}

/// Runs one test to the end and judges it. Bad arguments are an [`options::ArgError`]
/// inside the error (exit status 254).
pub fn run(request: &RunRequest) -> anyhow::Result<RunReport> {
    runner::run(request, &Tuning::default())
}

/// [`run`] with non-Maelstrom knobs (tests shorten the recovery pause).
pub fn run_with(request: &RunRequest, tuning: &Tuning) -> anyhow::Result<RunReport> {
    runner::run(request, tuning)
}

/// `cargo xtask sim ARGS...`: Maelstrom's `test` options; returns the process exit code
/// (0 valid, 1 invalid, 2 unknown, 254 bad arguments, 255 internal error).
pub fn cli_main(args: Vec<String>) -> i32 {
    cli::main(args)
}
