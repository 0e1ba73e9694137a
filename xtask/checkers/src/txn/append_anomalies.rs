//! The list-append anomalies found without cycles (spec `checkers.md` §4.8): `internal`,
//! `future-read`, `duplicate-elements`, `G1a`, `G1b` and `dirty-update`.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};

use super::anomalies::{op_json, Anomalies};
use super::append_order::AppendOrders;
use super::atom::Atom;
use super::mop::{mop_json, DirtyWrites, Mop, Txn};
use crate::history::{Op, OpType};

type ListTxn = Txn<Vec<Atom>>;

/// What a transaction expects a key's list to be after its own earlier micro-ops.
enum Expected {
    /// The whole list is known (the transaction read it).
    Whole(Vec<Atom>),
    /// Only the tail is known: the transaction appended these without reading first.
    EndsWith(Vec<Atom>),
}

impl Expected {
    fn matches(&self, read: &[Atom]) -> bool {
        match self {
            Expected::Whole(list) => list.as_slice() == read,
            Expected::EndsWith(tail) => read.ends_with(tail),
        }
    }

    /// Elle's rendering: the list, or `["...", tail…]` when the prefix is unknown.
    fn to_json(&self) -> Value {
        match self {
            Expected::Whole(list) => list.iter().map(Atom::to_json).collect(),
            Expected::EndsWith(tail) => std::iter::once(Value::from("..."))
                .chain(tail.iter().map(Atom::to_json))
                .collect(),
        }
    }
}

/// `internal` (a read that disagrees with the transaction's own earlier reads and appends)
/// and `future-read` (a read of an element the transaction appends only later).
pub fn internal_cases(history: &[Op], txns: &[ListTxn], anomalies: &mut Anomalies) {
    for txn in txns.iter().filter(|t| t.kind == OpType::Ok) {
        let mut expected: HashMap<&Atom, Expected> = HashMap::new();
        let mut internal_found = false;
        for (i, mop) in txn.mops.iter().enumerate() {
            match mop {
                Mop::Write { key, value } => match expected.get_mut(key) {
                    Some(Expected::Whole(list) | Expected::EndsWith(list)) => {
                        list.push(value.clone())
                    }
                    None => {
                        expected.insert(key, Expected::EndsWith(vec![value.clone()]));
                    }
                },
                Mop::Read { key, value } => {
                    let read: &[Atom] = value.as_deref().unwrap_or(&[]);
                    let later: Vec<&Atom> = txn.mops[i + 1..]
                        .iter()
                        .filter_map(|m| match m {
                            Mop::Write { key: k, value: v } if k == key && read.contains(v) => {
                                Some(v)
                            }
                            _ => None,
                        })
                        .collect();
                    if let Some(element) = later.first() {
                        anomalies.add(
                            "future-read",
                            json!({"op": op_json(&history[txn.pos]), "mop": mop_json(mop, "append"), "element": element.to_json()}),
                        );
                    }
                    if let Some(want) = expected.get(key) {
                        if !internal_found && !want.matches(read) {
                            internal_found = true;
                            anomalies.add(
                                "internal",
                                json!({"op": op_json(&history[txn.pos]), "mop": mop_json(mop, "append"), "expected": want.to_json()}),
                            );
                        }
                    }
                    expected.insert(key, Expected::Whole(read.to_vec()));
                }
            }
        }
    }
}

/// `duplicate-elements`: a read (ok or info) that holds some element more than once.
pub fn duplicate_cases(history: &[Op], txns: &[ListTxn], anomalies: &mut Anomalies) {
    for txn in txns
        .iter()
        .filter(|t| matches!(t.kind, OpType::Ok | OpType::Info))
    {
        for mop in &txn.mops {
            let Mop::Read {
                value: Some(list), ..
            } = mop
            else {
                continue;
            };
            let mut counts: BTreeMap<&Atom, usize> = BTreeMap::new();
            for e in list {
                *counts.entry(e).or_default() += 1;
            }
            let dups: serde_json::Map<String, Value> = counts
                .into_iter()
                .filter(|(_, n)| *n > 1)
                .map(|(e, n)| (e.to_key_string(), n.into()))
                .collect();
            if !dups.is_empty() {
                anomalies.add(
                    "duplicate-elements",
                    json!({"op": op_json(&history[txn.pos]), "mop": mop_json(mop, "append"), "duplicates": dups}),
                );
            }
        }
    }
}

/// `G1a` (an ok read holding an element a failed transaction appended) and `G1b` (an ok
/// read ending in another transaction's intermediate append).
pub fn dirty_read_cases(history: &[Op], txns: &[ListTxn], anomalies: &mut Anomalies) {
    let DirtyWrites {
        failed,
        intermediate,
    } = DirtyWrites::of(txns);
    for txn in txns.iter().filter(|t| t.kind == OpType::Ok) {
        for mop in &txn.mops {
            let Mop::Read {
                key,
                value: Some(list),
            } = mop
            else {
                continue;
            };
            let case = |writer: usize, element: &Atom| {
                json!({"op": op_json(&history[txn.pos]), "mop": mop_json(mop, "append"),
                       "writer": op_json(&history[writer]), "element": element.to_json()})
            };
            for element in list {
                if let Some(&writer) = failed.get(&(key, element)) {
                    anomalies.add("G1a", case(writer, element));
                }
            }
            if let Some(last) = list.last() {
                if let Some(&writer) = intermediate.get(&(key, last)).filter(|&&w| w != txn.pos) {
                    anomalies.add("G1b", case(writer, last));
                }
            }
        }
    }
}

/// `dirty-update`: along a key's version order, a failed append later followed by a
/// committed one (info appends in between change nothing).
pub fn dirty_update_cases(
    history: &[Op],
    txns: &[ListTxn],
    orders: &AppendOrders,
    anomalies: &mut Anomalies,
) {
    let mut writer: HashMap<(&Atom, &Atom), &ListTxn> = HashMap::new();
    for txn in txns {
        for mop in &txn.mops {
            if let Mop::Write { key, value } = mop {
                writer.insert((key, value), txn);
            }
        }
    }
    let mut keys: Vec<&Atom> = orders.orders.keys().collect();
    keys.sort();
    for key in keys {
        // The run since the last failed append: its values and writers.
        let mut pending: Option<(Vec<Value>, Vec<Value>)> = None;
        for element in orders.order(key) {
            let Some(t) = writer.get(&(key, element)) else {
                continue;
            };
            match t.kind {
                OpType::Fail => {
                    let run = pending.get_or_insert_with(|| (Vec::new(), Vec::new()));
                    run.0.push(element.to_json());
                    run.1.push(op_json(&history[t.pos]));
                }
                OpType::Info => {
                    if let Some(run) = pending.as_mut() {
                        run.0.push(element.to_json());
                        run.1.push(op_json(&history[t.pos]));
                    }
                }
                OpType::Ok => {
                    if let Some((mut values, mut ops)) = pending.take() {
                        values.push(element.to_json());
                        ops.push(op_json(&history[t.pos]));
                        anomalies.add(
                            "dirty-update",
                            json!({"key": key.to_json(), "values": values, "txns": ops}),
                        );
                    }
                }
                OpType::Invoke => {}
            }
        }
    }
}
