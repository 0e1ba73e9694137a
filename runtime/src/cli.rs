//! `runtime::main()`: the entry point of every node binary. It picks the workload named by
//! argv[1], else `$GLOMERS_WORKLOAD`, else the binary's own file name (Maelstrom's `--bin`
//! takes no arguments, so `cargo xtask build` lays out one link per workload), else the only
//! workload linked in, then runs that workload's node on stdin/stdout. The last rule serves
//! a workload crate's own binary (`cargo run -p echo`), which links that crate alone; the
//! shared `glomers` binary links them all and needs a name. `--list` and `--list --json`
//! describe the registry.

use std::path::Path;
use std::process::ExitCode;

use crate::node::NodeEnv;
use crate::registry::{self, RegistryError};
use crate::transport::Transport;

/// The environment variable that names the workload.
pub const WORKLOAD_ENV: &str = "GLOMERS_WORKLOAD";
/// The environment variable that sets the log filter (tracing's `EnvFilter` syntax).
pub const LOG_ENV: &str = "GLOMERS_LOG";
/// The environment variable that seeds the node's random numbers (a `u64`); without it the
/// seed comes from the operating system's entropy. Either way it is logged (at `info`), so a
/// run can be repeated. The simulator sets it to the run's seed.
pub const SEED_ENV: &str = "GLOMERS_SEED";
/// The shared binary's own name; an argv[0] with this name selects nothing.
const BINARY_NAME: &str = "glomers";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    Run(String),
    List {
        json: bool,
    },
    Help,
    /// A workload was named but is not registered.
    Unknown(String),
    /// Nothing names a workload.
    Missing,
}

/// Decides what to run among the `registered` workload names. Positional arguments after the
/// workload (Maelstrom passes a test's stray arguments to the binary) are left to the
/// workload and do not change the choice. The only workload linked is chosen last, when
/// nothing names a workload at all; it never overrides an argument or `$GLOMERS_WORKLOAD`
/// that names none, since a typo must not quietly start a node.
pub fn select(args: &[String], env: Option<&str>, registered: &[&str]) -> Invocation {
    let is_known = |name: &str| registered.contains(&name);
    let first = args.get(1).map(String::as_str);
    match first {
        Some("--list") => {
            return Invocation::List {
                json: args.iter().any(|a| a == "--json"),
            }
        }
        Some("--help" | "-h") => return Invocation::Help,
        Some(name) if is_known(name) => return Invocation::Run(name.to_owned()),
        _ => {}
    }
    if let Some(name) = env.filter(|name| !name.is_empty()) {
        return if is_known(name) {
            Invocation::Run(name.to_owned())
        } else {
            Invocation::Unknown(name.to_owned())
        };
    }
    let program = args
        .first()
        .and_then(|path| Path::new(path).file_name())
        .and_then(|name| name.to_str())
        .unwrap_or(BINARY_NAME);
    if is_known(program) {
        return Invocation::Run(program.to_owned());
    }
    match (first, registered) {
        (Some(name), _) => Invocation::Unknown(name.to_owned()),
        (None, [sole]) => Invocation::Run((*sole).to_owned()),
        (None, _) if program != BINARY_NAME => Invocation::Unknown(program.to_owned()),
        (None, _) => Invocation::Missing,
    }
}

/// The `main` of the shared binary and of each workload crate's own binary.
pub fn main() -> ExitCode {
    crate::logging::init();
    let args: Vec<String> = std::env::args().collect();
    let env = std::env::var(WORKLOAD_ENV).ok();
    // A broken registry (a duplicate name) selects nothing here and is reported by `run`.
    let registered: Vec<&str> = registry::workloads()
        .map(|workloads| workloads.iter().map(|w| w.name).collect())
        .unwrap_or_default();
    let invocation = select(&args, env.as_deref(), &registered);
    if let (Invocation::Run(chosen), Some(ignored)) = (&invocation, args.get(1)) {
        // Stray arguments are Maelstrom's doing, but `cargo run -p kafka -- kafak-lean` is a
        // typo that would otherwise start `kafka` without a word.
        if ignored != chosen {
            tracing::warn!("`{ignored}` names no workload; running `{chosen}`");
        }
    }
    match run(invocation) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("glomers: {message}");
            ExitCode::from(2)
        }
    }
}

