//! The replicated log: entries at indexes 1, 2, ..., each with the term of the leader that
//! created it, and an implicit entry 0 of term 0 before them so that "the entry before the
//! first" needs no special case. A follower's log changes only by [`Log::append_from`],
//! which keeps what matches and cuts away a conflicting suffix.

use serde::{Deserialize, Serialize};

/// One log entry. `command` is `None` for the no-op a leader appends on election (it
/// commits the leader's term, which reads wait for). A command type that serializes as
/// JSON `null` would read back as a no-op, so commands should not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry<C> {
    #[serde(rename = "t")]
    pub term: u64,
    #[serde(rename = "c", skip_serializing_if = "Option::is_none")]
    pub command: Option<C>,
}

/// The entries of one node, in index order.
#[derive(Debug, Clone)]
pub struct Log<C> {
    entries: Vec<Entry<C>>,
}

impl<C> Default for Log<C> {
    fn default() -> Self {
        Log {
            entries: Vec::new(),
        }
    }
}

impl<C: Clone> Log<C> {
    pub fn new() -> Log<C> {
        Log::default()
    }

    /// Index of the last entry, 0 when empty.
    pub fn last_index(&self) -> u64 {
        self.entries.len() as u64
    }

    /// Term of the last entry, 0 when empty.
    pub fn last_term(&self) -> u64 {
        self.entries.last().map_or(0, |entry| entry.term)
    }

    /// Term of the entry at `index`: 0 for index 0, `None` past the end.
    pub fn term_at(&self, index: u64) -> Option<u64> {
        if index == 0 {
            return Some(0);
        }
        self.get(index).map(|entry| entry.term)
    }

    /// The entry at `index` (1-based), if there is one.
    pub fn get(&self, index: u64) -> Option<&Entry<C>> {
        let position = usize::try_from(index.checked_sub(1)?).ok()?;
        self.entries.get(position)
    }

    /// Appends an entry at the end and returns its index (a leader's own proposals).
    pub fn push(&mut self, entry: Entry<C>) -> u64 {
        self.entries.push(entry);
        self.last_index()
    }

    /// Whether the entry at `index` exists with `term` (the AppendEntries consistency
    /// check).
    pub fn matches(&self, index: u64, term: u64) -> bool {
        self.term_at(index) == Some(term)
    }

