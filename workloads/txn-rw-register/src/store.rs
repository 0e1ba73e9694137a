//! One node's copy of every register, and the only place transactions take effect.
//!
//! The store is a last-writer-wins map from key to the newest version it knows, where
//! "newest" is by [`Timestamp`]. It also keeps the node's Lamport counter. A local
//! transaction runs whole inside one call (the caller holds the store's lock), takes a
//! timestamp above every timestamp this store has seen, and installs only its final write
//! per key; a remote transaction is installed the same way, key by key, where its
//! timestamp beats the version already there. Both rules together make every replica
//! converge to the same state and keep each key's versions in timestamp order everywhere.

use std::collections::HashMap;

use serde_json::Value;

use runtime::Error;

use crate::payload::{Committed, Key, MicroOp, Timestamp};

/// The highest Lamport counter a peer's transaction may carry. A real peer's counter grows
/// by one per commit, so it never comes near this; a forged `replicate` with a counter at
/// `u64::MAX` would otherwise leave no counter for this node's next commit (and `+ 1` would
/// wrap it to 0, ordering new writes before old ones). Half the range leaves 2^63 commits.
pub const MAX_PEER_CLOCK: u64 = u64::MAX / 2;

/// A value and the timestamp of the transaction that wrote it.
#[derive(Debug, Clone, PartialEq)]
struct Version {
    ts: Timestamp,
    value: Value,
}

/// A node's registers and Lamport clock.
#[derive(Debug)]
pub struct Store {
    node: u32,
    /// The highest counter this node has used or seen.
    clock: u64,
    registers: HashMap<Key, Version>,
}

impl Store {
    /// An empty store for the node at index `node`.
    pub fn new(node: u32) -> Store {
        Store {
            node,
            clock: 0,
            registers: HashMap::new(),
        }
    }

