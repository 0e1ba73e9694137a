//! Transactions as Elle sees them: a list of micro-operations ("mops") read from an op's
//! JSON value, plus the helpers every inference needs (external reads and writes,
//! intermediate writes).
//!
//! A micro-op is the three-element array Maelstrom puts on the wire: `["r", k, v]` or
//! `[w, k, v]`, where the write function is `"w"` for rw-register and `"append"` for
//! list-append. A read's `v` is `null` on invocations and on `fail`/`info` completions, and
//! the value read (a register value, or a whole list) on `ok` ones.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde_json::Value;

use super::atom::Atom;
use crate::history::{Op, OpType, Process};

/// One micro-operation. `R` is what a read returns: an [`Atom`] for registers, a list of
/// atoms for list-append.
#[derive(Debug, Clone, PartialEq)]
pub enum Mop<R> {
    /// `["r", key, value]`; `None` when the value is `null` (unknown, or a missing key).
    Read { key: Atom, value: Option<R> },
    /// `["w", key, value]` or `["append", key, value]`.
    Write { key: Atom, value: Atom },
}

impl<R> Mop<R> {
    pub fn key(&self) -> &Atom {
        match self {
            Mop::Read { key, .. } | Mop::Write { key, .. } => key,
        }
    }
}

/// A read value as one workload spells it.
pub trait ReadValue: Sized + Clone {
    /// Parses a non-null read value.
    fn parse(value: &Value) -> Result<Self, String>;
    fn to_json(&self) -> Value;
}

impl ReadValue for Atom {
    fn parse(value: &Value) -> Result<Self, String> {
        Atom::from_json(value).ok_or_else(|| "null register value".to_owned())
    }
    fn to_json(&self) -> Value {
        Atom::to_json(self)
    }
}

impl ReadValue for Vec<Atom> {
    fn parse(value: &Value) -> Result<Self, String> {
        let items = value
            .as_array()
            .ok_or_else(|| format!("a list read returned {value}, not a list"))?;
        items
            .iter()
            .map(|item| Atom::from_json(item).ok_or_else(|| "a list holds null".to_owned()))
            .collect()
    }
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(Atom::to_json).collect())
    }
}

/// Why a transaction's value could not be read; upstream throws here, so the verdict is
/// `unknown`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedTxn(pub String);

impl fmt::Display for MalformedTxn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed transaction: {}", self.0)
    }
}

impl std::error::Error for MalformedTxn {}

/// Parses an op's value as a list of micro-ops with the given write function name.
pub fn parse_mops<R: ReadValue>(op: &Op, write_f: &str) -> Result<Vec<Mop<R>>, MalformedTxn> {
    let bad = |why: String| MalformedTxn(format!("op {}: {why}", op.index));
    let mops = op
        .value
        .as_array()
        .ok_or_else(|| bad(format!("value {} is not a list of micro-ops", op.value)))?;
    mops.iter()
        .map(|mop| {
            let parts = mop
                .as_array()
                .filter(|p| p.len() == 3)
                .ok_or_else(|| bad(format!("micro-op {mop} is not [f, k, v]")))?;
            let key = Atom::from_json(&parts[1])
                .ok_or_else(|| bad(format!("micro-op {mop} has a null key")))?;
            match parts[0].as_str() {
                Some("r") => {
                    let value = match &parts[2] {
                        Value::Null => None,
                        v => Some(R::parse(v).map_err(|e| bad(format!("micro-op {mop}: {e}")))?),
                    };
                    Ok(Mop::Read { key, value })
                }
                Some(f) if f == write_f => {
                    let value = Atom::from_json(&parts[2])
                        .ok_or_else(|| bad(format!("micro-op {mop} writes null")))?;
                    Ok(Mop::Write { key, value })
                }
                _ => Err(bad(format!(
                    "micro-op {mop} is neither \"r\" nor {write_f:?}"
                ))),
            }
        })
        .collect()
}

/// A completed transaction: where its completion sits in the history, and its micro-ops.
#[derive(Debug, Clone)]
pub struct Txn<R> {
    /// Position of the completion record in the history slice.
    pub pos: usize,
    pub kind: OpType,
    pub process: Process,
    pub mops: Vec<Mop<R>>,
}

impl<R: ReadValue> Txn<R> {
    /// Elle's `ext-reads`: for each key whose first micro-op is a read, that read's value.
    pub fn ext_reads(&self) -> Vec<(&Atom, Option<&R>)> {
        let mut seen = HashSet::new();
        let mut reads = Vec::new();
        for mop in &self.mops {
            if seen.insert(mop.key()) {
                if let Mop::Read { key, value } = mop {
                    reads.push((key, value.as_ref()));
                }
            }
        }
        reads
    }

