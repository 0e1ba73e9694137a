//! Maelstrom's workloads (spec §2): for each, the operations it generates, how its client
//! turns an operation into RPCs, its final phase, and which checker judges it.
//!
//! Adding a workload is one new file here that defines `pub const WORKLOAD: &dyn Workload`,
//! plus its module name in the `workloads!` line below. Nothing else in the simulator names a
//! workload.
//!
//! - [`elle_compat`]: Elle 0.1.6's output, for `--maelstrom-version 0.2.3`.
//! - [`gen`]: generator building blocks (random mixes, one op per thread).
//! - [`topology`]: the broadcast `topology` maps.
//! - [`wr_txns`]: Elle's `wr-txns` transactions for the txn workloads.

pub mod elle_compat;
pub mod gen;
pub mod topology;
pub mod wr_txns;

use crate::client::outcome::Policy;
use crate::client::schema::Schema;
use crate::client::{Conn, Request};
use crate::op::{Completion, OpSpec};
use crate::options::{ArgError, Options};
use crate::rng::SimRng;
use checkers::checked::Checked;
use checkers::history::Op;
use gen::Generator;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// Declares the workload modules and the list of their `WORKLOAD`s.
macro_rules! workloads {
    ($($module:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every workload the simulator runs, in declaration order.
        pub fn all() -> Vec<&'static dyn Workload> {
            vec![$($module::WORKLOAD),*]
        }
    };
}

workloads!(
    echo,
    unique_ids,
    broadcast,
    g_set,
    g_counter,
    pn_counter,
    txn_rw_register,
    txn_list_append,
    kafka,
    lin_kv
);

/// Every workload Maelstrom has (`core.clj/workloads`).
pub const MAELSTROM_WORKLOADS: [&str; 10] = [
    "broadcast",
    "echo",
    "g-counter",
    "g-set",
    "kafka",
    "lin-kv",
    "pn-counter",
    "txn-list-append",
    "txn-rw-register",
    "unique-ids",
];

/// Maelstrom's `-w` default.
pub const DEFAULT_WORKLOAD: &str = "lin-kv";

/// The workload called `name`.
pub fn find(name: &str) -> Option<&'static dyn Workload> {
    all().into_iter().find(|w| w.name() == name)
}

/// One Maelstrom workload.
pub trait Workload: Sync {
    /// Maelstrom's `-w` name.
    fn name(&self) -> &'static str;

    /// Whether a client survives an `info` (reusable) or is replaced by a fresh `c*` (spec §2.0).
    fn reusable_client(&self) -> bool;

    /// The generator of the main phase. `rng` is the run's generator stream: every value the
    /// workload makes up must come from it, so a seed replays the operations.
    fn generator(&self, opts: &Options, rng: SimRng) -> Box<dyn Generator>;

    /// The final phase's generator, for workloads that have one (run after healing and the
    /// recovery pause).
    fn final_generator(&self, _opts: &Options) -> Option<Box<dyn Generator>> {
        None
    }

    /// A request each node gets from its setup client after every node is initialised
    /// (broadcast's `topology`), with the reply's schema.
    fn setup(&self, _opts: &Options, _node: &str) -> Option<(Request, Schema)> {
        None
    }

    /// A fresh client (called for every new connection, so per-connection state resets).
    fn client(&self, opts: &Options) -> Box<dyn Client>;

    /// The workload's own checker (the `workload` part of the results).
    fn check(&self, history: &[Op], opts: &Options) -> Checked;

    /// Refuses options the workload's generator cannot run with (Maelstrom would assert or
    /// hang), before anything starts.
    fn check_options(&self, _opts: &Options) -> Result<(), ArgError> {
        Ok(())
    }

    /// Files of its own the workload leaves in the run folder, made from the history and
    /// its `workload` results (lin-kv's `independent/<key>/`).
    fn files(&self, _history: &[Op], _results: &Value) -> Vec<RunFile> {
        Vec::new()
    }
}

/// A file for the run folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFile {
    /// Relative to the run folder.
    pub path: PathBuf,
    pub contents: String,
}

/// A workload client: performs one operation over a Maelstrom connection. Async, so the
/// same client runs in real time and on the explorer's virtual clock.
#[async_trait::async_trait]
pub trait Client: Send {
    /// Performs `op` against `node` and says how it ended.
    async fn invoke(&mut self, conn: &mut Conn, node: &str, op: &OpSpec) -> Completion;
}

/// Maelstrom's default RPC timeout for workload operations.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The lin-kv workload's RPC timeout: `max(10 × --latency, 1000)` ms (spec §1.8).
pub fn lin_kv_timeout(opts: &Options) -> Duration {
    Duration::from_millis((10 * opts.latency).max(1000))
}

/// The common client shape: one RPC, `ok` with `value_of(reply)`, failures mapped by
/// `policy`, where an `info` or `fail` keeps the invocation's value.
pub async fn one_rpc(
    conn: &mut Conn,
    node: &str,
    op: &OpSpec,
    request: &Request,
    schema: &Schema,
    policy: Policy,
    value_of: impl FnOnce(serde_json::Map<String, serde_json::Value>) -> serde_json::Value,
) -> Completion {
    match conn.rpc(node, request, schema, DEFAULT_TIMEOUT).await {
        Ok(reply) => Completion::ok(value_of(reply)),
        Err(failure) => failure.completion(policy, op.value.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lin_kv_timeout_scales_with_latency() {
        let opts = |latency: &str| match crate::options::parse(&[
            "--bin".into(),
            "x".into(),
            "--latency".into(),
            latency.into(),
        ]) {
            Ok(crate::options::Parsed::Run(o)) => *o,
            other => panic!("{other:?}"),
        };
        assert_eq!(lin_kv_timeout(&opts("0")), Duration::from_secs(1));
        assert_eq!(lin_kv_timeout(&opts("250")), Duration::from_millis(2500));
    }

    #[test]
    fn the_registered_workloads_are_exactly_maelstroms() {
        let names: Vec<&str> = all().iter().map(|w| w.name()).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        for name in &names {
            assert!(
                MAELSTROM_WORKLOADS.contains(name),
                "{name} is not a Maelstrom workload"
            );
            assert_eq!(find(name).map(|w| w.name()), Some(*name));
        }
        for name in MAELSTROM_WORKLOADS {
            assert!(names.contains(&name), "{name} is not implemented");
        }
        assert!(find(DEFAULT_WORKLOAD).is_some());
        assert!(find("nope").is_none());
    }
}
