//! The lookups every Kafka anomaly rule uses (spec `checkers.md` §2.6, "Derived
//! structures"): who wrote each message, who read it, what committed polls saw, which
//! sends failed, and which sends must have committed.

use std::collections::{HashMap, HashSet};

use super::ops::{KOp, Key};
use crate::history::OpType;
use crate::txn::atom::Atom;

/// Derived structures over the completion records.
#[derive(Debug, Default)]
pub struct Index {
    /// Messages read by ok ops, per key (`reads_by_type[ok]`).
    pub ok_reads: HashMap<Key, HashSet<Atom>>,
    /// Messages sent by failed ops (`writes_by_type[fail]`).
    pub failed_writes: HashSet<(Key, Atom)>,
    /// The last completion (by position in the op list) that sent each message.
    pub writer_of: HashMap<(Key, Atom), usize>,
    /// Every completion that read each message.
    pub readers_of: HashMap<(Key, Atom), Vec<usize>>,
    /// `must_have_committed`, per op: ok, or info with a message that some ok op read.
    pub committed: Vec<bool>,
}

impl Index {
    pub fn of(ops: &[KOp]) -> Index {
        let mut index = Index::default();
        for (i, op) in ops.iter().enumerate() {
            for (key, msgs) in &op.sends {
                for (_, msg) in msgs {
                    index.writer_of.insert((*key, msg.clone()), i);
                    if op.kind == OpType::Fail {
                        index.failed_writes.insert((*key, msg.clone()));
                    }
                }
            }
            for (key, pairs) in &op.polls {
                for (_, msg) in pairs {
                    index
                        .readers_of
                        .entry((*key, msg.clone()))
                        .or_default()
                        .push(i);
                    if op.kind == OpType::Ok {
                        index.ok_reads.entry(*key).or_default().insert(msg.clone());
                    }
                }
            }
        }
        index.committed = ops
            .iter()
            .map(|op| match op.kind {
                OpType::Ok => true,
                OpType::Info => op.sends.iter().any(|(k, msgs)| {
                    index
                        .ok_reads
                        .get(k)
                        .is_some_and(|read| msgs.iter().any(|(_, m)| read.contains(m)))
                }),
                _ => false,
            })
            .collect();
        index
    }

    /// Whether some ok op read `msg` from `key`.
    pub fn ok_read(&self, key: Key, msg: &Atom) -> bool {
        self.ok_reads.get(&key).is_some_and(|s| s.contains(msg))
    }
}
