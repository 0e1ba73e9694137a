//! From a [`RunRequest`] to what a run needs: the parsed options, the workload, the node
//! binary (all refusals are [`ArgError`]s, exit status 254), and the command line that
//! replays the run with its seed.

use crate::options::{self, ArgError, Options, Parsed};
use crate::workload::{self, Workload};
use crate::RunRequest;
use std::path::PathBuf;

/// The options and workload of `request`, for nodes that are not a `--bin` (the explorer's
/// in-process nodes); [`parse_request`] also checks the binary.
pub fn parse_options(request: &RunRequest) -> anyhow::Result<(Options, &'static dyn Workload)> {
    let opts = match options::parse(&request.args)? {
        Parsed::Run(opts) => *opts,
        Parsed::Help => {
            return Err(ArgError {
                flag: "--help".into(),
                message: options::USAGE.into(),
            }
            .into())
        }
    };
    let Some(workload) = workload::find(&opts.workload) else {
        let known: Vec<&str> = workload::all().iter().map(|w| w.name()).collect();
        return Err(ArgError {
            flag: "--workload".into(),
            message: format!(
                "unknown workload {:?}; the simulator runs {}",
                opts.workload,
                known.join(", ")
            ),
        }
        .into());
    };
    workload.check_options(&opts)?;
    Ok((opts, workload))
}

/// Parses the request's options, refusing what the simulator cannot run.
pub fn parse_request(
    request: &RunRequest,
) -> anyhow::Result<(Options, &'static dyn Workload, PathBuf)> {
    let (opts, workload) = parse_options(request)?;
    let bin = std::fs::canonicalize(&opts.bin)
        .ok()
        .filter(|p| p.is_file())
        .ok_or_else(|| ArgError {
            flag: "--bin".into(),
            message: format!("no such file: {}", opts.bin.display()),
        })?;
    if !is_executable(&bin) {
        return Err(ArgError {
            flag: "--bin".into(),
            message: format!(
                "{} is not executable (chmod +x it, or name the interpreter as --bin and the script after --)",
                opts.bin.display()
            ),
        }
        .into());
    }
    Ok((opts, workload, bin))
}

/// True when some execute bit is set: without one every node would fail to start, each
/// reported as a crash after the run had begun.
#[cfg(unix)]
fn is_executable(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(_: &std::path::Path) -> bool {
    true
}

/// A shell-quoted `cargo xtask sim` command line that replays a run with `seed`.
pub fn replay_command(args: &[String], seed: u64) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut rest = args.iter();
    while let Some(word) = rest.next() {
        if word == "--seed" {
            rest.next();
            continue;
        }
        if word.starts_with("--seed=") {
            continue;
        }
        if word == "--" {
            words.extend(["--seed".to_string(), seed.to_string(), "--".to_string()]);
            words.extend(rest.by_ref().cloned());
            break;
        }
        words.push(word.clone());
    }
    if !words.iter().any(|w| w == "--") {
        words.extend(["--seed".to_string(), seed.to_string()]);
    }
    let quoted: Vec<String> = words.iter().map(|w| shell_quote(w)).collect();
    format!("cargo xtask sim {}", quoted.join(" "))
}

fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split(' ').map(String::from).collect()
    }

    #[test]
    fn replay_puts_the_seed_before_node_arguments() {
        assert_eq!(
            replay_command(&args("-w echo --bin b --seed 4"), 9),
            "cargo xtask sim -w echo --bin b --seed 9"
        );
        assert_eq!(
            replay_command(&args("-w echo --bin b -- x"), 9),
            "cargo xtask sim -w echo --bin b --seed 9 -- x"
        );
        assert_eq!(
            replay_command(&args("--seed=3 --bin my\u{2013}bin"), 1),
            "cargo xtask sim --bin 'my\u{2013}bin' --seed 1"
        );
    }

    fn request(line: &str) -> RunRequest {
        RunRequest {
            args: args(line),
            seed: None,
            store_root: PathBuf::from("/nonexistent"),
            name: "t".into(),
            progress: false,
        }
    }

    fn refusal(line: &str) -> ArgError {
        let err = parse_request(&request(line)).err().expect("refused");
        err.downcast_ref::<ArgError>().expect("an ArgError").clone()
    }

    #[test]
    fn unknown_workloads_and_missing_binaries_are_argument_errors() {
        let unknown = refusal("-w nope --bin /bin/sh");
        assert_eq!(unknown.flag, "--workload");
        assert!(unknown.message.contains("lin-kv"), "{}", unknown.message);
        assert_eq!(refusal("-w echo --bin /no/such/bin").flag, "--bin");
    }

    #[test]
    fn without_w_the_workload_is_lin_kv() {
        let (opts, workload, _) =
            parse_request(&request("--bin /bin/sh --concurrency 2n")).unwrap();
        assert_eq!(workload.name(), "lin-kv");
        assert_eq!(opts.concurrency, 10);
    }

    #[test]
    fn the_workload_refuses_options_its_generator_cannot_run() {
        // Maelstrom's default of one thread per node is too few for lin-kv's groups of 2n.
        let refused = refusal("--bin /bin/sh");
        assert_eq!(refused.flag, "--concurrency");
        assert_eq!(
            refusal("-w lin-kv --bin /bin/sh --node-count 2 --concurrency 6").flag,
            "--concurrency"
        );
        assert!(parse_request(&request("-w echo --bin /bin/sh --concurrency 3")).is_ok());
    }
}
