//! lin-kv, Maelstrom's default workload (spec `maelstrom.md` §2.7): independent registers
//! read, written and compare-and-set by clients at any node, judged for linearizability.
//! Two handlers share the client protocol ([`payload`]) and the state machine
//! ([`registers`]).
//!
//! **`lin-kv`** replicates the registers with Raft ([`node`], on `runtime::raft`'s
//! `RaftServer`, which drives the sans-IO core). Writes and CASes are entries of the log, applied in log order on every
//! node once a majority holds them; reads are linearizable without a log entry, by the read
//! index: the leader notes its commit index, confirms with a majority heartbeat round that
//! started after the read arrived that it is still the leader, and answers once it has
//! applied that far (no clock-based leases, which a paused leader could outlive). A request
//! at a follower is forwarded to the leader it knows; a node that knows no leader waits a
//! little for an election, then answers 11, which is definite because nothing was proposed.
//!
//! **`lin-kv-proxy`** ([`proxy`]) passes every request to Maelstrom's `lin-kv` service: the
//! reference store whose ok-fraction is the ceiling for Raft on the same command line.
//!
//! Modules: [`payload`] client messages · [`registers`] the state machine · [`node`] the Raft
//! handler · [`proxy`] the reference handler · [`suites`] the tests each handler runs ·
//! `mutants` (feature `mutants`) deliberately broken nodes for the explorer.

#[cfg(feature = "mutants")]
mod mutants;
pub mod node;
pub mod payload;
pub mod proxy;
pub mod registers;
pub mod suites;

pub use node::RaftNode;
pub use proxy::ProxyNode;

runtime::inventory::submit! {
    runtime::Workload {
        name: "lin-kv",
        summary: "Linearizable registers replicated with Raft (Maelstrom's default workload)",
        start: runtime::start::<RaftNode>,
        suites: suites::RAFT,
    }
}

runtime::inventory::submit! {
    runtime::Workload {
        name: "lin-kv-proxy",
        summary: "Every request passed to Maelstrom's lin-kv service (the reference for Raft)",
        start: runtime::start::<ProxyNode>,
        suites: suites::PROXY,
    }
}
