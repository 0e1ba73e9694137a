//! Property tests of the CRDT laws for every type in this module: merge is commutative,
//! associative and idempotent, a delta brings a stale copy exactly up to date, and the
//! value of a merge is what the replicas' updates add up to.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::{Crdt, GCounter, GSet, PnCounter};

const REPLICAS: &[&str] = &["n0", "n1", "n2", "n3"];

/// Updates made by replicas: (replica index, signed delta or element).
fn updates() -> impl Strategy<Value = Vec<(usize, i64)>> {
    prop::collection::vec((0..REPLICAS.len(), -5i64..=4), 0..40)
}

/// Runs `updates` on per-replica copies, and returns the copies after each has seen only
/// its own updates plus a random subset of merges from earlier copies (so the copies are
/// concurrent, overlapping states, as in a partitioned cluster).
fn g_counters(updates: &[(usize, i64)]) -> Vec<GCounter> {
    let mut copies = vec![GCounter::new(); REPLICAS.len()];
    for &(r, delta) in updates {
        copies[r].increment(REPLICAS[r], delta.unsigned_abs());
        if delta == 0 {
            // Use the zero draws to spread state: replica r hears from the next one.
            let next = copies[(r + 1) % REPLICAS.len()].clone();
            copies[r].merge(&next);
        }
    }
    copies
}

fn pn_counters(updates: &[(usize, i64)]) -> Vec<PnCounter> {
    let mut copies = vec![PnCounter::new(); REPLICAS.len()];
    for (step, &(r, delta)) in updates.iter().enumerate() {
        copies[r].add(REPLICAS[r], delta);
        if step % 3 == 0 {
            let next = copies[(r + 1) % REPLICAS.len()].clone();
            copies[r].merge(&next);
        }
    }
    copies
}

fn g_sets(updates: &[(usize, i64)]) -> Vec<GSet<i64>> {
    let mut copies = vec![GSet::new(); REPLICAS.len()];
    for (step, &(r, element)) in updates.iter().enumerate() {
        copies[r].insert(element);
        if step % 3 == 0 {
            let next = copies[(r + 1) % REPLICAS.len()].clone();
            copies[r].merge(&next);
        }
    }
    copies
}

fn merged<C: Crdt>(a: &C, b: &C) -> C {
    let mut m = a.clone();
    m.merge(b);
    m
}

/// Checks the laws on three states of one type.
fn check_laws<C: Crdt>(a: &C, b: &C, c: &C) -> Result<(), TestCaseError> {
    prop_assert_eq!(merged(a, b), merged(b, a), "commutative");
    prop_assert_eq!(
        merged(&merged(a, b), c),
        merged(a, &merged(b, c)),
        "associative"
    );
    prop_assert_eq!(merged(a, a), a.clone(), "idempotent");
    prop_assert_eq!(merged(&merged(a, b), b), merged(a, b), "idempotent");
    prop_assert!(
        a.is_included_in(&merged(a, b)),
        "a merge includes its inputs"
    );
    prop_assert!(merged(a, b).is_included_in(&merged(&merged(a, b), c)));
    // A delta brings a stale copy to exactly the state a full merge would.
    match a.delta_since(b) {
        Some(delta) => {
            prop_assert_eq!(merged(b, &delta), merged(b, a), "delta completes");
            prop_assert!(delta.is_included_in(a), "a delta holds nothing new");
        }
        None => prop_assert_eq!(merged(b, a), b.clone(), "no delta means nothing to add"),
    }
    Ok(())
}

proptest! {
    #[test]
    fn g_counter_merge_laws_and_value(updates in updates(), pick in (0..4usize, 0..4usize, 0..4usize)) {
        let copies = g_counters(&updates);
        check_laws(&copies[pick.0], &copies[pick.1], &copies[pick.2])?;
        // Merging every copy gives the sum of all updates exactly once each.
        let all = copies.iter().fold(GCounter::new(), |acc, c| merged(&acc, c));
        let expected: u64 = updates.iter().map(|&(_, d)| d.unsigned_abs()).sum();
        prop_assert_eq!(all.value(), expected);
        // And merged(a, b) holds, per replica, the larger entry.
        let (a, b) = (&copies[pick.0], &copies[pick.1]);
        let m = merged(a, b);
        for replica in REPLICAS {
            prop_assert_eq!(m.get(replica), a.get(replica).max(b.get(replica)));
        }
    }

    #[test]
    fn pn_counter_merge_laws_and_value(updates in updates(), pick in (0..4usize, 0..4usize, 0..4usize)) {
        let copies = pn_counters(&updates);
        check_laws(&copies[pick.0], &copies[pick.1], &copies[pick.2])?;
        let all = copies.iter().fold(PnCounter::new(), |acc, c| merged(&acc, c));
        prop_assert_eq!(all.value(), updates.iter().map(|&(_, d)| d).sum::<i64>());
    }

    #[test]
    fn g_set_merge_laws_and_value(updates in updates(), pick in (0..4usize, 0..4usize, 0..4usize)) {
        let copies = g_sets(&updates);
        check_laws(&copies[pick.0], &copies[pick.1], &copies[pick.2])?;
        let all = copies.iter().fold(GSet::new(), |acc, c| merged(&acc, c));
        let expected: std::collections::BTreeSet<i64> = updates.iter().map(|&(_, e)| e).collect();
        prop_assert_eq!(all.iter().copied().collect::<std::collections::BTreeSet<_>>(), expected);
    }

    #[test]
    fn g_counter_merge_survives_any_delivery_order_and_duplication(
        updates in updates(),
        order in prop::collection::vec(0..4usize, 0..30),
    ) {
        // Whatever order and repetition of full states a node receives, once it has
        // received every copy its value is the same.
        let copies = g_counters(&updates);
        let mut node = GCounter::new();
        for &i in &order {
            node.merge(&copies[i]);
        }
        for c in &copies {
            node.merge(c);
        }
        let reference = copies.iter().rev().fold(GCounter::new(), |acc, c| merged(&acc, c));
        prop_assert_eq!(&node, &reference);
        let sums: BTreeMap<&str, u64> = REPLICAS.iter().map(|r| (*r, reference.get(r))).collect();
        prop_assert_eq!(node.value(), sums.values().sum::<u64>());
    }
}
