//! Elle's transactional checkers, as Maelstrom's `txn-rw-register` and `txn-list-append`
//! workloads use them (spec `checkers.md` §2.7, §2.8, §4).
//!
//! History shapes (the simulator records exactly the wire micro-ops):
//! - every transaction is an op with `f: "txn"` whose value is a list of micro-ops;
//! - rw-register: `["r", k, v]` and `["w", k, v]`; list-append: `["r", k, list]` and
//!   `["append", k, v]`;
//! - invocations, `fail` and `info` completions carry `null` read values; `ok` completions
//!   carry what was read (`null` for a missing key, otherwise a value or a whole list).
//!
//! Both checkers infer a dependency graph, search it for cycles and report the anomalies
//! the chosen consistency models prohibit. The shared machinery, one concept per file:
//! - [`atom`]: hashable keys and values;
//! - [`mop`]: micro-ops and transactions (external reads and writes);
//! - [`graph`]: the dependency graph and its relations;
//! - [`order`]: realtime and process edges;
//! - [`scc`]: Tarjan's strongly connected components;
//! - [`cycle_spec`]: the cycle types (G0, G1c, G-single, G2, …) as automata;
//! - [`cycles`]: the cycle search;
//! - [`markers`]: the cheap "a cycle exists" proofs;
//! - [`analysis`]: the graph stage shared by both checkers;
//! - [`models`]: consistency models and `--consistency-models` parsing;
//! - [`lattice`]: which anomalies each model prohibits, which models anomalies rule out;
//! - [`anomalies`]: found cases by type; [`report`]: Elle's result map and Maelstrom's wrapper;
//! - [`lost_update`]: lost updates, found without cycles.
//!
//! The checkers:
//! - [`rw_register`] (with [`versions`], [`rw_anomalies`] and the [`blind_spot`] warning);
//! - [`list_append`] (with [`append_order`] and [`append_anomalies`]).
//!
//! [`synthetic`]: large generated valid histories, for tests and `cargo xtask bench txn`.
//! Test-only: `test_support` (helpers for hand-written ones).

pub mod analysis;
pub mod anomalies;
pub mod append_anomalies;
pub mod append_order;
pub mod atom;
pub mod blind_spot;
pub mod cycle_spec;
pub mod cycles;
pub mod graph;
pub mod lattice;
pub mod list_append;
pub mod lost_update;
pub mod markers;
pub mod models;
pub mod mop;
pub mod order;
pub mod report;
pub mod rw_anomalies;
pub mod rw_register;
pub mod scc;
pub mod synthetic;
#[cfg(test)]
pub mod test_support;
pub mod versions;

pub use models::{ConsistencyModel, UnknownModel};