    /// Whether a log ending at (`last_index`, `last_term`) is at least as up to date as
    /// this one (Raft §5.4.1): a later last term wins, and at equal terms the longer log.
    pub fn is_outdated_by(&self, last_index: u64, last_term: u64) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }

    /// Places `entries` after `prev_index`, which the caller has checked to match. An
    /// entry already present with the same term is kept (a duplicate or reordered
    /// AppendEntries must not cut away entries that arrived later); at the first entry
    /// whose term differs, the rest of the log is cut away and the remaining entries
    /// appended. Returns the index from which the log was cut, if it was.
    pub fn append_from(&mut self, prev_index: u64, entries: &[Entry<C>]) -> Option<u64> {
        let mut cut = None;
        for (offset, entry) in entries.iter().enumerate() {
            let index = prev_index + 1 + offset as u64;
            match self.term_at(index) {
                Some(term) if term == entry.term => continue,
                Some(_) => {
                    self.entries.truncate((index - 1) as usize);
                    cut = Some(index);
                }
                None => {}
            }
            self.entries.extend_from_slice(&entries[offset..]);
            break;
        }
        cut
    }

    /// The index of the first entry that would be cut if `entries` were placed after
    /// `prev_index`, if any: lets a follower refuse a message that would cut committed
    /// entries before changing anything.
    pub fn first_conflict(&self, prev_index: u64, entries: &[Entry<C>]) -> Option<u64> {
        entries.iter().enumerate().find_map(|(offset, entry)| {
            let index = prev_index + 1 + offset as u64;
            self.term_at(index)
                .filter(|term| *term != entry.term)
                .map(|_| index)
        })
    }

    /// The last index at or below `index` whose term is at most `term`: where to probe
    /// for agreement after a rejection (both sides of the fast backtrack use it).
    pub fn last_at_or_below(&self, index: u64, term: u64) -> (u64, u64) {
        let mut at = index.min(self.last_index());
        loop {
            let at_term = self.term_at(at).unwrap_or(0);
            if at == 0 || at_term <= term {
                return (at, at_term);
            }
            at -= 1;
        }
    }

    /// Up to `max` entries starting at `from` (1-based), for an AppendEntries.
    pub fn slice(&self, from: u64, max: usize) -> Vec<Entry<C>> {
        let start = usize::try_from(from.saturating_sub(1)).unwrap_or(usize::MAX);
        self.entries.iter().skip(start).take(max).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(term: u64, command: u32) -> Entry<u32> {
        Entry {
            term,
            command: Some(command),
        }
    }

    fn log_of(terms: &[u64]) -> Log<u32> {
        let mut log = Log::new();
        for (n, term) in terms.iter().enumerate() {
            log.push(entry(*term, n as u32 + 1));
        }
        log
    }

    fn terms(log: &Log<u32>) -> Vec<u64> {
        (1..=log.last_index())
            .map(|i| log.term_at(i).unwrap())
            .collect()
    }

    #[test]
    fn index_zero_has_term_zero_and_past_the_end_has_none() {
        let log = log_of(&[1, 1, 2]);
        assert_eq!(log.term_at(0), Some(0));
        assert_eq!(log.term_at(3), Some(2));
        assert_eq!(log.term_at(4), None);
        assert_eq!((log.last_index(), log.last_term()), (3, 2));
        assert!(log.matches(0, 0) && log.matches(2, 1) && !log.matches(2, 2));
        assert_eq!(Log::<u32>::new().last_term(), 0);
    }

    #[test]
    fn appending_keeps_matching_entries_and_cuts_from_the_first_conflict() {
        let mut log = log_of(&[1, 1, 1, 1]);
        // A stale, shorter copy of what the log already holds cuts nothing.
        assert_eq!(log.append_from(1, &[entry(1, 2)]), None);
        assert_eq!(terms(&log), vec![1, 1, 1, 1]);
        assert_eq!(log.get(4), Some(&entry(1, 4)));
        // A conflict at index 3 cuts 3 and 4 and appends the rest.
        assert_eq!(log.first_conflict(1, &[entry(1, 2), entry(2, 9)]), Some(3));
        assert_eq!(log.append_from(1, &[entry(1, 2), entry(2, 9)]), Some(3));
        assert_eq!(terms(&log), vec![1, 1, 2]);
        assert_eq!(log.get(3), Some(&entry(2, 9)));
        // Entries past the end are appended.
        assert_eq!(log.append_from(3, &[entry(2, 10), entry(3, 11)]), None);
        assert_eq!(terms(&log), vec![1, 1, 2, 2, 3]);
        assert_eq!(log.first_conflict(3, &[entry(2, 10)]), None);
    }

    #[test]
    fn up_to_date_compares_last_terms_then_lengths() {
        let log = log_of(&[1, 2, 2]);
        assert!(log.is_outdated_by(3, 2));
        assert!(log.is_outdated_by(1, 3), "a later term beats a longer log");
        assert!(!log.is_outdated_by(9, 1));
        assert!(!log.is_outdated_by(2, 2));
    }

    #[test]
    fn the_probe_point_skips_whole_terms_of_conflict() {
        let log = log_of(&[1, 1, 3, 3, 3]);
        assert_eq!(log.last_at_or_below(5, 2), (2, 1));
        assert_eq!(log.last_at_or_below(9, 3), (5, 3), "clamped to the log");
        assert_eq!(log.last_at_or_below(4, 0), (0, 0));
        assert_eq!(log.slice(2, 2), vec![entry(1, 2), entry(3, 3)]);
        assert!(log.slice(6, 2).is_empty());
    }
}
