//! Where things are: the repository root, cargo's target folder, the `glomers` binary, the
//! per-workload node links and the `store/` folder of run results.
//!
//! The target folder is asked of `cargo metadata`, so `CARGO_TARGET_DIR` and a `build.target-dir`
//! in a cargo config both hold; no path below hard-codes `./target`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// The paths of one checkout.
#[derive(Debug, Clone)]
pub struct Project {
    /// The workspace root (the folder holding the root `Cargo.toml`).
    pub root: PathBuf,
    /// Cargo's target folder for this workspace.
    pub target_dir: PathBuf,
}

impl Project {
    /// The checkout this xtask was built from, with the target folder cargo uses for it.
    pub fn locate() -> Result<Project> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context(
                "the xtask manifest folder has no parent; xtask/ must sit in the workspace root",
            )?
            .to_path_buf();
        let target_dir = cargo_target_dir(&root)?;
        Ok(Project { root, target_dir })
    }

    /// The folder of release builds.
    pub fn release_dir(&self) -> PathBuf {
        self.target_dir.join("release")
    }

    /// The shared node binary.
    pub fn glomers(&self) -> PathBuf {
        self.release_dir().join("glomers")
    }

    /// The folder of `<workload>` links to `glomers` (argv[0] dispatch for Maelstrom's `--bin`).
    pub fn nodes_dir(&self) -> PathBuf {
        self.release_dir().join("nodes")
    }

    /// The node link of one registered workload.
    pub fn node(&self, workload: &str) -> PathBuf {
        self.nodes_dir().join(workload)
    }

    /// Where run folders and the summary go.
    pub fn store_dir(&self) -> PathBuf {
        self.root.join("store")
    }
}

/// The cargo that runs this xtask (cargo sets `$CARGO` for `cargo run`), else the one on PATH.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Asks cargo where the workspace's build output goes.
fn cargo_target_dir(root: &Path) -> Result<PathBuf> {
    #[derive(Deserialize)]
    struct Metadata {
        target_directory: PathBuf,
    }
    let output = cargo()
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .with_context(|| format!("could not run `cargo metadata` in {}", root.display()))?;
    if !output.status.success() {
        bail!(
            "`cargo metadata` failed in {} ({}); fix the manifest it names:\n{}",
            root.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: Metadata = serde_json::from_slice(&output.stdout)
        .context("`cargo metadata` printed JSON without `target_directory`")?;
    Ok(metadata.target_directory)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Held by every test that writes a program and runs it, or runs a process at all. Linux
    /// refuses to run a file (ETXTBSY) while any process holds it open for writing, and a child
    /// forked by another test thread inherits open files until it execs; taking turns removes
    /// that race.
    pub(crate) static SPAWN_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn paths_hang_off_the_target_folder_and_the_root() {
        let project = Project {
            root: PathBuf::from("/repo"),
            target_dir: PathBuf::from("/elsewhere/t"),
        };
        assert_eq!(project.glomers(), Path::new("/elsewhere/t/release/glomers"));
        assert_eq!(
            project.node("echo"),
            Path::new("/elsewhere/t/release/nodes/echo")
        );
        assert_eq!(project.store_dir(), Path::new("/repo/store"));
    }

    #[test]
    fn the_located_root_holds_the_workspace_manifest() {
        let _spawning = SPAWN_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let project = Project::locate().unwrap();
        let manifest = std::fs::read_to_string(project.root.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("[workspace]"));
        assert!(project.target_dir.is_absolute());
    }
}
