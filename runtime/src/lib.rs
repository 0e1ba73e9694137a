//! A runtime for Maelstrom nodes. A workload implements [`Start`] (built at `init`, knowing
//! its node id and peers) and [`Handler`]: it receives one [`Message`] at a time with a
//! [`Ctx`] through which it replies, sends, makes RPCs with deadlines and retries, runs
//! timers, reads the clock, draws random numbers and talks to Maelstrom's services. The runtime owns
//! the process: the init handshake, the stdio transport, and keeping the node alive through
//! bad input. Workloads register themselves with [`inventory`] and the shared `glomers`
//! binary runs the one it is asked for through [`main`].
//!
//! - [`protocol`]: the wire format; the only module that knows Maelstrom's field names.
//! - [`error`]: error codes, handler errors and RPC errors.
//! - [`handler`]: the traits a workload implements: built at `init`, then one message at a time.
//! - [`ctx`]: what a handler can do, time and randomness included.
//! - `random`: the node's seeded random number generator.
//! - `in_flight`: RPCs waiting for their reply.
//! - [`lock`]: taking a mutex so that a panic in one request cannot poison later ones.
//! - [`retry`]: the pacing of retried RPCs.
//! - [`services`]: clients of `lin-kv`, `seq-kv`, `lww-kv` and `lin-tso`.
//! - [`transport`]: stdin/stdout threads, or in-memory queues for tests and in-process clusters.
//! - [`node`]: the event loop that ties a handler to a transport ([`serve`], [`run`]).
//! - [`registry`]: the link-time workload registry.
//! - [`suite`]: the Maelstrom tests a workload declares.
//! - [`peer_stream`]: resend to a peer until it acknowledges: numbered, cumulative messages
//!   with acknowledgements riding on reverse traffic (the replication building block).
//! - [`relay`]: sending around one-way cuts through the other peers, for nodes whose peers
//!   answer each other (Raft's).
//! - [`topology`]: dissemination graphs (trees, stars) over the cluster's nodes.
//! - [`crdt`]: state-based CRDTs (G-counter, PN-counter, G-set) and their merges.
//! - [`raft`]: a sans-IO Raft core (PreVote, CheckQuorum, ReadIndex) to replicate a state machine on.
//! - [`txn`]: a transactional key-value state machine (registers or lists) to replicate on Raft.
//! - `explore` (feature `explore`): handlers as in-process nodes of the simulator's cluster,
//!   on its virtual clock, one suite seed run on them, and the tests' `explore::Trial`.
//! - [`testing`]: one node under test behind the in-memory transport ([`testing::TestNode`]).
//! - `cli`: `runtime::main()` for the shared binary.
//! - `logging`: tracing to stderr.

mod cli;
pub mod crdt;
pub mod ctx;
pub mod error;
#[cfg(feature = "explore")]
pub mod explore;
pub mod handler;
mod in_flight;
pub mod lock;
mod logging;
pub mod node;
pub mod peer_stream;
pub mod protocol;
pub mod raft;
mod random;
pub mod registry;
pub mod relay;
pub mod retry;
pub mod services;
pub mod suite;
pub mod testing;
pub mod topology;
pub mod transport;
pub mod txn;

pub use cli::{main, select, Invocation, LOG_ENV, SEED_ENV, WORKLOAD_ENV};
pub use ctx::Ctx;
pub use error::{Error, ErrorCode, RpcError};
pub use handler::{start, Handler, Start};
pub use lock::lock;
pub use node::{run, serve, NodeEnv};
pub use protocol::Message;
pub use registry::{Mutant, Workload};
pub use retry::RetryPolicy;
pub use services::{Kv, KvError, Tso};
pub use suite::{Bound, Metric, Suite, Target};

/// Re-exported for `#[async_trait]` on handler impls.
pub use async_trait::async_trait;
/// Re-exported so workload crates register without naming `inventory` themselves.
pub use inventory;
