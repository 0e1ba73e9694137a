//! Test-only generators of large valid transactional histories, for checking that the
//! checkers stay fast on realistic sizes. Deterministic: a seed fixes everything.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::history::History;
use crate::testing::HistoryBuilder;
use crate::txn::test_support::invocation;

pub use crate::testing::Rng;

/// A strict-serializable rw-register history shaped like Maelstrom's generator: `txns`
/// transactions of 1–4 micro-ops over a pool of 10 active keys, values 1, 2, … per key,
/// keys retired after 16 writes. Transactions run in batches of `concurrency` overlapping
/// ones, each taking effect atomically at its completion.
pub fn rw_register_history(txns: usize, concurrency: u64, seed: u64) -> History {
    let mut rng = Rng::new(seed);
    let mut state: HashMap<u64, u64> = HashMap::new();
    let mut writes: HashMap<u64, u64> = HashMap::new();
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
            let invocation: Vec<Value> = plan
                .iter()
                .map(|&(read, k)| {
                    if read {
                        json!(["r", k, null])
                    } else {
                        json!(["w", k, null])
                    }
                })
                .collect();
            b = b.invoke(p, "txn", Value::Array(invocation));
            planned.push(plan);
        }
        for (p, plan) in planned.into_iter().enumerate() {
            let mut mops = Vec::new();
            for (read, k) in plan {
                if read {
                    mops.push(json!(["r", k, state.get(&k)]));
                } else {
                    let n = writes.entry(k).or_insert(0);
                    *n += 1;
                    let v = *n;
                    state.insert(k, v);
                    mops.push(json!(["w", k, v]));
                    if v == 16 {
                        let slot = pool
                            .iter()
                            .position(|&x| x == k)
                            .expect("written keys are in the pool");
                        pool[slot] = next_key;
                        next_key += 1;
                    }
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
        let crate::history::Process::Client(p) = history[i].process else {
            continue;
        };
        if history[i].kind == crate::history::OpType::Invoke {
            pending.insert(p, i);
        } else if let Some(inv) = pending.remove(&p) {
            history[inv].value = invocation(&history[i].value);
        }
    }
    history
}
