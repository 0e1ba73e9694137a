//! The Kafka checker's error report (spec `checkers.md` §2.6, "Verdict and output"): one
//! entry per error type, `{count, errs}`, where `errs` is a sample chosen per type (the
//! worst δ, the shortest cycles…) and `count` stays exact; and the verdict rule: every
//! type is bad except the few the checker allows.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::context::Case;
use crate::txn::cycle_spec::cycle_anomaly_types;

/// Error types that do not fail a test (jepsen 0.3.7).
pub const ALLOWED: [&str; 6] = [
    "int-send-skip",
    "G0",
    "G0-process",
    "G0-realtime",
    "PL-1-cycle-exists",
    "strong-PL-1-cycle-exists",
];

/// Sample size for δ- and cycle-ranked types, and for the rest (upstream prints those in
/// full; we cap them so that a broken node cannot produce a giant report).
pub const SMALL_SAMPLE: usize = 8;
pub const LARGE_SAMPLE: usize = 32;

/// Which cases of a type to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sample {
    /// The n with the smallest weight (most negative δ, shortest cycle, fewest copies).
    Smallest(usize),
    /// The n with the largest weight (biggest skip, most values at one offset).
    Largest(usize),
    /// The first n found.
    First(usize),
}

fn sample_for(kind: &str) -> Sample {
    match kind {
        "duplicate" => Sample::Smallest(LARGE_SAMPLE),
        "inconsistent-offsets" => Sample::Largest(LARGE_SAMPLE),
        "nonmonotonic-poll"
        | "nonmonotonic-send"
        | "int-nonmonotonic-poll"
        | "int-nonmonotonic-send" => Sample::Smallest(SMALL_SAMPLE),
        "poll-skip" | "int-poll-skip" | "int-send-skip" => Sample::Largest(SMALL_SAMPLE),
        k if cycle_anomaly_types().any(|t| t == k) => Sample::Smallest(SMALL_SAMPLE),
        _ => Sample::First(LARGE_SAMPLE),
    }
}

/// Error type → its report entry.
#[derive(Debug, Default)]
pub struct Errors {
    by_type: BTreeMap<String, Value>,
}

impl Errors {
    /// Adds the cases of one type (nothing if there are none), rendering only the sample.
    pub fn add(&mut self, kind: &str, mut cases: Vec<Case>) {
        if cases.is_empty() {
            return;
        }
        let count = cases.len();
        let n = match sample_for(kind) {
            Sample::Smallest(n) => {
                cases.sort_by_key(|c| c.weight);
                n
            }
            Sample::Largest(n) => {
                cases.sort_by_key(|c| std::cmp::Reverse(c.weight));
                n
            }
            Sample::First(n) => n,
        };
        let errs: Vec<Value> = cases.iter().take(n).map(|c| (c.render)()).collect();
        self.by_type
            .insert(kind.to_owned(), json!({"count": count, "errs": errs}));
    }

    /// Adds an entry with its own shape (`unseen`).
    pub fn insert(&mut self, kind: &str, entry: Value) {
        self.by_type.insert(kind.to_owned(), entry);
    }

    /// The error types found, sorted.
    pub fn types(&self) -> Vec<&str> {
        self.by_type.keys().map(String::as_str).collect()
    }

    /// The types that fail the test.
    pub fn bad_types(&self) -> Vec<&str> {
        self.types()
            .into_iter()
            .filter(|t| !ALLOWED.contains(t))
            .collect()
    }

    pub fn into_entries(self) -> BTreeMap<String, Value> {
        self.by_type
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_by_type_and_counts_everything() {
        let mut e = Errors::default();
        let cases = |weights: &[i64]| {
            weights
                .iter()
                .map(|&w| Case::new(w, move || json!(w)))
                .collect::<Vec<_>>()
        };
        e.add("poll-skip", cases(&[2, 9, 3, 4, 5, 6, 7, 8, 10, 11]));
        e.add("nonmonotonic-poll", cases(&[0, -3, -1]));
        e.add("int-send-skip", cases(&[2]));
        e.add("lost-write", Vec::new());
        let entries = e.types();
        assert_eq!(
            entries,
            vec!["int-send-skip", "nonmonotonic-poll", "poll-skip"]
        );
        assert_eq!(e.bad_types(), vec!["nonmonotonic-poll", "poll-skip"]);
        let map = e.into_entries();
        assert_eq!(map["poll-skip"]["count"], 10);
        assert_eq!(map["poll-skip"]["errs"], json!([11, 10, 9, 8, 7, 6, 5, 4]));
        assert_eq!(map["nonmonotonic-poll"]["errs"], json!([-3, -1, 0]));
    }
}
