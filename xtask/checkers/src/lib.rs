//! Maelstrom's checkers, as pure functions of a history and a message journal.
//!
//! A test run produces a [`history::History`] (client operations) and a list of
//! [`journal::NetEvent`]s (messages). Each checker module turns those into a verdict
//! ([`validity::Validity`]) plus a JSON map shaped like the corresponding part of Maelstrom's
//! `results.edn`, so the xtask can read results from either backend the same way.
//!
//! - [`history`]: the operations of a test, one `history.jsonl` line each.
//! - [`journal`]: the messages of a test, one `messages.jsonl` line each.
//! - [`validity`]: the three-valued verdict and its worst-of merge.

pub mod history;
pub mod journal;
pub mod validity;
