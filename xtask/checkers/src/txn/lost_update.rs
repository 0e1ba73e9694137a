//! Lost update (spec `checkers.md` §4.4), shared by both Elle checkers: two committed
//! transactions that both read the same state of a key first and then both wrote it. Each
//! would have overwritten the other's update, whatever the version order was, so this is
//! found directly instead of through cycles (the version order is often not inferable).

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Value};

use super::anomalies::{op_json, Anomalies};
use super::atom::Atom;
use super::mop::{Mop, ReadValue, Txn};
use crate::history::{Op, OpType};

/// Adds one `lost-update` case per (key, value read) that two or more ok transactions
/// read first and then wrote.
pub fn lost_update_cases<R: ReadValue>(history: &[Op], txns: &[Txn<R>], anomalies: &mut Anomalies) {
    // (key, value read as JSON text) → positions of the transactions.
    let mut groups: BTreeMap<(Atom, String), (Value, Vec<usize>)> = BTreeMap::new();
    for txn in txns.iter().filter(|t| t.kind == OpType::Ok) {
        let mut first_read: BTreeMap<&Atom, Option<&R>> = BTreeMap::new();
        let mut touched: HashSet<&Atom> = HashSet::new();
        let mut written: HashSet<&Atom> = HashSet::new();
        for mop in &txn.mops {
            match mop {
                Mop::Read { key, value } => {
                    if touched.insert(key) {
                        first_read.insert(key, value.as_ref());
                    }
                }
                Mop::Write { key, .. } => {
                    touched.insert(key);
                    if let Some(read) = first_read.get(key) {
                        if written.insert(key) {
                            let value = read.map_or(Value::Null, R::to_json);
                            let entry = groups
                                .entry((key.clone(), value.to_string()))
                                .or_insert((value, Vec::new()));
                            entry.1.push(txn.pos);
                        }
                    }
                }
            }
        }
    }
    for ((key, _), (value, positions)) in groups {
        if positions.len() >= 2 {
            let ops: Vec<Value> = positions.iter().map(|&p| op_json(&history[p])).collect();
            anomalies.add(
                "lost-update",
                json!({"key": key.to_json(), "value": value, "txns": ops}),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::HistoryBuilder;
    use crate::txn::mop::completed_txns;

    #[test]
    fn two_writers_from_one_read_state() {
        let h = HistoryBuilder::new()
            .ok(0, "txn", json!([["r", 1, null], ["w", 1, 1]]))
            .ok(1, "txn", json!([["r", 1, null], ["w", 1, 2]]))
            .ok(2, "txn", json!([["w", 1, 3], ["r", 1, 3], ["w", 1, 4]]))
            .ok(3, "txn", json!([["r", 1, 2], ["w", 1, 5]]))
            .build();
        let txns = completed_txns::<Atom>(&h, "w").unwrap();
        let mut a = Anomalies::new();
        lost_update_cases(&h, &txns, &mut a);
        let cases = a.to_json()["lost-update"].clone();
        assert_eq!(cases.as_array().unwrap().len(), 1);
        assert_eq!(cases[0]["value"], json!(null));
        assert_eq!(cases[0]["txns"].as_array().unwrap().len(), 2);
    }
}
