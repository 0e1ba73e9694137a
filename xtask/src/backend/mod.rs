//! The two ways to run a suite: the real Maelstrom ([`maelstrom`]) or the built-in simulator
//! ([`sim`]). Both hand back the same thing: a results tree shaped like Maelstrom's
//! `results.edn` as JSON, and where the run's files are, so one function judges both.

pub mod maelstrom;
pub mod sim;

use std::fmt;
use std::path::{Path, PathBuf};

use ::sim::version::MaelstromVersion;
use anyhow::{bail, Result};
use clap::ValueEnum;
use serde_json::Value;

use crate::catalog::Entry;
use crate::outcome::RunInfo;
use crate::project::Project;

/// The `--backend` flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendChoice {
    /// Maelstrom where it is found, else the simulator.
    Auto,
    /// The built-in simulator.
    Sim,
    /// The real Maelstrom.
    Maelstrom,
}

/// A backend ready to run suites.
#[derive(Debug, Clone, PartialEq)]
pub enum Backend {
    Sim,
    Maelstrom(PathBuf),
}

impl Backend {
    /// Resolves the flag, looking for Maelstrom as `maelstrom::discover` says.
    pub fn choose(choice: BackendChoice, flag: Option<&Path>, root: &Path) -> Result<Backend> {
        if choice == BackendChoice::Sim {
            return Ok(Backend::Sim);
        }
        let found = maelstrom::discover(
            flag,
            std::env::var_os("MAELSTROM").as_deref(),
            std::env::var_os("PATH").as_deref(),
            root,
        )?;
        match (found, choice) {
            (Some(program), _) => Ok(Backend::Maelstrom(program)),
            (None, BackendChoice::Maelstrom) => bail!(
                "--backend maelstrom: no Maelstrom found (looked at --maelstrom, $MAELSTROM, \
                 `maelstrom` on PATH and {}). {}",
                root.join("maelstrom/maelstrom").display(),
                maelstrom::INSTALL_HINT
            ),
            (None, _) => Ok(Backend::Sim),
        }
    }

    /// Runs one suite and returns its results tree and run details; `seed` and
    /// `maelstrom_version` only apply to the simulator.
    pub fn run(
        &self,
        project: &Project,
        entry: &Entry,
        seed: Option<u64>,
        maelstrom_version: MaelstromVersion,
    ) -> Result<(Value, RunInfo)> {
        self.run_with_progress(project, entry, seed, maelstrom_version, true)
    }

    /// [`Backend::run`], drawing the simulator's progress bar only when `progress_bar` is set
    /// (runs side by side print plain lines instead, or their bars would tear each other).
    pub fn run_with_progress(
        &self,
        project: &Project,
        entry: &Entry,
        seed: Option<u64>,
        maelstrom_version: MaelstromVersion,
        progress_bar: bool,
    ) -> Result<(Value, RunInfo)> {
        let node = project.node(&entry.node);
        if !node.exists() {
            bail!(
                "the node link {} for workload `{}` is missing; run `cargo xtask build`",
                node.display(),
                entry.node
            );
        }
        match self {
            Backend::Sim => sim::run(project, entry, &node, seed, maelstrom_version, progress_bar),
            Backend::Maelstrom(program) => maelstrom::run(program, project, entry, &node),
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Backend::Sim => write!(f, "the built-in simulator"),
            Backend::Maelstrom(program) => write!(f, "Maelstrom at {}", program.display()),
        }
    }
}
