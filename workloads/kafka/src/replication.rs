//! How `kafka-lean` nodes copy logs and commits to each other: one
//! [`runtime::peer_stream`] stream per peer, whose content ([`Progress`]) is what that peer
//! is known to hold, and whose messages (`sync`) carry what it is not known to hold.
//!
//! The owner of a key is its only writer, and it sends each peer segments of the key's log
//! starting where that peer's copy is known to end; the peer appends them in place, so a
//! copy is always a prefix of the owner's log (which is what keeps polls served from a copy
//! free of skips and lost writes). What the owner "knows" only grows from the peer's
//! acknowledgements, which ride on the peer's own syncs, so a lost `sync` or a lost
//! acknowledgement just means a later sync repeats the segment, and repeated entries are
//! recognised by offset. Commits travel the same way in both directions and merge by
//! maximum. A peer that is up to date costs no messages at all.

use std::collections::BTreeMap;

use runtime::peer_stream::{Known, Offer, Pending};

use crate::commits::Commits;
use crate::log::{Extended, Logs};
use crate::payload::Offsets;
use crate::peer::{Segment, SyncBatch};

/// What a sync is cut from: this node's logs and commits, and which keys it owns (only
/// an owner sends a key's log).
pub struct Copies<'a> {
    pub logs: &'a Logs,
    pub commits: &'a Commits,
    pub owned: &'a dyn Fn(&str) -> bool,
}

/// What one peer is confirmed to hold.
#[derive(Debug, Default)]
pub struct Progress {
    /// Per key this node owns, the length of the peer's copy.
    logs: BTreeMap<String, u64>,
    /// Per key, a committed offset the peer has.
    commits: Commits,
}

/// What an acknowledged sync proves the peer holds: per key, the length its segment
/// reached, and the commits it carried.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    pub logs: Offsets,
    pub commits: Offsets,
}

impl Known for Progress {
    type Receipt = Reach;

    fn confirm(&mut self, reach: Reach) {
        for (key, length) in reach.logs {
            let held = self.logs.entry(key).or_default();
            *held = (*held).max(length);
        }
        for (key, offset) in &reach.commits {
            self.commits.raise(key, *offset);
        }
    }
}

impl Progress {
    fn held(&self, key: &str) -> u64 {
        self.logs.get(key).copied().unwrap_or(0)
    }

    /// Owned keys the peer's copy lacks entries of, with the owner's length.
    fn lacking_logs<'a>(&'a self, copies: &'a Copies<'_>) -> impl Iterator<Item = (&'a str, u64)> {
        copies
            .logs
            .lengths()
            .filter(move |&(key, length)| length > self.held(key) && (copies.owned)(key))
    }

    /// Commits the peer is not known to have.
    fn lacking_commits<'a>(
        &'a self,
        copies: &'a Copies<'_>,
    ) -> impl Iterator<Item = (&'a str, u64)> {
        copies
            .commits
            .iter()
            .filter(move |&(key, offset)| self.commits.get(key).is_none_or(|held| held < offset))
    }
}

impl Offer<Copies<'_>> for Progress {
    type Message = SyncBatch;

    fn pending(&self, copies: &Copies<'_>, last_sent: Option<&Reach>) -> Pending {
        // News is anything beyond what the last sync carried.
        let beyond = |sent: Option<&Offsets>, key: &str, value: u64| {
            sent.and_then(|sent| sent.get(key))
                .is_none_or(|&carried| value > carried)
        };
        let mut pending = Pending::Nothing;
        for (key, length) in self.lacking_logs(copies) {
            if beyond(last_sent.map(|r| &r.logs), key, length) {
                return Pending::News;
            }
            pending = Pending::InFlight;
        }
        for (key, offset) in self.lacking_commits(copies) {
            if beyond(last_sent.map(|r| &r.commits), key, offset) {
                return Pending::News;
            }
            pending = Pending::InFlight;
        }
        pending
    }

    fn cut(&self, copies: &Copies<'_>) -> Option<(SyncBatch, Reach)> {
        let mut batch = SyncBatch::default();
        let mut reach = Reach::default();
        for (key, length) in self.lacking_logs(copies) {
            let held = self.held(key);
            let entries = copies.logs.get(key).unwrap_or_default()[held as usize..].to_vec();
            batch.logs.insert(
                key.to_owned(),
                Segment {
                    start: held,
                    entries,
                },
            );
            reach.logs.insert(key.to_owned(), length);
        }
        for (key, offset) in self.lacking_commits(copies) {
            batch.commits.insert(key.to_owned(), offset);
        }
        reach.commits.clone_from(&batch.commits);
        (!batch.logs.is_empty() || !batch.commits.is_empty()).then_some((batch, reach))
    }
}

