//! The set of values a node holds, kept in arrival order so a read is a plain copy and
//! membership is a hash look-up.

use std::collections::HashSet;

use crate::payload::Value;

#[derive(Debug, Default, Clone)]
pub struct Values {
    seen: HashSet<Value>,
    in_order: Vec<Value>,
}

impl Values {
    /// Adds `value`; false if it was already held.
    pub fn insert(&mut self, value: Value) -> bool {
        let new = self.seen.insert(value);
        if new {
            self.in_order.push(value);
        }
        new
    }

    pub fn contains(&self, value: Value) -> bool {
        self.seen.contains(&value)
    }

    /// Every held value, oldest first.
    pub fn all(&self) -> &[Value] {
        &self.in_order
    }

    pub fn len(&self) -> usize {
        self.in_order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.in_order.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_each_value_once_in_arrival_order() {
        let mut values = Values::default();
        assert!(values.insert(5) && values.insert(1));
        assert!(!values.insert(5));
        assert_eq!(values.all(), [5, 1]);
        assert!(values.contains(1) && !values.contains(2));
        assert_eq!(values.len(), 2);
    }
}
