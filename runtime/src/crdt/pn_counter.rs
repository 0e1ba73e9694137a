//! A counter that goes up and down (PN-counter): one grow-only counter of increments and
//! one of decrements, each merged by per-replica max; the value is their difference. A
//! single signed entry per replica would not do, since max cannot tell a later, lower value
//! from an earlier one.

use serde::{Deserialize, Serialize};

use super::{Crdt, GCounter};

/// A counter of signed deltas. Serialises as `{"inc": {..}, "dec": {..}}`, each a
/// [`GCounter`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PnCounter {
    #[serde(default)]
    inc: GCounter,
    #[serde(default)]
    dec: GCounter,
}

impl PnCounter {
    /// The zero counter.
    pub fn new() -> PnCounter {
        PnCounter::default()
    }

    /// Adds `delta` (of either sign) on behalf of `replica`, which must be the caller.
    pub fn add(&mut self, replica: &str, delta: i64) {
        if delta >= 0 {
            self.inc.increment(replica, delta.unsigned_abs());
        } else {
            self.dec.increment(replica, delta.unsigned_abs());
        }
    }

    /// The counter's value: all increments minus all decrements.
    pub fn value(&self) -> i64 {
        let net = i128::from(self.inc.value()) - i128::from(self.dec.value());
        net.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// The grow-only counter of increments.
    pub fn increments(&self) -> &GCounter {
        &self.inc
    }

    /// The grow-only counter of decrements (as positive amounts).
    pub fn decrements(&self) -> &GCounter {
        &self.dec
    }
}

impl Crdt for PnCounter {
    fn merge(&mut self, other: &PnCounter) {
        self.inc.merge(&other.inc);
        self.dec.merge(&other.dec);
    }

    fn delta_since(&self, known: &PnCounter) -> Option<PnCounter> {
        let inc = self.inc.delta_since(&known.inc);
        let dec = self.dec.delta_since(&known.dec);
        if inc.is_none() && dec.is_none() {
            return None;
        }
        Some(PnCounter {
            inc: inc.unwrap_or_default(),
            dec: dec.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn value_is_increments_minus_decrements() {
        let mut c = PnCounter::new();
        c.add("n0", 4);
        c.add("n0", -5);
        c.add("n1", -2);
        c.add("n1", 0);
        assert_eq!(c.value(), -3);
        assert_eq!((c.increments().value(), c.decrements().value()), (4, 7));
    }

    #[test]
    fn replicas_that_saw_the_same_adds_agree_after_merging() {
        let (mut a, mut b) = (PnCounter::new(), PnCounter::new());
        a.add("n0", 3);
        a.add("n0", -1);
        b.add("n1", -4);
        let before_b = b.clone();
        b.merge(&a);
        a.merge(&before_b);
        assert_eq!(a, b);
        assert_eq!(a.value(), -2);
    }

    #[test]
    fn the_delta_carries_only_the_sides_that_moved_and_round_trips_as_json() {
        let mut known = PnCounter::new();
        known.add("n0", 2);
        let mut mine = known.clone();
        mine.add("n0", -3);
        let delta = mine.delta_since(&known).unwrap();
        assert_eq!(
            serde_json::to_value(&delta).unwrap(),
            json!({"inc": {}, "dec": {"n0": 3}})
        );
        let parsed: PnCounter = serde_json::from_value(json!({"dec": {"n0": 3}})).unwrap();
        assert_eq!(parsed, delta);
        known.merge(&delta);
        assert_eq!(known, mine);
    }
}