    /// Runs `txn` atomically and commits it. Returns the micro-ops with reads filled in,
    /// and what the transaction changed, to replicate (`None` for a read-only one).
    ///
    /// A read sees the transaction's own earlier write to the key if there is one, else the
    /// store's committed value; writes stay private until the end, when only the last write
    /// to each key is installed. So no other transaction ever sees an intermediate write.
    pub fn execute(&mut self, txn: Vec<MicroOp>) -> (Vec<MicroOp>, Option<Committed>) {
        // The transaction's final writes, in first-written order so replies and replication
        // are deterministic.
        let mut writes: Vec<(Key, Value)> = Vec::new();
        let completed = txn
            .into_iter()
            .map(|op| match op {
                MicroOp::Read { key, .. } => {
                    let own = writes.iter().find(|(k, _)| *k == key).map(|(_, v)| v);
                    let value = own
                        .or_else(|| self.registers.get(&key).map(|version| &version.value))
                        .cloned()
                        .unwrap_or(Value::Null);
                    MicroOp::Read { key, value }
                }
                MicroOp::Write { key, value } => {
                    match writes.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = value.clone(),
                        None => writes.push((key, value.clone())),
                    }
                    MicroOp::Write { key, value }
                }
            })
            .collect();
        if writes.is_empty() {
            return (completed, None);
        }
        // `apply` keeps the clock at or below `MAX_PEER_CLOCK`, and local commits alone
        // cannot count to 2^63.
        self.clock = self
            .clock
            .checked_add(1)
            .expect("the Lamport clock stays far below u64::MAX");
        let committed = Committed {
            ts: Timestamp(self.clock, self.node),
            writes,
        };
        self.apply(&committed);
        (completed, Some(committed))
    }

    /// Refuses a peer's transaction whose counter is past [`MAX_PEER_CLOCK`] (error 12), so a
    /// forged one cannot exhaust this node's clock. Check a whole message before applying
    /// any of it.
    pub fn admit(committed: &Committed) -> Result<(), Error> {
        if committed.ts.0 <= MAX_PEER_CLOCK {
            return Ok(());
        }
        Err(Error::malformed(format!(
            "a replicated transaction's clock {} is past {MAX_PEER_CLOCK}, which no node reaches",
            committed.ts.0
        )))
    }

    /// Installs a committed transaction (local or a peer's): each write wins where its
    /// timestamp is newer than the key's current version. Applying the same transaction
    /// again changes nothing, so retried replication is harmless.
    pub fn apply(&mut self, committed: &Committed) {
        // Lamport's rule: whatever this node commits from now on is ordered after
        // everything it has seen.
        self.clock = self.clock.max(committed.ts.0);
        for (key, value) in &committed.writes {
            let newer = self
                .registers
                .get(key)
                .is_none_or(|current| current.ts < committed.ts);
            if newer {
                self.registers.insert(
                    *key,
                    Version {
                        ts: committed.ts,
                        value: value.clone(),
                    },
                );
            }
        }
    }

    /// The committed value of `key`, if any.
    pub fn get(&self, key: Key) -> Option<&Value> {
        self.registers.get(&key).map(|version| &version.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(key: Key) -> MicroOp {
        MicroOp::Read {
            key,
            value: Value::Null,
        }
    }

    fn w(key: Key, value: i64) -> MicroOp {
        MicroOp::Write {
            key,
            value: json!(value),
        }
    }

    fn read_of(ops: &[MicroOp], index: usize) -> Value {
        match &ops[index] {
            MicroOp::Read { value, .. } => value.clone(),
            other => panic!("micro-op {index} is not a read: {other:?}"),
        }
    }

    #[test]
    fn reads_see_own_writes_and_only_final_writes_are_installed() {
        let mut store = Store::new(0);
        let (done, committed) = store.execute(vec![r(1), w(1, 1), r(1), w(1, 2), w(2, 5)]);
        assert_eq!(read_of(&done, 0), Value::Null);
        assert_eq!(read_of(&done, 2), json!(1));
        let committed = committed.unwrap();
        assert_eq!(committed.writes, vec![(1, json!(2)), (2, json!(5))]);
        assert_eq!(committed.ts, Timestamp(1, 0));
        assert_eq!(store.get(1), Some(&json!(2)));
        let (done, committed) = store.execute(vec![r(1), r(2), r(3)]);
        assert_eq!(
            [read_of(&done, 0), read_of(&done, 1), read_of(&done, 2)],
            [json!(2), json!(5), Value::Null]
        );
        assert!(
            committed.is_none(),
            "read-only transactions replicate nothing"
        );
    }

    #[test]
    fn remote_writes_are_last_writer_wins_and_replays_change_nothing() {
        let mut store = Store::new(0);
        store.execute(vec![w(1, 1)]); // Timestamp(1, 0)
        let older = Committed {
            ts: Timestamp(1, 1),
            writes: vec![(1, json!(10)), (2, json!(20))],
        };
        store.apply(&older);
        // (1, 1) beats (1, 0): node index breaks the counter tie.
        assert_eq!(store.get(1), Some(&json!(10)));
        let newer = Committed {
            ts: Timestamp(5, 1),
            writes: vec![(2, json!(21))],
        };
        store.apply(&newer);
        store.apply(&older);
        assert_eq!(
            (store.get(1), store.get(2)),
            (Some(&json!(10)), Some(&json!(21)))
        );
    }

    #[test]
    fn local_commits_are_ordered_after_everything_seen() {
        let mut store = Store::new(0);
        store.apply(&Committed {
            ts: Timestamp(41, 1),
            writes: vec![(1, json!(1))],
        });
        let (_, committed) = store.execute(vec![r(1), w(1, 2)]);
        assert_eq!(committed.unwrap().ts, Timestamp(42, 0));
        assert_eq!(store.get(1), Some(&json!(2)));
    }

    #[test]
    fn a_forged_clock_is_refused_and_admitted_ones_leave_room_to_commit() {
        let forged = Committed {
            ts: Timestamp(u64::MAX, 1),
            writes: vec![(1, json!(1))],
        };
        let error = Store::admit(&forged).unwrap_err();
        assert_eq!(error.code, runtime::ErrorCode::MalformedRequest);
        let highest = Committed {
            ts: Timestamp(MAX_PEER_CLOCK, 1),
            writes: vec![(1, json!(1))],
        };
        Store::admit(&highest).unwrap();
        let mut store = Store::new(0);
        store.apply(&highest);
        let (_, committed) = store.execute(vec![w(1, 2)]);
        assert_eq!(committed.unwrap().ts, Timestamp(MAX_PEER_CLOCK + 1, 0));
        assert_eq!(store.get(1), Some(&json!(2)));
    }

    #[test]
    fn replicas_converge_whatever_the_delivery_order() {
        let units: Vec<Committed> = (1..=6)
            .map(|i| Committed {
                ts: Timestamp(i / 2, (i % 2) as u32),
                writes: vec![(i as Key % 3, json!(i)), (7, json!(i))],
            })
            .collect();
        let mut forward = Store::new(2);
        let mut backward = Store::new(3);
        units.iter().for_each(|u| forward.apply(u));
        units.iter().rev().for_each(|u| backward.apply(u));
        for key in [0, 1, 2, 7] {
            assert_eq!(forward.get(key), backward.get(key), "key {key}");
        }
        assert_eq!(forward.get(7), Some(&json!(6)));
    }
}
