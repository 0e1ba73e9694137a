//! `cargo xtask sim ARGS...`: runs one test of any node binary on the built-in simulator, with
//! Maelstrom's `test` options passed through untouched (including a `--` before node arguments).

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

/// Run one test on the built-in simulator, options spelled as `maelstrom test`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true)]
pub struct Sim {
    /// Maelstrom `test` options, e.g. `-w echo --bin ./node --node-count 1 --time-limit 10`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
    args: Vec<String>,
}

impl Sim {
    pub fn run(self) -> Result<ExitCode> {
        let code = sim::cli_main(self.args);
        // Exit codes are 0..=255 by the simulator's contract; clamp anything else to 255.
        Ok(ExitCode::from(u8::try_from(code).unwrap_or(255)))
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::{Cli, Command};

    fn passed(argv: &[&str]) -> Vec<String> {
        let cli = Cli::try_parse_from(["xtask", "sim"].iter().chain(argv)).unwrap();
        let Command::Sim(sim) = cli.command else {
            panic!("`sim` parsed as another command");
        };
        sim.args
    }

    #[test]
    fn every_argument_reaches_the_simulator_untouched() {
        let argv = [
            "-w",
            "echo",
            "--bin",
            "./x",
            "--node-count",
            "1",
            "--time-limit",
            "10",
        ];
        assert_eq!(passed(&argv), argv);
        let argv = [
            "--bin",
            "./x",
            "-w",
            "echo",
            "--",
            "--verbose",
            "-h",
            "--help",
        ];
        assert_eq!(passed(&argv), argv);
        assert_eq!(passed(&["--help"]), ["--help"]);
        assert!(passed(&[]).is_empty());
    }
}
