//! Committed offsets as a grow-only map: merging keeps the larger offset per key, so
//! copies on different nodes converge whatever order commits and their replicas arrive in,
//! and a committed offset never moves backwards.

use std::collections::HashMap;

use crate::payload::Offsets;

/// Committed offsets by key.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Commits {
    offsets: HashMap<String, u64>,
}

impl Commits {
    /// Raises `key`'s committed offset to `offset` if that is larger; true if it changed.
    pub fn raise(&mut self, key: &str, offset: u64) -> bool {
        match self.offsets.get_mut(key) {
            Some(known) if *known >= offset => false,
            Some(known) => {
                *known = offset;
                true
            }
            None => {
                self.offsets.insert(key.to_owned(), offset);
                true
            }
        }
    }

    /// `key`'s committed offset, if any commit reached it.
    pub fn get(&self, key: &str) -> Option<u64> {
        self.offsets.get(key).copied()
    }

    /// The committed offsets of `keys` (keys without one are left out).
    pub fn of<'a>(&self, keys: impl IntoIterator<Item = &'a String>) -> Offsets {
        keys.into_iter()
            .filter_map(|key| self.get(key).map(|offset| (key.clone(), offset)))
            .collect()
    }

    /// Every entry.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.offsets
            .iter()
            .map(|(key, &offset)| (key.as_str(), offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_only_move_forward() {
        let mut commits = Commits::default();
        assert!(commits.raise("k", 5));
        assert!(!commits.raise("k", 3));
        assert!(!commits.raise("k", 5));
        assert!(commits.raise("k", 9));
        assert_eq!(commits.get("k"), Some(9));
        assert_eq!(commits.get("other"), None);
    }

    #[test]
    fn listing_leaves_out_unknown_keys() {
        let mut commits = Commits::default();
        commits.raise("a", 1);
        let keys = ["a".to_owned(), "b".to_owned()];
        assert_eq!(commits.of(&keys), Offsets::from([("a".to_owned(), 1)]));
    }
}
