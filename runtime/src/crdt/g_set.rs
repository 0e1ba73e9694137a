//! A grow-only set (G-set): elements are added and never removed, and merging is union.
//! Generic over the element type, which only needs a total order (for a deterministic
//! iteration order and cheap differences).

use std::collections::BTreeSet;
use std::fmt::Debug;

use serde::{Deserialize, Serialize};

use super::Crdt;

/// A grow-only set. Serialises as a JSON array in ascending order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GSet<T: Ord> {
    elements: BTreeSet<T>,
}

impl<T: Ord> Default for GSet<T> {
    fn default() -> GSet<T> {
        GSet {
            elements: BTreeSet::new(),
        }
    }
}

impl<T: Ord + Clone + Debug> GSet<T> {
    /// The empty set.
    pub fn new() -> GSet<T> {
        GSet::default()
    }

    /// Adds `element`; true when it was not there yet.
    pub fn insert(&mut self, element: T) -> bool {
        self.elements.insert(element)
    }

    pub fn contains(&self, element: &T) -> bool {
        self.elements.contains(element)
    }

    pub fn len(&self) -> usize {
        self.elements.len()
    }

    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// The elements in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.elements.iter()
    }
}

impl<T: Ord + Clone + Debug> Crdt for GSet<T> {
    fn merge(&mut self, other: &GSet<T>) {
        // Cloning only what is missing keeps repeated gossip of a large set cheap.
        for element in &other.elements {
            if !self.elements.contains(element) {
                self.elements.insert(element.clone());
            }
        }
    }

    fn delta_since(&self, known: &GSet<T>) -> Option<GSet<T>> {
        let elements: BTreeSet<T> = self.elements.difference(&known.elements).cloned().collect();
        (!elements.is_empty()).then_some(GSet { elements })
    }
}

impl<T: Ord + Clone + Debug> FromIterator<T> for GSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> GSet<T> {
        GSet {
            elements: iter.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_is_union_and_the_delta_is_the_difference() {
        let mut a: GSet<u32> = [1, 2, 3].into_iter().collect();
        let b: GSet<u32> = [3, 4].into_iter().collect();
        assert_eq!(b.delta_since(&a), Some([4].into_iter().collect()));
        assert_eq!(a.delta_since(&a), None);
        a.merge(&b);
        assert_eq!(a.iter().copied().collect::<Vec<_>>(), vec![1, 2, 3, 4]);
        assert!(b.is_included_in(&a));
    }

    #[test]
    fn insert_reports_whether_the_element_is_new() {
        let mut s = GSet::new();
        assert!(s.insert("x"));
        assert!(!s.insert("x"));
        assert!(s.contains(&"x"));
        assert_eq!(s.len(), 1);
    }
}
