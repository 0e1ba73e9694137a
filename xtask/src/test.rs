//! `cargo xtask test <selectors...>`: runs the selected suites on a backend, several at a time
//! on the simulator (`--jobs`), prints the summary table in suite-id order and writes
//! `store/summary.{md,json}` and `store/index.html`, and adds each suite's targets to its run's
//! report. Exits 0 only when every selected suite is valid.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use checkers::validity::Validity;
use clap::Args;
use sim::version::MaelstromVersion;

use crate::backend::{Backend, BackendChoice};
use crate::build;
use crate::catalog::Entry;
use crate::jobs::{self, DEFAULT_JOBS};
use crate::outcome::{self, Outcome};
use crate::project::Project;
use crate::report;
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
    /// How many suites run at once on the simulator (default 6, measured by `cargo xtask
    /// bench jobs`); the real Maelstrom always runs one at a time.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    jobs: Option<u32>,
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
        let catalog = build::catalog(&project, self.no_build)?;
        let entries = catalog.select(&self.selectors)?;
        let backend = Backend::choose(self.backend, self.maelstrom.as_deref(), &project.root)?;
        let jobs = jobs_for(&backend, self.jobs);
        eprintln!(
            "running {} suite(s) on {backend}, {jobs} at a time",
            entries.len()
        );
        if self.seed.is_some() && matches!(backend, Backend::Maelstrom(_)) {
            eprintln!("note: --seed does not apply to Maelstrom, whose randomness is its own");
        }
        if self.maelstrom_version.is_some() && matches!(backend, Backend::Maelstrom(_)) {
            eprintln!(
                "note: --maelstrom-version does not apply to Maelstrom, which is the version installed"
            );
        }
        let version = self.maelstrom_version.unwrap_or_default();
        let (outcomes, failure) =
            run_suites(&project, &entries, &backend, self.seed, version, jobs);

        if !outcomes.is_empty() {
            print!("{}", summary::render(&outcomes));
        }
        summary::write(&project.store_dir(), &outcomes)?;
        eprintln!(
            "summary written to {}",
            project.store_dir().join("summary.{md,json}").display()
        );
        eprintln!(
            "reports: {} links every suite's",
            project.store_dir().join("index.html").display()
        );
        if let Some(error) = failure {
            return Err(error);
        }
        Ok(exit_code(&outcomes))
    }
}

/// How many suites run at once: `--jobs` (or the default) on the simulator; one on Maelstrom,
/// whose runs would share its `store/` folder and fight for the JVM's memory.
fn jobs_for(backend: &Backend, flag: Option<u32>) -> usize {
    match backend {
        Backend::Sim => flag.map_or(DEFAULT_JOBS, |n| n as usize),
        Backend::Maelstrom(_) => {
            if flag.is_some_and(|n| n > 1) {
                eprintln!(
                    "note: --jobs applies to the simulator; Maelstrom runs one suite at a time"
                );
            }
            1
        }
    }
}

/// Runs `entries` with `jobs` at a time and returns their outcomes in suite order, and the
/// first backend error (in suite order) if any: a broken harness, not a verdict, so no
/// further suite starts, but what ran is kept.
pub fn run_suites(
    project: &Project,
    entries: &[Entry],
    backend: &Backend,
    seed: Option<u64>,
    version: MaelstromVersion,
    jobs: usize,
) -> (Vec<Outcome>, Option<anyhow::Error>) {
    let finished_count = std::sync::atomic::AtomicUsize::new(0);
    let results = jobs::run_all(
        entries,
        jobs,
        |entry| {
            let started = std::time::Instant::now();
            backend
                .run_with_progress(project, entry, seed, version, jobs == 1)
                .map(|(results, run)| {
                    let outcome = outcome::extract(entry, run, &results);
                    // The report gains the suite's targets; without it the run still counts.
                    if let Err(e) = report::refresh(&outcome) {
                        eprintln!(
                            "WARNING: suite {}: the report could not be written: {e:#}",
                            outcome.suite
                        );
                    }
                    (outcome, started.elapsed())
                })
        },
        |index, result| {
            // With several runs at once their phase lines interleave; a line per finished
            // suite says where the whole stands.
            if jobs > 1 {
                let count = 1 + finished_count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let what = match result {
                    Ok((o, took)) => format!(
                        "{} in {:.0} s",
                        summary::verdict(o.valid),
                        took.as_secs_f64()
                    ),
                    Err(_) => "did not run".to_string(),
                };
                eprintln!(
                    "suite {} finished: {what} ({count} of {})",
                    entries[index].suite.id,
                    entries.len()
                );
            }
        },
    );
    let mut outcomes = Vec::new();
    let mut failure = None;
    for (entry, result) in entries.iter().zip(results) {
        match result {
            Some(Ok((o, _))) => outcomes.push(o),
            Some(Err(error)) if failure.is_none() => failure = Some((entry, error)),
            Some(Err(_)) | None => {}
        }
    }
    let failure = failure.map(|(entry, error)| {
        error.context(format!(
            "suite {} ({}) did not run; {} of {} suites ran",
            entry.suite.id,
            entry.suite.title,
            outcomes.len(),
            entries.len()
        ))
    });
    (outcomes, failure)
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

    #[test]
    fn jobs_default_on_the_simulator_and_are_one_on_maelstrom() {
        assert_eq!(parsed(&["3d"]).unwrap().jobs, None);
        assert_eq!(parsed(&["3d", "--jobs", "6"]).unwrap().jobs, Some(6));
        assert_eq!(jobs_for(&Backend::Sim, None), DEFAULT_JOBS);
        assert_eq!(jobs_for(&Backend::Sim, Some(6)), 6);
        let maelstrom = Backend::Maelstrom(PathBuf::from("/opt/maelstrom/maelstrom"));
        assert_eq!(jobs_for(&maelstrom, Some(6)), 1);
        assert_eq!(jobs_for(&maelstrom, None), 1);
    }

    #[test]
    fn no_jobs_is_a_clean_error() {
        let error = parsed(&["3d", "--jobs", "0"]).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::ValueValidation);
        let message = error.to_string();
        assert!(
            message.contains("--jobs") && message.contains("'0'"),
            "{message}"
        );
    }
}
