//! Running fixture nodes on the simulator, with a short recovery pause, in a throwaway store.

use sim::{RunReport, RunRequest, Tuning};
use std::path::PathBuf;
use std::time::Duration;

/// The Python 3 interpreter, found on `PATH`.
pub fn python() -> PathBuf {
    let path = std::env::var_os("PATH").expect("PATH is set");
    std::env::split_paths(&path)
        .map(|dir| dir.join("python3"))
        .find(|p| p.is_file())
        .expect("python3 is on PATH")
}

/// A fixture program's path.
pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    assert!(path.is_file(), "missing fixture {}", path.display());
    path.display().to_string()
}

/// A finished (or failed) run and the store that holds its folder.
pub struct Ran {
    pub result: anyhow::Result<RunReport>,
    pub _store: tempfile::TempDir,
}

impl Ran {
    pub fn report(&self) -> &RunReport {
        match &self.result {
            Ok(r) => r,
            Err(e) => panic!("the run failed: {e:#}"),
        }
    }

    pub fn error(&self) -> String {
        match &self.result {
            Ok(r) => panic!("the run should have failed, but ended {:?}", r.validity),
            Err(e) => format!("{e:#}"),
        }
    }
}

/// Runs `fixture` as every node with Maelstrom options `options` (space-separated).
pub fn run(fixture_name: &str, options: &str, seed: u64) -> Ran {
    let store = tempfile::tempdir().expect("a temp dir");
    let mut args: Vec<String> = options.split_whitespace().map(String::from).collect();
    args.extend([
        "--bin".to_string(),
        python().display().to_string(),
        "--".to_string(),
        fixture(fixture_name),
    ]);
    let request = RunRequest {
        args,
        seed: Some(seed),
        store_root: store.path().to_path_buf(),
        name: "it".into(),
        progress: false,
    };
    let tuning = Tuning {
        recovery: Duration::from_millis(300),
        ..Tuning::default()
    };
    Ran {
        result: sim::run_with(&request, &tuning),
        _store: store,
    }
}

/// A value at a path of keys in the results tree.
pub fn at<'a>(results: &'a serde_json::Value, path: &[&str]) -> &'a serde_json::Value {
    path.iter().fold(results, |v, k| &v[*k])
}

/// The lines of a JSON-lines file in the run folder.
pub fn jsonl(report: &RunReport, file: &str) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(report.store_dir.join(file)).expect("file exists");
    text.lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}
