//! Generators of large valid transactional histories, for checking that the checkers stay
//! fast on realistic sizes (tests, and `cargo xtask bench txn`). Deterministic: a seed fixes
//! everything.
//!
//! Both generators share one shape, that of Maelstrom's txn generators: transactions of 1-4
//! micro-ops over a pool of 10 active keys, values 1, 2, … per key, a key retired after 16
//! writes (Maelstrom's `--max-writes-per-key` default). Transactions run in batches of
//! `concurrency` overlapping ones, each taking effect atomically at its completion, so the
//! history is strictly serializable.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::history::{History, OpType, Process};
use crate::testing::HistoryBuilder;

pub use crate::testing::Rng;

/// How many writes a key takes before the generator retires it.
const WRITES_PER_KEY: u64 = 16;

/// A strict-serializable rw-register history of `txns` transactions: reads return the
/// register's last value (`null` if never written).
pub fn rw_register_history(txns: usize, concurrency: u64, seed: u64) -> History {
    generate(txns, concurrency, seed, Model::Register)
}

/// A strict-serializable list-append history of `txns` transactions: reads return the
/// key's whole list (`null` if never appended to).
pub fn list_append_history(txns: usize, concurrency: u64, seed: u64) -> History {
    generate(txns, concurrency, seed, Model::List)
}

/// The invocation form of a transaction: every read's value replaced by `null`, as a
/// client knows it before the reply.
pub fn invocation(txn: &Value) -> Value {
    txn.as_array()
        .expect("a transaction is an array of micro-ops")
        .iter()
        .map(|m| {
            if m[0] == "r" {
                json!(["r", m[1], null])
            } else {
                m.clone()
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Model {
    Register,
    List,
}

impl Model {
    fn write(self) -> &'static str {
        match self {
            Model::Register => "w",
            Model::List => "append",
        }
    }

    fn read(self, written: Option<&Vec<u64>>) -> Value {
        match (self, written) {
            (_, None) => Value::Null,
            (Model::Register, Some(values)) => json!(values.last()),
            (Model::List, Some(values)) => json!(values),
        }
    }
}

fn generate(txns: usize, concurrency: u64, seed: u64, model: Model) -> History {
    let mut rng = Rng::new(seed);
    // Every key's values in the order written: a register's is its last.
    let mut state: HashMap<u64, Vec<u64>> = HashMap::new();
    let mut pool: Vec<u64> = (0..10).collect();
    let mut next_key = 10;
    let mut b = HistoryBuilder::new();
    let mut done = 0;
    while done < txns {
        let batch = concurrency.min((txns - done) as u64);
        let mut planned = Vec::new();
        for p in 0..batch {
            let len = 1 + rng.below(4);
            let plan: Vec<(bool, u64)> = (0..len)
                .map(|_| {
                    (
                        rng.below(2) == 0,
                        pool[rng.below(pool.len() as u64) as usize],
                    )
                })
                .collect();
            let placeholder: Vec<Value> = plan
                .iter()
                .map(|&(read, k)| json!([if read { "r" } else { model.write() }, k, null]))
                .collect();
            b = b.invoke(p, "txn", Value::Array(placeholder));
            planned.push(plan);
        }
        for (p, plan) in planned.into_iter().enumerate() {
            let mut mops = Vec::new();
            for (read, k) in plan {
                if read {
                    mops.push(json!(["r", k, model.read(state.get(&k))]));
                    continue;
                }
                let values = state.entry(k).or_default();
                let v = values.len() as u64 + 1;
                values.push(v);
                mops.push(json!([model.write(), k, v]));
                if v == WRITES_PER_KEY {
                    let slot = pool
                        .iter()
                        .position(|&x| x == k)
                        .expect("written keys are in the pool");
                    pool[slot] = next_key;
                    next_key += 1;
                }
            }
            b = b.ok(p as u64, "txn", Value::Array(mops));
        }
        done += batch as usize;
    }
    // Invocations carried placeholder write values; give them the values actually written.
    let mut history = b.build();
    let mut pending: HashMap<u64, usize> = HashMap::new();
    for i in 0..history.len() {
        let Process::Client(p) = history[i].process else {
            continue;
        };
        if history[i].kind == OpType::Invoke {
            pending.insert(p, i);
        } else if let Some(inv) = pending.remove(&p) {
            history[inv].value = invocation(&history[i].value);
        }
    }
    history
}
