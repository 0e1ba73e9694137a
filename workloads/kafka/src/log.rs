//! In-memory append-only logs, one per key, with dense offsets (offset = position).
//!
//! Both handlers keep logs in this shape: `kafka` as a cache of what lin-kv holds, and
//! `kafka-lean` as its state (the owner's authoritative log, or a replica's copy of it).
//! Every copy of a key's log is a prefix of the owner's, so a copy only ever grows at its
//! end: [`Logs::extend`] accepts entries that continue the copy and ignores those that
//! would leave a gap (they arrive again later, from the right place).

use std::collections::HashMap;

use serde_json::Value;

/// The most entries one poll returns for one key. Maelstrom sends at most
/// `--max-writes-per-key` (16) messages to a key, so this bound only matters for other
/// clients; it keeps a reply to a far-behind consumer from growing without limit.
pub const MAX_POLL_ENTRIES: usize = 1024;

/// Logs by key.
#[derive(Debug, Default)]
pub struct Logs {
    logs: HashMap<String, Vec<Value>>,
}

/// What [`Logs::extend`] did with a batch of entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extended {
    /// The copy now has this many entries (possibly unchanged, when all were known).
    To(u64),
    /// The entries start beyond the copy's end; nothing was taken.
    Gap { have: u64, start: u64 },
    /// An entry disagrees with the copy at that offset: a broken invariant (every copy
    /// comes from the key's single sequencer), reported rather than papered over.
    Conflict { offset: u64 },
}

impl Logs {
    /// Appends `msg` to `key`'s log and returns its offset.
    pub fn append(&mut self, key: &str, msg: Value) -> u64 {
        let log = self.logs.entry(key.to_owned()).or_default();
        log.push(msg);
        (log.len() - 1) as u64
    }

    /// How many entries `key`'s log has (0 for an unknown key).
    pub fn len(&self, key: &str) -> u64 {
        self.logs.get(key).map_or(0, |log| log.len() as u64)
    }

    /// The entries of `key` from `offset` on, as `[offset, msg]` pairs, at most
    /// [`MAX_POLL_ENTRIES`]. Contiguous by construction, as `poll` requires.
    pub fn read_from(&self, key: &str, offset: u64) -> Vec<(u64, Value)> {
        let Some(log) = self.logs.get(key) else {
            return Vec::new();
        };
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(log.len());
        log[start..]
            .iter()
            .take(MAX_POLL_ENTRIES)
            .enumerate()
            .map(|(i, msg)| ((start + i) as u64, msg.clone()))
            .collect()
    }

    /// The whole log of `key`, or `None` for an unknown key.
    pub fn get(&self, key: &str) -> Option<&[Value]> {
        self.logs.get(key).map(Vec::as_slice)
    }

    /// Adds `entries`, which sit at offsets `start, start + 1, ...`, to `key`'s copy: the
    /// part already known is compared, the rest appended.
    pub fn extend(&mut self, key: &str, start: u64, entries: &[Value]) -> Extended {
        let log = self.logs.entry(key.to_owned()).or_default();
        let have = log.len() as u64;
        if start > have {
            return Extended::Gap { have, start };
        }
        for (i, msg) in entries.iter().enumerate() {
            let offset = start + i as u64;
            match log.get(offset as usize) {
                Some(known) if known != msg => return Extended::Conflict { offset },
                Some(_) => {}
                None => log.push(msg.clone()),
            }
        }
        Extended::To(log.len() as u64)
    }

    /// Every key with at least one entry, with its length.
    pub fn lengths(&self) -> impl Iterator<Item = (&str, u64)> {
        self.logs
            .iter()
            .filter(|(_, log)| !log.is_empty())
            .map(|(key, log)| (key.as_str(), log.len() as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn appends_get_dense_offsets_per_key() {
        let mut logs = Logs::default();
        assert_eq!(logs.append("a", json!(10)), 0);
        assert_eq!(logs.append("a", json!(11)), 1);
        assert_eq!(logs.append("b", json!(20)), 0);
        assert_eq!(logs.len("a"), 2);
        assert_eq!(logs.len("zzz"), 0);
    }

    #[test]
    fn reads_are_contiguous_from_the_requested_offset() {
        let mut logs = Logs::default();
        for m in 1..=4 {
            logs.append("k", json!(m));
        }
        assert_eq!(logs.read_from("k", 2), vec![(2, json!(3)), (3, json!(4))]);
        assert_eq!(logs.read_from("k", 0).len(), 4);
        assert!(logs.read_from("k", 4).is_empty());
        assert!(logs.read_from("k", u64::MAX).is_empty());
        assert!(logs.read_from("nope", 0).is_empty());
    }

    #[test]
    fn reads_are_bounded() {
        let mut logs = Logs::default();
        for m in 0..MAX_POLL_ENTRIES + 5 {
            logs.append("k", json!(m));
        }
        let read = logs.read_from("k", 3);
        assert_eq!(read.len(), MAX_POLL_ENTRIES);
        assert_eq!(read[0].0, 3);
    }

    #[test]
    fn extend_takes_continuations_skips_known_entries_and_refuses_gaps() {
        let mut logs = Logs::default();
        assert_eq!(logs.extend("k", 0, &[json!(1), json!(2)]), Extended::To(2));
        // Overlapping batch: the known part is checked, the new part appended.
        assert_eq!(logs.extend("k", 1, &[json!(2), json!(3)]), Extended::To(3));
        // A batch from the past changes nothing.
        assert_eq!(logs.extend("k", 0, &[json!(1)]), Extended::To(3));
        assert_eq!(
            logs.extend("k", 5, &[json!(6)]),
            Extended::Gap { have: 3, start: 5 }
        );
        assert_eq!(logs.len("k"), 3);
        assert_eq!(
            logs.extend("k", 2, &[json!(99)]),
            Extended::Conflict { offset: 2 }
        );
        assert_eq!(logs.get("k").unwrap(), &[json!(1), json!(2), json!(3)]);
    }

    #[test]
    fn lengths_list_non_empty_logs() {
        let mut logs = Logs::default();
        logs.append("a", json!(1));
        logs.extend("b", 0, &[]);
        let lengths: Vec<_> = logs.lengths().collect();
        assert_eq!(lengths, vec![("a", 1)]);
    }
}
