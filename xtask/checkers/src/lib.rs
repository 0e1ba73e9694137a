//! Maelstrom's checkers, as pure functions of a history and a message journal.
//!
//! A test run produces a [`history::History`] (client operations) and a list of
//! [`journal::NetEvent`]s (messages). Each checker turns those into a [`Checked`]: a
//! verdict ([`validity::Validity`]) plus a JSON map shaped like its part of Maelstrom's
//! `results.edn` (keyword keys without the colon, numeric map keys as decimal text), so the
//! xtask reads results from either backend the same way. [`compose`] gathers the parts
//! under their names with a worst-of `valid?`. No checker does IO or reads a clock.
//!
//! Where Maelstrom would throw on a history, the verdict is `unknown` with an `"error"`;
//! where we see more than Maelstrom reports, we say so under `"warnings"` without changing
//! the verdict (each checker's doc says which).
//!
//! Data:
//! - [`history`]: the operations of a test, one `history.jsonl` line each.
//! - [`journal`]: the messages of a test, one `messages.jsonl` line each.
//! - [`validity`]: the three-valued verdict and its worst-of merge.
//! - [`checked`]: [`Checked`], what every checker returns, and [`compose`].
//!
//! Checkers (each `check(...) -> Checked`):
//! - [`stats`]: completion counts per `f`; invalid when an `f` never succeeds.
//! - [`availability`]: the fraction of invocations that succeeded, against `--availability`.
//! - [`echo`]: every echo comes back unchanged.
//! - [`unique_ids`]: no id is handed out twice.
//! - [`set_full`]: broadcast and g-set: no element is lost; stable latencies.
//! - [`counter`]: g-counter and pn-counter: final reads within the possible sums.
//! - [`net`]: message counts and messages per operation (always valid).
//! - [`op_latency`]: latency quantiles of the operations that succeeded (a figure, no verdict).
//! - [`kafka`]: the kafka log: lost, unseen, duplicated or reordered messages, G1a, lag.
//! - [`linearizable`]: lin-kv: per-key linearizability against a CAS register (WGL search).
//! - [`txn`]: Elle-style rw-register and list-append: internal, G1a, G1b, dependency cycles,
//!   judged against `--consistency-models`.
//!
//! Helpers:
//! - [`pairing`]: invocation ↔ completion matching.
//! - [`value_order`]: Clojure's `compare` on JSON values (sorting elements, id ranges).
//! - [`quantiles`]: Jepsen's index-based latency quantiles.
//! - [`ranges`]: merged integer intervals (the counter's acceptable set).
//! - [`edn`]: numbers and map keys as Maelstrom prints them.
//! - [`testing`]: builders for hand-written histories and journals, for tests.

pub mod availability;
pub mod checked;
pub mod counter;
pub mod echo;
pub mod edn;
pub mod history;
pub mod journal;
pub mod kafka;
pub mod linearizable;
pub mod net;
pub mod op_latency;
pub mod pairing;
pub mod quantiles;
pub mod ranges;
pub mod set_full;
pub mod stats;
pub mod testing;
pub mod txn;
pub mod unique_ids;
pub mod validity;
pub mod value_order;

pub use checked::{compose, Checked, Part};
