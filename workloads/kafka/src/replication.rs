//! How `kafka-lean` nodes copy logs and commits to each other: a periodic `sync` per peer
//! carrying only what that peer is not known to hold, acknowledged with what it now holds.
//!
//! The owner of a key is its only writer, and it sends each peer segments of the key's log
//! starting where that peer's copy is known to end; the peer appends them in place, so a
//! copy is always a prefix of the owner's log (which is what keeps polls served from a copy
//! free of skips and lost writes). What the owner "knows" only grows from the peer's own
//! replies, so a lost `sync` or `sync_ok` just means the next one repeats the segment, and
//! repeated entries are recognised by offset. Commits travel the same way in both
//! directions and merge by maximum. A peer that is up to date costs no messages at all.

use std::collections::{BTreeMap, HashMap};

use crate::commits::Commits;
use crate::log::{Extended, Logs};
use crate::payload::Offsets;
use crate::peer::{Segment, SyncBatch};

/// What one peer is confirmed to hold.
#[derive(Debug, Default)]
pub struct Progress {
    /// Per key this node owns, the length of the peer's copy.
    logs: HashMap<String, u64>,
    /// Per key, a committed offset the peer has.
    commits: Commits,
}

impl Progress {
    /// What the peer is missing of the keys `owned` selects and of the commits, or `None`
    /// when it is up to date.
    pub fn batch(
        &self,
        logs: &Logs,
        commits: &Commits,
        owned: impl Fn(&str) -> bool,
    ) -> Option<SyncBatch> {
        let mut batch = SyncBatch::default();
        for (key, length) in logs.lengths() {
            let held = self.logs.get(key).copied().unwrap_or(0);
            if length > held && owned(key) {
                let entries = logs.get(key).unwrap_or_default()[held as usize..].to_vec();
                batch.logs.insert(
                    key.to_owned(),
                    Segment {
                        start: held,
                        entries,
                    },
                );
            }
        }
        for (key, offset) in commits.iter() {
            if self.commits.get(key).is_none_or(|held| held < offset) {
                batch.commits.insert(key.to_owned(), offset);
            }
        }
        (!batch.logs.is_empty() || !batch.commits.is_empty()).then_some(batch)
    }

    /// Records the peer's answer to `batch`: its copies' lengths and the commits it took.
    pub fn acknowledge(&mut self, batch: &SyncBatch, lengths: &Offsets) {
        for (key, &length) in lengths {
            let held = self.logs.entry(key.clone()).or_default();
            *held = (*held).max(length);
        }
        for (key, &offset) in &batch.commits {
            self.commits.raise(key, offset);
        }
    }
}

/// Applies a batch a peer sent; returns the lengths of the copies it touched, to
/// acknowledge.
pub fn apply(logs: &mut Logs, commits: &mut Commits, batch: &SyncBatch) -> Offsets {
    let mut lengths = BTreeMap::new();
    for (key, segment) in &batch.logs {
        match logs.extend(key, segment.start, &segment.entries) {
            Extended::To(length) => {
                lengths.insert(key.clone(), length);
            }
            Extended::Gap { have, start } => {
                // The owner sends from what we confirmed, which never exceeds what we hold;
                // a gap means a broken invariant, so report it and confirm what we have.
                tracing::error!(%key, have, start, "sync segment leaves a gap");
                lengths.insert(key.clone(), have);
            }
            Extended::Conflict { offset } => {
                tracing::error!(%key, offset, "sync segment disagrees with our copy");
                lengths.insert(key.clone(), logs.len(key));
            }
        }
    }
    for (key, &offset) in &batch.commits {
        commits.raise(key, offset);
    }
    lengths
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn owner_logs() -> Logs {
        let mut logs = Logs::default();
        for m in 1..=3 {
            logs.append("mine", json!(m));
        }
        logs.append("theirs", json!(9));
        logs
    }

    #[test]
    fn a_batch_carries_only_owned_keys_and_unconfirmed_data() {
        let logs = owner_logs();
        let mut commits = Commits::default();
        commits.raise("theirs", 0);
        let mut progress = Progress::default();
        let batch = progress
            .batch(&logs, &commits, |k| k == "mine")
            .expect("the peer holds nothing yet");
        assert_eq!(batch.logs.keys().collect::<Vec<_>>(), ["mine"]);
        assert_eq!(batch.logs["mine"].start, 0);
        assert_eq!(batch.logs["mine"].entries.len(), 3);
        assert_eq!(batch.commits["theirs"], 0);

        progress.acknowledge(&batch, &Offsets::from([("mine".to_owned(), 2)]));
        let again = progress.batch(&logs, &commits, |k| k == "mine").unwrap();
        assert_eq!(
            again.logs["mine"].start, 2,
            "resend from what the peer holds"
        );
        assert!(again.commits.is_empty());

        progress.acknowledge(&again, &Offsets::from([("mine".to_owned(), 3)]));
        assert!(progress.batch(&logs, &commits, |k| k == "mine").is_none());
    }

    #[test]
    fn applying_a_batch_twice_changes_nothing_the_second_time() {
        let owner = owner_logs();
        let mut commits = Commits::default();
        commits.raise("mine", 1);
        let batch = Progress::default()
            .batch(&owner, &commits, |k| k == "mine")
            .unwrap();

        let (mut copy, mut copy_commits) = (Logs::default(), Commits::default());
        let first = apply(&mut copy, &mut copy_commits, &batch);
        let second = apply(&mut copy, &mut copy_commits, &batch);
        assert_eq!(first, second);
        assert_eq!(first["mine"], 3);
        assert_eq!(copy.get("mine"), owner.get("mine"));
        assert_eq!(copy_commits.get("mine"), Some(1));
    }

    #[test]
    fn confirmations_never_move_backwards() {
        let logs = owner_logs();
        let commits = Commits::default();
        let mut progress = Progress::default();
        let batch = progress.batch(&logs, &commits, |_| true).unwrap();
        progress.acknowledge(&batch, &Offsets::from([("mine".to_owned(), 3)]));
        // A late reply to an older sync reports less; it must not undo the newer one.
        progress.acknowledge(&batch, &Offsets::from([("mine".to_owned(), 1)]));
        let next = progress.batch(&logs, &commits, |_| true).unwrap();
        assert!(!next.logs.contains_key("mine"));
    }
}
