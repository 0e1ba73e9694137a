//! Challenge 5, kafka: append-only logs per key with offsets, polls, and committed offsets
//! (spec `maelstrom.md` §2.6). Two handlers share the client protocol ([`payload`]) and the
//! log shape ([`log`]: dense offsets, offset = position, so a poll's answer is a slice).
//!
//! **`kafka`** (5a, 5b) keeps all state in lin-kv ([`kv_log`]): a key's log is one JSON
//! array, appended by compare-and-set, so lin-kv decides every offset and all nodes agree
//! without talking to each other. A node caches the prefixes it has seen, which makes most
//! appends a single CAS and lets polls inside the cached prefix skip lin-kv. Commits are a
//! second lin-kv key per log, only ever raised.
//!
//! **`kafka-lean`** (5c) needs no service at all ([`lean_node`]). Each key has one owner
//! ([`ownership`], a hash of the key over the `init` node list) that assigns its offsets
//! in memory; a send arriving elsewhere is forwarded to the owner with an idempotency id.
//! Every node keeps a copy of every log and of the commits, filled by periodic batched
//! syncs ([`replication`], [`peer`]) that carry only what the peer has not confirmed, so
//! polls, commits and `list_committed_offsets` are answered locally. Server messages per
//! operation come from forwarded sends (two messages for about half the sends) plus the
//! syncs (one per peer per 50 ms period with news; acknowledgements ride on the syncs going
//! back), against 6.88 msgs/op for a published reference solution (our figure: the README).
//!
//! Why it stays correct: one sequencer per key makes offsets unique and increasing; a copy
//! only grows by segments that continue it, so it is always a prefix of the owner's log
//! and a poll from any copy returns contiguous entries with no skipped message; a send is
//! acknowledged only once the owner has it; lost syncs are repeated and lost forwards
//! retried under the same id. What it gives up, allowed by the workload: a poll on a
//! non-owner may lag behind the owner by a sync period, `list_committed_offsets` on one
//! node may briefly miss a commit made on another (consumers then re-read, never skip), and
//! while a partition separates a node from a key's owner, sends to that key through it fail
//! (indefinitely, as the owner may have appended).
//!
//! Modules: [`payload`] client messages · [`log`] in-memory logs · [`kv_log`] lin-kv
//! storage · [`linear_node`] the `kafka` handler · [`ownership`] key owners · [`commits`]
//! grow-only committed offsets · [`peer`] node-to-node messages · [`replication`] syncs ·
//! [`lean_node`] the `kafka-lean` handler · [`suites`] the challenges each handler runs ·
//! `mutants` (feature `mutants`) deliberately broken nodes for the explorer.

pub mod commits;
pub mod kv_log;
pub mod lean_node;
pub mod linear_node;
pub mod log;
#[cfg(feature = "mutants")]
mod mutants;
pub mod ownership;
pub mod payload;
pub mod peer;
pub mod replication;
pub mod suites;

pub use lean_node::LeanNode;
pub use linear_node::KafkaNode;

runtime::inventory::submit! {
    runtime::Workload {
        name: "kafka",
        summary: "Replicated logs kept in lin-kv, appended by CAS (challenges 5a, 5b)",
        start: runtime::start::<KafkaNode>,
        suites: suites::KAFKA,
    }
}

runtime::inventory::submit! {
    runtime::Workload {
        name: "kafka-lean",
        summary: "Replicated logs with an owner node per key and batched syncs (challenge 5c)",
        start: runtime::start::<LeanNode>,
        suites: suites::KAFKA_LEAN,
    }
}
