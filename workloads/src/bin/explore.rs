//! `glomers-explore`: runs one suite's handlers in this process on the simulator's virtual
//! clock, seed after seed, and prints one JSON line per seed (its verdict, history digest,
//! wall time and results). `cargo xtask explore` builds it, shares seeds out among jobs and
//! reads the lines; run by hand it is
//!
//! ```text
//! glomers-explore SUITE --seeds FIRST..LAST [--mutant NAME] [--until-invalid] [--keep-folder] [--store DIR]
//! glomers-explore --list-mutants
//! ```
//!
//! Each node is the suite's registered handler (or, with `--mutant`, a deliberately broken
//! variant of it) on the node runtime's own loop (`runtime::explore`), seeded from the
//! run's seed; nothing here knows a workload. Mutants are compiled in only when the
//! package is built with its `mutants` feature, as `cargo xtask explore` builds it;
//! `--until-invalid` stops at the first seed that is not valid, which is how a mutant is
//! hunted.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use runtime::explore::{run_seed, suite_options, Folder, Validity};
use runtime::{Ctx, Handler, Suite};

/// Builds a node's handler at `init`.
type StartHandler = fn(&Ctx) -> Box<dyn Handler>;

/// The command line.
struct Args {
    suite: String,
    seeds: std::ops::RangeInclusive<u64>,
    mutant: Option<String>,
    until_invalid: bool,
    keep_folder: bool,
    store: PathBuf,
}

/// What the command line asks for.
enum Command {
    Explore(Args),
    ListMutants,
}

const USAGE: &str = "usage: glomers-explore SUITE --seeds FIRST..LAST [--mutant NAME] \
    [--until-invalid] [--keep-folder] [--store DIR], or glomers-explore --list-mutants";

fn parse(mut words: impl Iterator<Item = String>) -> anyhow::Result<Command> {
    let suite = words.next().context(USAGE)?;
    if suite == "--list-mutants" {
        return Ok(Command::ListMutants);
    }
    let mut args = Args {
        suite,
        seeds: 1..=1,
        mutant: None,
        until_invalid: false,
        keep_folder: false,
        store: PathBuf::from("store"),
    };
    let mut seeds = None;
    // `seeds` is required: the placeholder above is replaced below or the parse fails.
    while let Some(word) = words.next() {
        match word.as_str() {
            "--seeds" => {
                let range = words.next().context("--seeds needs FIRST..LAST")?;
                let (first, last) = range
                    .split_once("..")
                    .context("--seeds: write the range as FIRST..LAST, e.g. 1..100")?;
                let first: u64 = first.parse().context("--seeds: FIRST is not a number")?;
                let last: u64 = last.parse().context("--seeds: LAST is not a number")?;
                if last < first {
                    bail!("--seeds: {range} is empty");
                }
                seeds = Some(first..=last);
            }
            "--mutant" => args.mutant = Some(words.next().context("--mutant needs a name")?),
            "--until-invalid" => args.until_invalid = true,
            "--keep-folder" => args.keep_folder = true,
            "--store" => args.store = words.next().context("--store needs a folder")?.into(),
            other => bail!("unknown argument {other:?}; {USAGE}"),
        }
    }
    args.seeds = seeds.context(USAGE)?;
    Ok(Command::Explore(args))
}

/// The suite with this id, and the workload that declares it.
fn find(id: &str) -> anyhow::Result<(&'static Suite, &'static runtime::Workload)> {
    let workloads = glomers::workloads()?;
    for workload in &workloads {
        if let Some(suite) = workload.suites.iter().find(|s| s.id == id) {
            return Ok((suite, workload));
        }
    }
    let known: Vec<&str> = workloads
        .iter()
        .flat_map(|w| w.suites.iter().map(|s| s.id))
        .collect();
    bail!("no suite {id:?}; the suites are {}", known.join(", "))
}

/// The handler to run on `suite`: the workload's own, or the mutant named.
fn handler(
    suite: &Suite,
    workload: &runtime::Workload,
    mutant: Option<&str>,
) -> anyhow::Result<StartHandler> {
    let Some(name) = mutant else {
        return Ok(workload.start);
    };
    let mutant = runtime::registry::lookup_mutant(name).with_context(|| {
        "mutants are compiled in only by the `mutants` feature: \
         cargo build --release -p glomers --features mutants"
    })?;
    let (_, declared_by) = find(mutant.suite)?;
    if declared_by.name != workload.name {
        bail!(
            "mutant {name} breaks workload {}, not {} (suite {}); run it on one of {}'s suites",
            declared_by.name,
            workload.name,
            suite.id,
            declared_by.name
        );
    }
    Ok(mutant.start)
}

fn explore(args: &Args) -> anyhow::Result<()> {
    let (suite, workload) = find(&args.suite)?;
    let start = handler(suite, workload, args.mutant.as_deref())?;
    let options = suite_options(workload.name, suite);
    let folder = Folder {
        root: args.store.clone(),
        name: match &args.mutant {
            Some(mutant) => format!("explore-{}-{mutant}", suite.id),
            None => format!("explore-{}", suite.id),
        },
        keep: args.keep_folder,
    };
    let mut stdout = std::io::stdout().lock();
    for seed in args.seeds.clone() {
        let (line, valid) = match run_seed(start, &options, seed, &folder) {
            Ok(run) => {
                let valid = run.validity == Validity::Valid;
                (serde_json::json!({"suite": suite.id, "run": run}), valid)
            }
            Err(e) => (
                serde_json::json!({"suite": suite.id, "seed": seed, "error": format!("{e:#}")}),
                false,
            ),
        };
        writeln!(stdout, "{line}")?;
        stdout.flush()?;
        if args.until_invalid && !valid {
            break;
        }
    }
    Ok(())
}

/// Prints the mutants compiled in, as one JSON array.
fn list_mutants() -> anyhow::Result<()> {
    let mutants = runtime::registry::mutants()?;
    println!("{}", serde_json::to_string(&mutants)?);
    Ok(())
}

fn main() -> ExitCode {
    // No tracing subscriber: node logs would interleave every node of every seed, and cost
    // time; a failing seed is replayed with a run folder instead.
    let result = parse(std::env::args().skip(1)).and_then(|command| match command {
        Command::Explore(args) => explore(&args),
        Command::ListMutants => list_mutants(),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(254)
        }
    }
}