/// Applies a batch a peer sent to this node's copies.
pub fn apply(logs: &mut Logs, commits: &mut Commits, batch: &SyncBatch) {
    for (key, segment) in &batch.logs {
        match logs.extend(key, segment.start, &segment.entries) {
            Extended::To(_) => {}
            Extended::Gap { have, start } => {
                // The owner sends from what we acknowledged, which never exceeds what we
                // hold: a gap means a broken invariant, so report it.
                tracing::error!(%key, have, start, "sync segment leaves a gap");
            }
            Extended::Conflict { offset } => {
                tracing::error!(%key, offset, "sync segment disagrees with our copy");
            }
        }
    }
    for (key, &offset) in &batch.commits {
        commits.raise(key, offset);
    }
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

    fn mine(key: &str) -> bool {
        key == "mine"
    }

    #[test]
    fn a_sync_carries_only_owned_keys_and_unconfirmed_data() {
        let logs = owner_logs();
        let mut commits = Commits::default();
        commits.raise("theirs", 0);
        let copies = Copies {
            logs: &logs,
            commits: &commits,
            owned: &mine,
        };
        let mut progress = Progress::default();
        assert_eq!(progress.pending(&copies, None), Pending::News);
        let (batch, reach) = progress.cut(&copies).expect("the peer holds nothing yet");
        assert_eq!(batch.logs.keys().collect::<Vec<_>>(), ["mine"]);
        assert_eq!(batch.logs["mine"].start, 0);
        assert_eq!(batch.logs["mine"].entries.len(), 3);
        assert_eq!(batch.commits["theirs"], 0);
        assert_eq!(
            progress.pending(&copies, Some(&reach)),
            Pending::InFlight,
            "all of it is in the sync just sent"
        );

        // An older, shorter sync was acknowledged: the next starts where that one ended.
        progress.confirm(Reach {
            logs: Offsets::from([("mine".to_owned(), 2)]),
            commits: Offsets::new(),
        });
        let (again, _) = progress.cut(&copies).unwrap();
        assert_eq!(
            again.logs["mine"].start, 2,
            "resend from what the peer holds"
        );
        assert_eq!(again.commits["theirs"], 0);

        progress.confirm(reach);
        assert_eq!(progress.pending(&copies, None), Pending::Nothing);
        assert!(progress.cut(&copies).is_none());
    }

    #[test]
    fn a_new_entry_or_commit_is_news() {
        let mut logs = owner_logs();
        let mut commits = Commits::default();
        let progress = Progress::default();
        let reach = {
            let copies = Copies {
                logs: &logs,
                commits: &commits,
                owned: &mine,
            };
            progress.cut(&copies).unwrap().1
        };
        logs.append("mine", json!(4));
        let copies = Copies {
            logs: &logs,
            commits: &commits,
            owned: &mine,
        };
        assert_eq!(progress.pending(&copies, Some(&reach)), Pending::News);
        let logs = owner_logs();
        commits.raise("theirs", 0);
        let copies = Copies {
            logs: &logs,
            commits: &commits,
            owned: &mine,
        };
        assert_eq!(progress.pending(&copies, Some(&reach)), Pending::News);
    }

    #[test]
    fn applying_a_batch_twice_changes_nothing_the_second_time() {
        let owner = owner_logs();
        let mut commits = Commits::default();
        commits.raise("mine", 1);
        let copies = Copies {
            logs: &owner,
            commits: &commits,
            owned: &mine,
        };
        let (batch, _) = Progress::default().cut(&copies).unwrap();

        let (mut copy, mut copy_commits) = (Logs::default(), Commits::default());
        apply(&mut copy, &mut copy_commits, &batch);
        apply(&mut copy, &mut copy_commits, &batch);
        assert_eq!(copy.get("mine"), owner.get("mine"));
        assert_eq!(copy_commits.get("mine"), Some(1));
    }

    #[test]
    fn confirmations_never_move_backwards() {
        let logs = owner_logs();
        let commits = Commits::default();
        let copies = Copies {
            logs: &logs,
            commits: &commits,
            owned: &|_| true,
        };
        let mut progress = Progress::default();
        let (_, reach) = progress.cut(&copies).unwrap();
        progress.confirm(reach);
        // A receipt of an older sync reports less; it must not undo the newer one.
        progress.confirm(Reach {
            logs: Offsets::from([("mine".to_owned(), 1)]),
            commits: Offsets::new(),
        });
        assert_eq!(progress.pending(&copies, None), Pending::Nothing);
    }
}