    /// Elle's `ext-writes`: for each key written, the last value written, in first-write order.
    pub fn ext_writes(&self) -> Vec<(&Atom, &Atom)> {
        let mut index: HashMap<&Atom, usize> = HashMap::new();
        let mut writes: Vec<(&Atom, &Atom)> = Vec::new();
        for mop in &self.mops {
            if let Mop::Write { key, value } = mop {
                match index.get(key) {
                    Some(&i) => writes[i].1 = value,
                    None => {
                        index.insert(key, writes.len());
                        writes.push((key, value));
                    }
                }
            }
        }
        writes
    }

    /// Writes later overwritten by the same transaction on the same key.
    pub fn intermediate_writes(&self) -> Vec<(&Atom, &Atom)> {
        let mut last: HashMap<&Atom, &Atom> = HashMap::new();
        let mut intermediate = Vec::new();
        for mop in &self.mops {
            if let Mop::Write { key, value } = mop {
                if let Some(previous) = last.insert(key, value) {
                    intermediate.push((key, previous));
                }
            }
        }
        intermediate
    }
}

/// The writes no committed read may observe, each with the position of the transaction that
/// made it: writes of failed transactions (`G1a`) and writes their own transaction overwrote
/// (`G1b`). Where several transactions share a pair, the latest wins, as Elle scans every
/// record.
pub struct DirtyWrites<'a> {
    pub failed: HashMap<(&'a Atom, &'a Atom), usize>,
    pub intermediate: HashMap<(&'a Atom, &'a Atom), usize>,
}

impl<'a> DirtyWrites<'a> {
    pub fn of<R: ReadValue>(txns: &'a [Txn<R>]) -> DirtyWrites<'a> {
        let mut failed = HashMap::new();
        let mut intermediate = HashMap::new();
        for txn in txns {
            if txn.kind == OpType::Fail {
                for mop in &txn.mops {
                    if let Mop::Write { key, value } = mop {
                        failed.insert((key, value), txn.pos);
                    }
                }
            }
            for (key, value) in txn.intermediate_writes() {
                intermediate.insert((key, value), txn.pos);
            }
        }
        DirtyWrites {
            failed,
            intermediate,
        }
    }
}

/// Reads every completed `f == "txn"` record of the history as a transaction.
pub fn completed_txns<R: ReadValue>(
    history: &[Op],
    write_f: &str,
) -> Result<Vec<Txn<R>>, MalformedTxn> {
    history
        .iter()
        .enumerate()
        .filter(|(_, op)| op.is_client() && op.f == "txn" && op.kind != OpType::Invoke)
        .map(|(pos, op)| {
            Ok(Txn {
                pos,
                kind: op.kind,
                process: op.process,
                mops: parse_mops(op, write_f)?,
            })
        })
        .collect()
}

/// A micro-op as JSON, for reports: `["r", k, v]` / `[w, k, v]`.
pub fn mop_json<R: ReadValue>(mop: &Mop<R>, write_f: &str) -> Value {
    match mop {
        Mop::Read { key, value } => Value::Array(vec![
            "r".into(),
            key.to_json(),
            value.as_ref().map_or(Value::Null, R::to_json),
        ]),
        Mop::Write { key, value } => {
            Value::Array(vec![write_f.into(), key.to_json(), value.to_json()])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::HistoryBuilder;
    use serde_json::json;

    #[test]
    fn external_and_intermediate_effects() {
        let h = HistoryBuilder::new()
            .ok(
                0,
                "txn",
                json!([
                    ["r", 1, 5],
                    ["w", 1, 6],
                    ["w", 1, 7],
                    ["w", 2, 9],
                    ["r", 2, 9],
                    ["r", 3, null]
                ]),
            )
            .build();
        let txns: Vec<Txn<Atom>> = completed_txns(&h, "w").unwrap();
        let t = &txns[0];
        let a = |i| Atom::Int(i);
        assert_eq!(t.ext_reads(), vec![(&a(1), Some(&a(5))), (&a(3), None)]);
        assert_eq!(t.ext_writes(), vec![(&a(1), &a(7)), (&a(2), &a(9))]);
        assert_eq!(t.intermediate_writes(), vec![(&a(1), &a(6))]);
        assert_eq!(mop_json(&t.mops[1], "w"), json!(["w", 1, 6]));
    }

    #[test]
    fn rejects_what_upstream_would_throw_on() {
        let h = HistoryBuilder::new()
            .ok(0, "txn", json!([["x", 1, 5]]))
            .build();
        assert!(completed_txns::<Atom>(&h, "w").is_err());
        let h = HistoryBuilder::new()
            .ok(0, "txn", json!([["r", 1, 5]]))
            .build();
        assert!(completed_txns::<Vec<Atom>>(&h, "append")
            .unwrap_err()
            .0
            .contains("not a list"));
    }
}
