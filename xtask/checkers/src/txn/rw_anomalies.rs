//! The rw-register anomalies found without cycles (spec `checkers.md` §4.4): `internal`
//! (a transaction contradicts its own earlier micro-ops), `G1a` (a committed read of a
//! failed transaction's write) and `G1b` (a committed read of another transaction's
//! intermediate write).

use std::collections::HashMap;

use serde_json::json;

use super::anomalies::{op_json, Anomalies};
use super::atom::Atom;
use super::mop::{mop_json, DirtyWrites, Mop, Txn};
use crate::history::{Op, OpType};

/// `internal`: within an ok transaction, a read that differs from the value the
/// transaction last wrote or read for that key. One case per transaction.
pub fn internal_cases(history: &[Op], txns: &[Txn<Atom>], anomalies: &mut Anomalies) {
    for txn in txns.iter().filter(|t| t.kind == OpType::Ok) {
        let mut expected: HashMap<&Atom, Option<&Atom>> = HashMap::new();
        for mop in &txn.mops {
            match mop {
                Mop::Write { key, value } => {
                    expected.insert(key, Some(value));
                }
                Mop::Read { key, value } => match expected.get(key) {
                    Some(Some(want)) if value.as_ref() != Some(*want) => {
                        anomalies.add(
                            "internal",
                            json!({"op": op_json(&history[txn.pos]), "mop": mop_json(mop, "w"), "expected": want.to_json()}),
                        );
                        break;
                    }
                    _ => {
                        expected.insert(key, value.as_ref());
                    }
                },
            }
        }
    }
}

/// `G1a` and `G1b`: reads (by ok transactions) of values that a failed transaction wrote,
/// or that some other transaction overwrote before committing.
pub fn dirty_read_cases(history: &[Op], txns: &[Txn<Atom>], anomalies: &mut Anomalies) {
    let DirtyWrites {
        failed,
        intermediate,
    } = DirtyWrites::of(txns);
    for txn in txns.iter().filter(|t| t.kind == OpType::Ok) {
        for mop in &txn.mops {
            let Mop::Read {
                key,
                value: Some(value),
            } = mop
            else {
                continue;
            };
            let case = |writer: usize| json!({"op": op_json(&history[txn.pos]), "mop": mop_json(mop, "w"), "writer": op_json(&history[writer])});
            if let Some(&writer) = failed.get(&(key, value)) {
                anomalies.add("G1a", case(writer));
            }
            if let Some(&writer) = intermediate.get(&(key, value)).filter(|&&w| w != txn.pos) {
                anomalies.add("G1b", case(writer));
            }
        }
    }
}
