//! Version orders for list-append (spec `checkers.md` §4.8): every read returns a whole
//! list, so each key's committed reads must be prefixes of one another, and the longest
//! one is the key's version order. Reads that are not prefixes of each other are
//! `incompatible-order`: no single timeline can explain both.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::json;

use super::anomalies::Anomalies;
use super::atom::Atom;
use super::mop::{Mop, Txn};
use crate::history::OpType;

/// Per key: the elements in the order they were appended, as far as reads show.
#[derive(Debug, Default)]
pub struct AppendOrders {
    pub orders: HashMap<Atom, Vec<Atom>>,
    positions: HashMap<Atom, HashMap<Atom, usize>>,
}

impl AppendOrders {
    /// Infers the orders from ok/info reads, recording `incompatible-order` cases.
    pub fn infer(txns: &[Txn<Vec<Atom>>], anomalies: &mut Anomalies) -> AppendOrders {
        let mut reads: BTreeMap<&Atom, BTreeSet<&Vec<Atom>>> = BTreeMap::new();
        let mut appends: HashMap<&Atom, Vec<&Atom>> = HashMap::new();
        for txn in txns
            .iter()
            .filter(|t| matches!(t.kind, OpType::Ok | OpType::Info))
        {
            for mop in &txn.mops {
                match mop {
                    Mop::Read {
                        key,
                        value: Some(list),
                    } if !list.is_empty() => {
                        reads.entry(key).or_default().insert(list);
                    }
                    Mop::Write { key, value } => appends.entry(key).or_default().push(value),
                    Mop::Read { .. } => {}
                }
            }
        }
        let mut result = AppendOrders::default();
        for (key, lists) in reads {
            let mut lists: Vec<&Vec<Atom>> = lists.into_iter().collect();
            lists.sort_by_key(|l| l.len());
            if let Some(pair) = lists.windows(2).find(|w| !w[1].starts_with(w[0])) {
                let values: Vec<Vec<serde_json::Value>> = pair
                    .iter()
                    .map(|l| l.iter().map(Atom::to_json).collect())
                    .collect();
                anomalies.add(
                    "incompatible-order",
                    json!({"key": key.to_json(), "values": values}),
                );
            }
            let longest = lists.last().expect("a key with reads has a longest read");
            let mut seen = HashSet::new();
            let order: Vec<Atom> = longest
                .iter()
                .filter(|e| seen.insert(*e))
                .cloned()
                .collect();
            result.orders.insert(key.clone(), order);
        }
        // A key appended exactly once and never read non-empty: its order is that one element.
        for (key, values) in appends {
            if values.len() == 1 && !result.orders.contains_key(key) {
                result.orders.insert(key.clone(), vec![values[0].clone()]);
            }
        }
        for (key, order) in &result.orders {
            result.positions.insert(
                key.clone(),
                order
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.clone(), i))
                    .collect(),
            );
        }
        result
    }

    /// The version that `value`'s append on `key` followed: the element before it, the last
    /// observed element if it was never observed (it came after everything seen), or
    /// `None` (the empty list) if it is first or the key has no order.
    pub fn previous(&self, key: &Atom, value: &Atom) -> Option<&Atom> {
        let order = self.orders.get(key)?;
        match self.positions[key].get(value) {
            Some(0) => None,
            Some(&i) => Some(&order[i - 1]),
            None => order.last(),
        }
    }

    /// The key's order (empty if unknown).
    pub fn order(&self, key: &Atom) -> &[Atom] {
        self.orders.get(key).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::HistoryBuilder;
    use crate::txn::mop::completed_txns;

    #[test]
    fn longest_read_is_the_order_and_prefixes_must_agree() {
        let h = HistoryBuilder::new()
            .ok(0, "txn", json!([["r", 1, [1]], ["r", 2, [5, 6]]]))
            .ok(1, "txn", json!([["r", 1, [1, 2, 3]], ["r", 2, [5, 7]]]))
            .ok(2, "txn", json!([["append", 3, 9]]))
            .build();
        let txns = completed_txns(&h, "append").unwrap();
        let mut a = Anomalies::new();
        let o = AppendOrders::infer(&txns, &mut a);
        let x = |i| Atom::Int(i);
        assert_eq!(o.order(&x(1)), &[x(1), x(2), x(3)]);
        assert_eq!(o.order(&x(3)), &[x(9)], "a single unread append");
        assert_eq!(o.previous(&x(1), &x(3)), Some(&x(2)));
        assert_eq!(o.previous(&x(1), &x(1)), None);
        assert_eq!(
            o.previous(&x(1), &x(4)),
            Some(&x(3)),
            "unobserved appends come last"
        );
        assert_eq!(o.previous(&x(8), &x(4)), None);
        assert_eq!(
            a.to_json()["incompatible-order"],
            json!([{"key": 2, "values": [[5, 6], [5, 7]]}])
        );
    }
}
