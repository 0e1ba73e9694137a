//! A grow-only counter (G-counter). Each replica owns one entry, which only that replica
//! increments; the counter's value is the sum of the entries. Merging takes the larger of
//! each entry, which is right because an entry never decreases: the larger value is simply
//! the later one. Entries are keyed by replica name (a node id such as `"n1"`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Crdt;

/// A grow-only counter. Serialises as an object from replica name to count,
/// e.g. `{"n0": 4, "n2": 9}`; a missing replica counts 0.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "BTreeMap<String, u64>", into = "BTreeMap<String, u64>")]
pub struct GCounter {
    /// Never holds a zero: a zero entry and a missing one mean the same, and keeping only
    /// one spelling makes equal counters compare equal.
    counts: BTreeMap<String, u64>,
}

impl GCounter {
    /// The empty counter, whose value is 0.
    pub fn new() -> GCounter {
        GCounter::default()
    }

    /// The entry of `replica`.
    pub fn get(&self, replica: &str) -> u64 {
        self.counts.get(replica).copied().unwrap_or(0)
    }

    /// Adds `by` to the entry of `replica`. Only the replica that owns an entry may call
    /// this on it; everyone else learns the entry through [`GCounter::raise`] or a merge.
    pub fn increment(&mut self, replica: &str, by: u64) {
        if by > 0 {
            let entry = self.counts.entry(replica.to_owned()).or_insert(0);
            *entry = entry.saturating_add(by);
        }
    }

    /// Records that the entry of `replica` has reached at least `count` (an observation,
    /// e.g. read from a store). Lower observations are stale and change nothing.
    pub fn raise(&mut self, replica: &str, count: u64) {
        if count > self.get(replica) {
            self.counts.insert(replica.to_owned(), count);
        }
    }

    /// The counter's value: the sum of all entries.
    pub fn value(&self) -> u64 {
        self.counts
            .values()
            .fold(0, |sum, &n| sum.saturating_add(n))
    }

    /// The non-zero entries, by replica name.
    pub fn entries(&self) -> impl Iterator<Item = (&str, u64)> {
        self.counts
            .iter()
            .map(|(replica, &n)| (replica.as_str(), n))
    }

    /// True when no entry is above zero.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

impl Crdt for GCounter {
    fn merge(&mut self, other: &GCounter) {
        for (replica, count) in other.entries() {
            self.raise(replica, count);
        }
    }

    fn delta_since(&self, known: &GCounter) -> Option<GCounter> {
        let counts: BTreeMap<String, u64> = self
            .entries()
            .filter(|&(replica, count)| count > known.get(replica))
            .map(|(replica, count)| (replica.to_owned(), count))
            .collect();
        (!counts.is_empty()).then_some(GCounter { counts })
    }
}

impl From<BTreeMap<String, u64>> for GCounter {
    fn from(mut counts: BTreeMap<String, u64>) -> GCounter {
        counts.retain(|_, n| *n > 0);
        GCounter { counts }
    }
}

impl From<GCounter> for BTreeMap<String, u64> {
    fn from(counter: GCounter) -> BTreeMap<String, u64> {
        counter.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn counter(entries: &[(&str, u64)]) -> GCounter {
        let mut c = GCounter::new();
        for &(replica, n) in entries {
            c.increment(replica, n);
        }
        c
    }

    #[test]
    fn value_is_the_sum_of_entries_and_merge_takes_the_larger_entry() {
        let mut a = counter(&[("n0", 3), ("n1", 1)]);
        let b = counter(&[("n1", 5), ("n2", 2)]);
        a.merge(&b);
        assert_eq!(a, counter(&[("n0", 3), ("n1", 5), ("n2", 2)]));
        assert_eq!(a.value(), 10);
    }

    #[test]
    fn a_stale_observation_never_lowers_an_entry() {
        let mut c = counter(&[("n1", 7)]);
        c.raise("n1", 4);
        assert_eq!(c.get("n1"), 7);
        c.raise("n1", 9);
        assert_eq!(c.get("n1"), 9);
    }

    #[test]
    fn the_delta_holds_only_entries_ahead_of_what_is_known() {
        let mine = counter(&[("n0", 3), ("n1", 5), ("n2", 2)]);
        let known = counter(&[("n0", 3), ("n1", 4), ("n2", 6)]);
        assert_eq!(mine.delta_since(&known), Some(counter(&[("n1", 5)])));
        assert_eq!(known.delta_since(&known), None);
        assert!(counter(&[("n0", 1)]).is_included_in(&known));
    }

    #[test]
    fn zero_entries_are_not_kept_so_equal_counters_compare_equal() {
        let parsed: GCounter = serde_json::from_value(json!({"n0": 0, "n1": 2})).unwrap();
        assert_eq!(parsed, counter(&[("n1", 2), ("n2", 0)]));
        assert_eq!(serde_json::to_value(&parsed).unwrap(), json!({"n1": 2}));
    }
}
