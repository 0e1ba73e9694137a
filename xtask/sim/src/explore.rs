//! One seed of an exploration: a run of in-process nodes on a virtual clock
//! ([`crate::runner::Nodes::InProcess`]), judged by the same checkers as any run, and the
//! digest of its history. The seed fixes everything the run does, so one seed always gives
//! one digest: a failing seed is a bug anyone can replay exactly.

use crate::in_process::StartNode;
use crate::runner::{execute, Nodes};
use crate::{RunRequest, Tuning, Validity};
use checkers::history::Op;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::time::Instant;

/// What one explored seed gives.
#[derive(Debug, Clone, Serialize)]
pub struct SeedRun {
    pub seed: u64,
    pub validity: Validity,
    /// The first 16 hex digits of the SHA-256 of `history.jsonl` as the run would write it.
    pub digest: String,
    /// Wall-clock seconds the run took here.
    pub wall_seconds: f64,
    /// Seconds the run covered on the virtual clock, to its last operation: what it would
    /// have taken in real time.
    pub virtual_seconds: f64,
    /// The run folder, when one was kept.
    pub store: Option<PathBuf>,
    /// The results tree, shaped as a run folder's `results.json`.
    pub results: serde_json::Value,
}

/// Runs `args` (Maelstrom `test` options; `--bin` only names the handler) with `seed` on
/// nodes from `start`, keeping a run folder under `store_root/name` only if `keep_folder`.
pub fn run_seed(
    args: &[String],
    seed: u64,
    start: &dyn StartNode,
    store_root: PathBuf,
    name: &str,
    keep_folder: bool,
) -> anyhow::Result<SeedRun> {
    let request = RunRequest {
        args: args.to_vec(),
        seed: Some(seed),
        store_root,
        name: name.to_string(),
        progress: false,
    };
    let started = Instant::now();
    let (report, history) = execute(
        &request,
        &Tuning::default(),
        &Nodes::InProcess(start),
        keep_folder,
    )?;
    Ok(SeedRun {
        seed,
        validity: report.validity,
        digest: digest(&history),
        wall_seconds: started.elapsed().as_secs_f64(),
        virtual_seconds: history.last().map_or(0.0, |op| op.time as f64 / 1e9),
        store: keep_folder.then_some(report.store_dir),
        results: report.results,
    })
}

/// The digest of a history: of its `history.jsonl` lines, so a kept folder's file hashes
/// to the same value (`sha256sum history.jsonl | cut -c1-16`).
pub fn digest(history: &[Op]) -> String {
    let mut hasher = Sha256::new();
    for op in history {
        hasher.update(serde_json::to_vec(op).expect("an op always serialises"));
        hasher.update(b"\n");
    }
    hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkers::history::{OpType, Process};
    use serde_json::json;

    fn op(index: usize, time: u64) -> Op {
        Op {
            index,
            time,
            process: Process::Client(0),
            kind: OpType::Invoke,
            f: "read".into(),
            value: json!(null),
            error: None,
            is_final: false,
        }
    }

    #[test]
    fn the_digest_is_of_the_history_file() {
        let history = vec![op(0, 5), op(1, 9)];
        let file: String = history
            .iter()
            .map(|o| serde_json::to_string(o).unwrap() + "\n")
            .collect();
        let whole = Sha256::digest(file.as_bytes());
        let expected: String = whole[..8].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(digest(&history), expected);
        assert_eq!(digest(&history).len(), 16);
        assert_ne!(
            digest(&history),
            digest(&[op(0, 5), op(1, 10)]),
            "a time differs"
        );
    }
}