/// Writes `text` to stdout. A reader that stops early (`glomers --list | head -1`) closes
/// the pipe, which is its right, not an error (`println!` would panic on it).
fn print_out(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to stdout: {e}"))
        }
        _ => Ok(()),
    }
}

fn run(invocation: Invocation) -> Result<(), String> {
    let workloads = registry::workloads().map_err(|e| e.to_string())?;
    match invocation {
        Invocation::Run(name) => {
            let workload = registry::lookup(&name).map_err(|e| e.to_string())?;
            let env = node_env(std::env::var(SEED_ENV).ok().as_deref())?;
            tracing::info!(
                seed = env.seed,
                "the node's random numbers follow this seed"
            );
            crate::node::run(workload.start, Transport::stdio(), env);
            Ok(())
        }
        Invocation::List { json: false } => {
            let lines: String = workloads
                .iter()
                .map(|w| format!("{}\t{}\n", w.name, w.summary))
                .collect();
            print_out(&lines)
        }
        Invocation::List { json: true } => {
            let text = serde_json::to_string_pretty(&workloads).map_err(|e| e.to_string())?;
            print_out(&format!("{text}\n"))
        }
        Invocation::Help => print_out(&help(&workloads)),
        Invocation::Unknown(name) => {
            let known = workloads.iter().map(|w| w.name).collect();
            Err(RegistryError::Unknown { name, known }.to_string())
        }
        Invocation::Missing => Err(format!("no workload named.\n\n{}", help(&workloads))),
    }
}

/// The node's environment: its seed from `$GLOMERS_SEED` when set, else from entropy.
fn node_env(seed: Option<&str>) -> Result<NodeEnv, String> {
    let seed = match seed.map(str::trim).filter(|text| !text.is_empty()) {
        Some(text) => text.parse().map_err(|e| {
            format!("{SEED_ENV}={text:?} is not a seed (an integer in 0..2^64): {e}")
        })?,
        None => rand::random(),
    };
    Ok(NodeEnv { seed })
}

