//! From a [`RunRequest`] to what a run needs: the parsed options, the workload, the node
//! binary (all refusals are [`ArgError`]s, exit status 254), and the command line that
//! replays the run with its seed.

use crate::options::{self, ArgError, Options, Parsed};
use crate::workload::{self, Workload};
use crate::RunRequest;
use std::path::PathBuf;

/// Parses the request's options, refusing what the simulator cannot run.
pub fn parse_request(
    request: &RunRequest,
) -> anyhow::Result<(Options, &'static dyn Workload, PathBuf)> {
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
        let why = if workload::MAELSTROM_WORKLOADS.contains(&opts.workload.as_str()) {
            // lin-kv is also what a missing -w means, so say so.
            let default = if opts.workload == workload::DEFAULT_WORKLOAD {
                " (it is Maelstrom's default when -w is not given)"
            } else {
                ""
            };
            format!(
                "{} is not implemented yet in the built-in simulator{default}; pass -w with one it runs: {}",
                opts.workload,
                known.join(", ")
            )
        } else {
            format!(
                "unknown workload {:?}; the simulator runs {}",
                opts.workload,
                known.join(", ")
            )
        };
        return Err(ArgError {
            flag: "--workload".into(),
            message: why,
        }
        .into());
    };
    let bin = std::fs::canonicalize(&opts.bin)
        .ok()
        .filter(|p| p.is_file())
        .ok_or_else(|| ArgError {
            flag: "--bin".into(),
            message: format!("no such file: {}", opts.bin.display()),
        })?;
    Ok((opts, workload, bin))
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

    #[test]
    fn unknown_and_unimplemented_workloads_are_argument_errors() {
        let request = |w: &str| RunRequest {
            args: args(&format!("-w {w} --bin /bin/sh")),
            seed: None,
            store_root: PathBuf::from("/nonexistent"),
            name: "t".into(),
            progress: false,
        };
        let unimplemented = workload::MAELSTROM_WORKLOADS
            .into_iter()
            .find(|w| workload::find(w).is_none());
        for w in ["nope"].into_iter().chain(unimplemented) {
            let err = parse_request(&request(w)).err().unwrap();
            assert_eq!(
                err.downcast_ref::<ArgError>().unwrap().flag,
                "--workload",
                "{w}"
            );
        }
        let no_w = RunRequest {
            args: args("--bin /bin/sh"),
            ..request("echo")
        };
        let message = parse_request(&no_w)
            .err()
            .unwrap()
            .downcast_ref::<ArgError>()
            .unwrap()
            .message
            .clone();
        assert!(
            message.starts_with("lin-kv is not implemented yet")
                && message.contains("default when -w is not given")
                && message.contains("echo"),
            "{message}"
        );
        let missing = RunRequest {
            args: args("-w echo --bin /no/such/bin"),
            ..request("echo")
        };
        assert_eq!(
            parse_request(&missing)
                .err()
                .unwrap()
                .downcast_ref::<ArgError>()
                .unwrap()
                .flag,
            "--bin"
        );
    }
}
