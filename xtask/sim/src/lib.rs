//! The Maelstrom-compatible simulator (being built). The public API below is the contract
//! the xtask codes against; its bodies are filled in by the simulator work.

use std::path::PathBuf;

pub use checkers::validity::Validity;

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

/// Runs one test to the end and judges it.
pub fn run(_request: &RunRequest) -> anyhow::Result<RunReport> {
    anyhow::bail!("the built-in simulator is not built yet")
}

/// `cargo xtask sim ARGS...`: Maelstrom's `test` options; returns the process exit code
/// (0 valid, 1 invalid, 2 unknown, 254 bad arguments, 255 internal error).
pub fn cli_main(_args: Vec<String>) -> i32 {
    eprintln!("the built-in simulator is not built yet");
    255
}
