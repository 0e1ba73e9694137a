//! `glomers-explore`: runs one suite's handlers in this process on the simulator's virtual
//! clock, seed after seed, and prints one JSON line per seed (its verdict, history digest,
//! wall time and results). `cargo xtask explore` builds it, shares seeds out among jobs and
//! reads the lines; run by hand it is
//!
//! ```text
//! glomers-explore SUITE --seeds FIRST..LAST [--keep-folder] [--store DIR]
//! ```
//!
//! Each node is the suite's registered handler on the node runtime's own loop
//! (`runtime::serve`), over an in-memory transport, seeded from the run's seed; nothing
//! here knows a workload.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use runtime::transport::Transport;
use runtime::{Ctx, Handler, NodeEnv, Suite};
use sim::in_process::{NodeRun, StartNode};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// Starts a registered handler as an in-process node.
struct Registered {
    start: fn(&Ctx) -> Box<dyn Handler>,
}

impl StartNode for Registered {
    fn start(
        &self,
        _id: &str,
        seed: u64,
        mut input: UnboundedReceiver<String>,
        output: UnboundedSender<String>,
    ) -> NodeRun {
        let (batches, mut from_node) = unbounded_channel::<Vec<String>>();
        let (transport, to_node) = Transport::with_sink(batches);
        let start = self.start;
        Box::pin(async move {
            // Dropping `to_node` when the network stops delivering is the node's end of input.
            let feed = async move {
                while let Some(line) = input.recv().await {
                    if to_node.send(vec![line]).await.is_err() {
                        return;
                    }
                }
            };
            let drain = async move {
                while let Some(batch) = from_node.recv().await {
                    for line in batch {
                        let _ = output.send(line);
                    }
                }
            };
            tokio::join!(
                runtime::serve(start, transport, NodeEnv { seed }),
                feed,
                drain
            );
        })
    }
}

/// The command line.
struct Args {
    suite: String,
    seeds: std::ops::RangeInclusive<u64>,
    keep_folder: bool,
    store: PathBuf,
}

fn parse(mut words: impl Iterator<Item = String>) -> anyhow::Result<Args> {
    let usage = "usage: glomers-explore SUITE --seeds FIRST..LAST [--keep-folder] [--store DIR]";
    let suite = words.next().context(usage)?;
    let (mut seeds, mut keep_folder, mut store) = (None, false, PathBuf::from("store"));
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
            "--keep-folder" => keep_folder = true,
            "--store" => store = words.next().context("--store needs a folder")?.into(),
            other => bail!("unknown argument {other:?}; {usage}"),
        }
    }
    Ok(Args {
        suite,
        seeds: seeds.context(usage)?,
        keep_folder,
        store,
    })
}

/// The suite with this id, and the handler that declares it.
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

fn explore(args: &Args) -> anyhow::Result<()> {
    let (suite, handler) = find(&args.suite)?;
    // The suite's own Maelstrom options; `--bin` only names the handler for the record.
    let mut options = vec![
        "-w".to_string(),
        suite.workload.to_string(),
        "--bin".to_string(),
        handler.name.to_string(),
    ];
    options.extend(suite.args.iter().map(|a| a.to_string()));
    let nodes = Registered {
        start: handler.start,
    };
    let name = format!("explore-{}", suite.id);
    let mut stdout = std::io::stdout().lock();
    for seed in args.seeds.clone() {
        let line = match sim::explore::run_seed(
            &options,
            seed,
            &nodes,
            args.store.clone(),
            &name,
            args.keep_folder,
        ) {
            Ok(run) => serde_json::json!({"suite": suite.id, "run": run}),
            Err(e) => {
                serde_json::json!({"suite": suite.id, "seed": seed, "error": format!("{e:#}")})
            }
        };
        writeln!(stdout, "{line}")?;
        stdout.flush()?;
    }
    Ok(())
}

fn main() -> ExitCode {
    // No tracing subscriber: node logs would interleave every node of every seed, and cost
    // time; a failing seed is replayed with a run folder instead.
    let result = parse(std::env::args().skip(1)).and_then(|args| explore(&args));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(254)
        }
    }
}
