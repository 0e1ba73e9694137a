//! The project's command line, run as `cargo xtask <command>`.
//!
//! `main` only parses flags and hands the command to its module, so each subcommand reads as one
//! file. The modules:
//!
//! - commands: [`build`], [`list`], [`test`], [`sim_cli`] (`sim`), [`explore`], [`report`],
//!   [`new`], [`bench`];
//! - [`project`]: where the repository, the target folder, the node links and `store/` are;
//! - [`catalog`]: the workloads and suites, learnt from `glomers --list --json`, and selectors;
//! - [`backend`]: running one suite on the built-in simulator or on the real Maelstrom;
//! - [`edn`]: Maelstrom's `results.edn` turned into the JSON results tree;
//! - [`jobs`]: running suites side by side, results in suite order;
//! - [`outcome`]: the figures of a run, taken from its results tree;
//! - [`summary`]: the table of outcomes and `store/summary.{md,json}`;
//! - [`index_page`]: `store/index.html`, the table linking each run's report.

mod backend;
mod bench;
mod build;
mod catalog;
mod edn;
mod explore;
mod index_page;
mod jobs;
mod list;
mod new;
mod outcome;
mod project;
mod report;
mod sim_cli;
mod summary;
mod test;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Build, list, test and bench the Gossip Glomers workloads.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Build(build::Build),
    List(list::List),
    Test(test::Test),
    Sim(sim_cli::Sim),
    Explore(explore::Explore),
    Report(report::Report),
    New(new::New),
    Bench(bench::Bench),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(cmd) => cmd.run(),
        Command::List(cmd) => cmd.run(),
        Command::Test(cmd) => cmd.run(),
        Command::Sim(cmd) => cmd.run(),
        Command::Explore(cmd) => cmd.run(),
        Command::Report(cmd) => cmd.run(),
        Command::New(cmd) => cmd.run(),
        Command::Bench(cmd) => cmd.run(),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            // Every context layer on a line of its own: what was being done, then why it failed.
            // (anyhow's Debug form would add a backtrace whenever RUST_BACKTRACE is set.)
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}
