//! `cargo xtask test <selectors...>`: runs the selected suites on a backend, in suite-id order,
//! prints the summary table and writes `store/summary.{md,json}`. Exits 0 only when every
//! selected suite is valid.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use checkers::validity::Validity;
use clap::Args;
use sim::version::MaelstromVersion;

use crate::backend::{Backend, BackendChoice};
use crate::build;
use crate::outcome::{self, Outcome};
use crate::project::Project;
use crate::summary;

/// Run suites and summarise them.
#[derive(Debug, Args)]
pub struct Test {
    /// What to run: `all`, a workload (`kafka`), a Maelstrom workload (`txn-rw-register`) or a
    /// suite id (`3d`).
    #[arg(required = true)]
    selectors: Vec<String>,
    /// Where to run: the real Maelstrom, the built-in simulator, or Maelstrom when found.
    #[arg(long, value_enum, default_value_t = BackendChoice::Auto)]
    backend: BackendChoice,
    /// The simulator's seed (random and printed when absent); Maelstrom cannot be seeded.
    #[arg(long)]
    seed: Option<u64>,
    /// Which Maelstrom release the simulator reproduces (its kafka generator and Elle's
    /// output); the real Maelstrom is whatever version is installed.
    #[arg(long, value_name = "0.2.3|0.2.4", value_parser = parse_version)]
    maelstrom_version: Option<MaelstromVersion>,
    /// The `maelstrom` program to use (else $MAELSTROM, PATH, ./maelstrom/maelstrom).
    #[arg(long, value_name = "PATH")]
    maelstrom: Option<PathBuf>,
    /// Use the glomers binary already built instead of running cargo build.
    #[arg(long)]
    no_build: bool,
}

/// Reads `--maelstrom-version` as the simulator spells it.
fn parse_version(text: &str) -> Result<MaelstromVersion, String> {
    MaelstromVersion::parse(text).ok_or_else(|| {
        format!(
            "must be {}, got {text:?}",
            MaelstromVersion::NAMES.join(" or ")
        )
    })
}

impl Test {
    pub fn run(self) -> Result<ExitCode> {
        let project = Project::locate()?;
        let catalog = if self.no_build {
            build::reuse(&project)?
        } else {
            build::build(&project)?
        };
        let entries = catalog.select(&self.selectors)?;
        let backend = Backend::choose(self.backend, self.maelstrom.as_deref(), &project.root)?;
        eprintln!("running {} suite(s) on {backend}", entries.len());
        if self.seed.is_some() && matches!(backend, Backend::Maelstrom(_)) {
            eprintln!("note: --seed does not apply to Maelstrom, whose randomness is its own");
        }
        if self.maelstrom_version.is_some() && matches!(backend, Backend::Maelstrom(_)) {
            eprintln!(
                "note: --maelstrom-version does not apply to Maelstrom, which is the version installed"
            );
        }
        let version = self.maelstrom_version.unwrap_or_default();

        let mut outcomes: Vec<Outcome> = Vec::new();
        let mut failure = None;
        for entry in &entries {
            match backend.run(&project, entry, self.seed, version) {
                Ok((results, run)) => outcomes.push(outcome::extract(entry, run, &results)),
                // A backend error is a broken harness, not a verdict: stop, but keep what ran.
                Err(error) => {
                    failure = Some(error.context(format!(
                        "suite {} ({}) did not run; {} of {} suites ran",
                        entry.suite.id,
                        entry.suite.title,
                        outcomes.len(),
                        entries.len()
                    )));
                    break;
                }
            }
        }

        if !outcomes.is_empty() {
            print!("{}", summary::render(&outcomes));
        }
        summary::write(&project.store_dir(), &outcomes)?;
        eprintln!(
            "summary written to {}",
            project.store_dir().join("summary.{md,json}").display()
        );
        if let Some(error) = failure {
            return Err(error);
        }
        Ok(exit_code(&outcomes))
    }
}

/// Success only when every suite is valid; unknown counts as a failure.
fn exit_code(outcomes: &[Outcome]) -> ExitCode {
    if outcomes.iter().all(|o| o.valid == Validity::Valid) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::{Cli, Command};

    fn parsed(argv: &[&str]) -> Result<Test, clap::Error> {
        let cli = Cli::try_parse_from(["xtask", "test"].iter().chain(argv))?;
        let Command::Test(test) = cli.command else {
            panic!("`test` parsed as another command");
        };
        Ok(test)
    }

    #[test]
    fn the_maelstrom_version_is_one_the_simulator_reproduces() {
        assert_eq!(parsed(&["3d"]).unwrap().maelstrom_version, None);
        assert_eq!(
            parsed(&["kafka", "--maelstrom-version", "0.2.3"])
                .unwrap()
                .maelstrom_version,
            Some(MaelstromVersion::V0_2_3)
        );
        assert!(parsed(&["kafka", "--maelstrom-version", "0.3"]).is_err());
    }
}
