//! Per-key version orders (spec `checkers.md` §2.6): the log of each key as far as anyone
//! saw it, offset by offset, and the dense order of its messages.
//!
//! Offsets may be sparse and large, so nothing is ever allocated by offset value: the log
//! keeps only observed offsets, in order, and "dense index" i means the i-th of them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::index::Index;
use super::ops::{KOp, Key};
use crate::txn::atom::Atom;

/// One key's observed log.
#[derive(Debug, Default, Clone)]
pub struct KeyOrder {
    /// The observed offsets, ascending, each with the (sorted, distinct) messages seen there.
    pub log: Vec<(i64, Vec<Atom>)>,
    /// Message → dense index; where a message sits at several offsets, the later one wins.
    pub by_value: HashMap<Atom, usize>,
}

impl KeyOrder {
    /// The message at dense index `i` (the smallest, if several were seen at that offset).
    pub fn by_index(&self, i: usize) -> &Atom {
        &self.log[i].1[0]
    }

    /// Dense index of `msg`, if it was ever observed at an offset.
    pub fn index_of(&self, msg: &Atom) -> Option<usize> {
        self.by_value.get(msg).copied()
    }

    /// `index_of(b) - index_of(a)`, or 1 when either is unknown (Jepsen's convention).
    pub fn delta(&self, a: &Atom, b: &Atom) -> i64 {
        match (self.index_of(a), self.index_of(b)) {
            (Some(i), Some(j)) => j as i64 - i as i64,
            _ => 1,
        }
    }

    /// The messages strictly between dense indices `from` and `to`.
    pub fn between(&self, from: usize, to: usize) -> Vec<&Atom> {
        (from + 1..to).map(|i| self.by_index(i)).collect()
    }
}

/// The version order of every key (indexed by key), fed by every polled pair and by the
/// offsets of sends that must have committed.
pub fn version_orders(ops: &[KOp], index: &Index, key_count: usize) -> Vec<KeyOrder> {
    let mut logs: Vec<BTreeMap<i64, BTreeSet<Atom>>> = vec![BTreeMap::new(); key_count];
    for (i, op) in ops.iter().enumerate() {
        for (key, pairs) in &op.polls {
            for (offset, msg) in pairs {
                logs[*key as usize]
                    .entry(*offset)
                    .or_default()
                    .insert(msg.clone());
            }
        }
        if index.committed[i] {
            for (key, msgs) in &op.sends {
                for (offset, msg) in msgs {
                    if let Some(offset) = offset {
                        logs[*key as usize]
                            .entry(*offset)
                            .or_default()
                            .insert(msg.clone());
                    }
                }
            }
        }
    }
    logs.into_iter()
        .map(|log| {
            let log: Vec<(i64, Vec<Atom>)> = log
                .into_iter()
                .map(|(o, msgs)| (o, msgs.into_iter().collect()))
                .collect();
            let mut by_value = HashMap::new();
            for (i, (_, msgs)) in log.iter().enumerate() {
                for m in msgs {
                    by_value.insert(m.clone(), i);
                }
            }
            KeyOrder { log, by_value }
        })
        .collect()
}

/// The order of one key, by key.
pub fn order(orders: &[KeyOrder], key: Key) -> &KeyOrder {
    &orders[key as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_indices_skip_unobserved_offsets() {
        let a = |i| Atom::Int(i);
        let log = vec![
            (5, vec![a(1)]),
            (1_000_000_000, vec![a(2), a(3)]),
            (1_000_000_007, vec![a(1)]),
        ];
        let mut by_value = HashMap::new();
        for (i, (_, msgs)) in log.iter().enumerate() {
            for m in msgs {
                by_value.insert(m.clone(), i);
            }
        }
        let o = KeyOrder { log, by_value };
        assert_eq!(o.index_of(&a(1)), Some(2), "the later offset wins");
        assert_eq!(o.by_index(1), &a(2));
        assert_eq!(o.delta(&a(2), &a(3)), 0);
        assert_eq!(
            o.delta(&a(2), &a(9)),
            1,
            "unknown messages count as the next one"
        );
        assert_eq!(o.between(0, 2), vec![&a(2)]);
    }
}
