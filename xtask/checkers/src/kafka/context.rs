//! [`Ctx`]: the analysed history every Kafka rule reads (records, parsed ops, key names,
//! indexes, version orders), and [`Case`], one error a rule found, rendered only if it
//! makes it into the report's sample.

use serde_json::Value;

use super::index::Index;
use super::ops::{KOp, Key, Keys};
use super::version_order::KeyOrder;
use crate::history::Op;
use crate::txn::anomalies::op_json;

/// Everything the rules need, borrowed.
pub struct Ctx<'a> {
    pub history: &'a [Op],
    pub ops: &'a [KOp],
    pub keys: &'a Keys,
    pub index: &'a Index,
    pub orders: &'a [KeyOrder],
}

impl Ctx<'_> {
    /// The history record of op `i` (an index into `ops`).
    pub fn op_json(&self, i: usize) -> Value {
        op_json(&self.history[self.ops[i].pos])
    }

    pub fn key_json(&self, key: Key) -> Value {
        Value::from(self.keys.name(key))
    }

    pub fn order(&self, key: Key) -> &KeyOrder {
        &self.orders[key as usize]
    }
}

/// One error found: a weight for choosing the sample (δ, count, cycle length…) and how to
/// render it.
pub struct Case<'a> {
    pub weight: i64,
    pub render: Box<dyn Fn() -> Value + 'a>,
}

impl<'a> Case<'a> {
    pub fn new(weight: i64, render: impl Fn() -> Value + 'a) -> Case<'a> {
        Case {
            weight,
            render: Box::new(render),
        }
    }
}