fn help(workloads: &[&registry::Workload]) -> String {
    let mut text = String::from(
        "Runs one Maelstrom node on stdin/stdout.\n\n\
         usage: glomers <workload>            run a workload\n\
         \x20      GLOMERS_WORKLOAD=<w> glomers  the same, for Maelstrom's argument-less --bin\n\
         \x20      <link named after a workload> the same, chosen by argv[0]\n\
         \x20      cargo run -p <crate> [-- <w>] a workload crate's own node; <w> picks one of\n\
         \x20                                    its workloads when it registers several\n\
         \x20      glomers --list [--json]       list workloads (and their suites)\n\n\
         Logs go to stderr; raise them with GLOMERS_LOG=debug. GLOMERS_SEED=<u64> fixes\n\
         the node's random numbers (by default they are seeded from entropy).\n\nworkloads:\n",
    );
    for workload in workloads {
        text.push_str(&format!("  {:<20} {}\n", workload.name, workload.summary));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_seed_comes_from_the_environment_and_a_bad_one_is_refused() {
        assert_eq!(node_env(Some(" 42 ")), Ok(NodeEnv { seed: 42 }));
        let err = node_env(Some("-1")).unwrap_err();
        assert!(err.contains("GLOMERS_SEED=\"-1\" is not a seed"), "{err}");
        assert!(node_env(None).is_ok() && node_env(Some("")).is_ok());
    }

    /// What the shared binary links, in these tests.
    const SHARED: &[&str] = &["echo", "unique-ids"];

    #[test]
    fn chooses_argv1_then_env_then_argv0() {
        let table: &[(&[&str], Option<&str>, Invocation)] = &[
            (
                &["glomers", "echo"],
                Some("unique-ids"),
                Invocation::Run("echo".into()),
            ),
            (
                &["glomers"],
                Some("unique-ids"),
                Invocation::Run("unique-ids".into()),
            ),
            (&["/x/nodes/echo"], None, Invocation::Run("echo".into())),
            (
                &["/x/nodes/echo", "–-nemesis", "partition"],
                None,
                Invocation::Run("echo".into()),
            ),
            (
                &["glomers", "ehco"],
                None,
                Invocation::Unknown("ehco".into()),
            ),
            (
                &["glomers"],
                Some("nope"),
                Invocation::Unknown("nope".into()),
            ),
            (&["/x/nodes/gone"], None, Invocation::Unknown("gone".into())),
            (&["glomers"], None, Invocation::Missing),
            (&["glomers"], Some(""), Invocation::Missing),
            (
                &["glomers", "--list"],
                None,
                Invocation::List { json: false },
            ),
            (
                &["glomers", "--list", "--json"],
                None,
                Invocation::List { json: true },
            ),
            (&["glomers", "-h"], Some("echo"), Invocation::Help),
        ];
        for (argv, env, expected) in table {
            assert_eq!(
                &select(&args(argv), *env, SHARED),
                expected,
                "{argv:?} {env:?}"
            );
        }
    }

    /// A workload crate's own binary links that crate alone: one workload needs no name
    /// whatever the binary's file is called, several need one (the binary's own name serves),
    /// and the sole workload never stands in for a wrong name.
    #[test]
    fn a_crate_binary_runs_its_sole_workload_and_names_one_of_several() {
        let sole: &[&str] = &["echo"];
        let several: &[&str] = &["kafka", "kafka-lean"];
        /// argv, `$GLOMERS_WORKLOAD`, the workloads linked in, and the choice.
        type Case = (
            &'static [&'static str],
            Option<&'static str>,
            &'static [&'static str],
            Invocation,
        );
        let table: &[Case] = &[
            (
                &["target/debug/echo"],
                None,
                sole,
                Invocation::Run("echo".into()),
            ),
            (
                &["/tmp/renamed"],
                None,
                sole,
                Invocation::Run("echo".into()),
            ),
            (
                &["/tmp/renamed"],
                Some(""),
                sole,
                Invocation::Run("echo".into()),
            ),
            (
                &["/tmp/renamed", "ehco"],
                None,
                sole,
                Invocation::Unknown("ehco".into()),
            ),
            (
                &["/tmp/renamed"],
                Some("ehco"),
                sole,
                Invocation::Unknown("ehco".into()),
            ),
            (
                &["target/debug/echo"],
                Some("ehco"),
                sole,
                Invocation::Unknown("ehco".into()),
            ),
            (&["glomers"], None, sole, Invocation::Run("echo".into())),
            (
                &["target/debug/kafka"],
                None,
                several,
                Invocation::Run("kafka".into()),
            ),
            (
                &["target/debug/kafka", "kafka-lean"],
                None,
                several,
                Invocation::Run("kafka-lean".into()),
            ),
            (
                &["target/debug/kafka"],
                Some("kafka-lean"),
                several,
                Invocation::Run("kafka-lean".into()),
            ),
            (
                &["/tmp/renamed"],
                None,
                several,
                Invocation::Unknown("renamed".into()),
            ),
            (&["glomers"], None, several, Invocation::Missing),
            (&["glomers"], None, &[], Invocation::Missing),
        ];
        for (argv, env, registered, expected) in table {
            assert_eq!(
                &select(&args(argv), *env, registered),
                expected,
                "{argv:?} {env:?} {registered:?}"
            );
        }
    }
}
