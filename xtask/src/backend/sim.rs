//! The built-in simulator backend: one `sim::run` per suite, with the suite's Maelstrom options,
//! its run folder under `store/<suite id>/`.

use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;
use sim::version::MaelstromVersion;

use crate::catalog::{Entry, Suite};
use crate::outcome::RunInfo;
use crate::project::Project;

use super::maelstrom::INSTALL_HINT;

/// Runs `entry` on the simulator, with the node at `node`, reproducing Maelstrom
/// `maelstrom_version`, with a progress bar when `progress_bar` (and stderr is a terminal).
pub fn run(
    project: &Project,
    entry: &Entry,
    node: &Path,
    seed: Option<u64>,
    maelstrom_version: MaelstromVersion,
    progress_bar: bool,
) -> Result<(Value, RunInfo)> {
    let request = sim::RunRequest {
        args: request_args(&entry.suite, node, maelstrom_version),
        seed,
        store_root: project.store_dir(),
        name: entry.suite.id.clone(),
        progress: progress_bar,
    };
    let report = sim::run(&request).with_context(|| failure_context(&entry.suite.id))?;
    let info = RunInfo {
        backend: "sim",
        store: report.store_dir,
        seed: Some(report.seed),
        replay: report.replay,
    };
    Ok((report.results, info))
}

/// What a simulator error is wrapped in: which suite, and the way out through Maelstrom.
fn failure_context(suite: &str) -> String {
    format!("the built-in simulator could not run suite {suite}. {INSTALL_HINT}")
}

/// The Maelstrom-style command line the simulator parses: `-w`, `--bin`, the version, then
/// the suite's own options exactly as published.
fn request_args(suite: &Suite, node: &Path, maelstrom_version: MaelstromVersion) -> Vec<String> {
    let mut args = vec![
        "-w".to_string(),
        suite.workload.clone(),
        "--bin".to_string(),
        node.display().to_string(),
        "--maelstrom-version".to_string(),
        maelstrom_version.to_string(),
    ];
    args.extend(suite.args.iter().cloned());
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::tests::catalog;

    #[test]
    fn the_request_spells_the_suite_as_maelstrom_options() {
        let entry = catalog().select(&["1".to_string()]).unwrap().remove(0);
        assert_eq!(
            request_args(
                &entry.suite,
                Path::new("/t/release/nodes/echo"),
                MaelstromVersion::V0_2_3
            ),
            [
                "-w",
                "echo",
                "--bin",
                "/t/release/nodes/echo",
                "--maelstrom-version",
                "0.2.3",
                "--node-count",
                "1",
                "--time-limit",
                "10"
            ]
        );
    }

    #[test]
    fn a_simulator_failure_says_how_to_get_maelstrom() {
        let message = failure_context("3d");
        assert!(
            message.starts_with("the built-in simulator could not run suite 3d."),
            "{message}"
        );
        for needle in [
            "Java 17",
            "gnuplot",
            "jepsen-io/maelstrom",
            "./maelstrom/",
            "$MAELSTROM",
        ] {
            assert!(
                message.contains(needle),
                "the hint lacks `{needle}`: {message}"
            );
        }
    }
}
