//! Our handlers as the explorer's in-process nodes (feature `explore`): [`Handlers`] starts
//! a handler on the node runtime's own loop ([`serve`]) over an in-memory transport, as a
//! node of the simulator's in-process cluster, so the same code that runs on stdio runs on
//! the simulator's virtual clock. [`run_seed`] runs one suite seed on it: the explorer
//! binary and the workload crates' cluster tests both go through it; the tests write theirs
//! as a [`Trial`] (`trial`: a suite, varied, run and judged against its targets).
//!
//! The simulator knows no node code and this runtime names no workload: this module is
//! where the two meet.

mod trial;

use std::path::PathBuf;

use sim::in_process::{NodeRun, StartNode};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

pub use sim::explore::SeedRun;
pub use sim::Validity;
pub use trial::{figure, undelivered_server_messages, Trial};

use crate::ctx::Ctx;
use crate::handler::Handler;
use crate::node::{serve, NodeEnv};
use crate::suite::Suite;
use crate::transport::Transport;

/// Starts every node of an in-process cluster with the handler that `start` builds at
/// `init`.
#[derive(Clone, Copy)]
pub struct Handlers {
    pub start: fn(&Ctx) -> Box<dyn Handler>,
}

impl StartNode for Handlers {
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
            tokio::join!(serve(start, transport, NodeEnv { seed }), feed, drain);
        })
    }
}

/// The Maelstrom options of `suite` of workload `bin` (`--bin` only names the handler, for
/// the record).
pub fn suite_options(bin: &str, suite: &Suite) -> Vec<String> {
    let mut options = vec![
        "-w".to_string(),
        suite.workload.to_string(),
        "--bin".to_string(),
        bin.to_string(),
    ];
    options.extend(suite.args.iter().map(|a| a.to_string()));
    options
}

/// Where a seed's run folder goes, and whether it is kept.
#[derive(Debug, Clone)]
pub struct Folder {
    /// The store root (`store/`); the run goes in `<root>/<name>/<time>/`.
    pub root: PathBuf,
    pub name: String,
    /// Keep the folder (history, journal, results, report); otherwise nothing is written.
    pub keep: bool,
}

impl Folder {
    /// No folder: everything stays in memory.
    pub fn none() -> Folder {
        Folder {
            root: std::env::temp_dir(),
            name: "explore".to_string(),
            keep: false,
        }
    }
}

/// Runs one seed of the Maelstrom test `options` (as `maelstrom test` spells them) on
/// in-process nodes running `start`, on the virtual clock, judged by the simulator's
/// checkers.
pub fn run_seed(
    start: fn(&Ctx) -> Box<dyn Handler>,
    options: &[String],
    seed: u64,
    folder: &Folder,
) -> anyhow::Result<SeedRun> {
    sim::explore::run_seed(
        options,
        seed,
        &Handlers { start },
        folder.root.clone(),
        &folder.name,
        folder.keep,
    )
}
