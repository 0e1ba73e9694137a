//! lin-kv's checker (checkers.md §2.5 and §3): Jepsen's `independent` checker over Knossos's
//! linearizability search against a CAS register. The history is split by key
//! (P-compositionality, §3.2); each key's sub-history is searched with Wing & Gong's
//! algorithm and Lowe's memoisation (§3.3), failed operations dropped and `info` operations
//! free to take effect anywhere after their invocation, or never (§3.4).
//!
//! The result is shaped as Maelstrom's lin-kv `workload` part:
//! `{"valid?", "results": {key: {"valid?", "linearizable": {...}}}, "failures": [key...]}`,
//! keys of `results` printed as Maelstrom prints map keys ([`crate::edn::map_key`]). A key
//! whose search exceeds its [`Budget`] is `unknown` with the reason under `cause`; the search
//! never hangs and its memo never grows past the budget. Keys are searched in parallel;
//! the verdict does not depend on how many threads run, only on the history and the budget.
//!
//! Files: [`register`] (the model), [`prepare`] (preprocessing and the split by key),
//! [`search`] (WGL) with [`events`] (its event list) and [`memo`] (the explored
//! configurations), [`report`] (the output), and [`synthetic`] (generated histories for the
//! bench). Tests: `tests` (hand-written histories) and `cross_check` (the search against
//! brute force on random small histories).

pub mod events;
pub mod memo;
pub mod prepare;
pub mod register;
pub mod report;
pub mod search;
pub mod synthetic;

#[cfg(test)]
mod cross_check;
#[cfg(test)]
mod tests;

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde_json::{json, Map, Value};

use self::prepare::KeyHistory;
use self::register::Interner;
use crate::checked::Checked;
use crate::edn::map_key;
use crate::history::Op;
use crate::validity::Validity;

/// How much work one key's search may do before it answers `unknown`. Each key has the whole
/// budget, so peak memory is at most the number of threads times `max_memo_bytes`, plus the
/// history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Configurations (linearized set, register state) the memo may hold for one key.
    pub max_configs: usize,
    /// Search steps (a call tried or a backtrack) for one key.
    pub max_steps: u64,
    /// Bytes the memo may allocate for one key.
    pub max_memo_bytes: usize,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            max_configs: 2_000_000,
            max_steps: 50_000_000,
            max_memo_bytes: 256 << 20,
        }
    }
}

/// Judges a lin-kv history (values `[key, v]`: read `[k, null]` / `[k, v]`, write `[k, v]`,
/// cas `[k, [from, to]]`) with the default budget.
pub fn check(history: &[Op]) -> Checked {
    check_with(history, &Budget::default())
}

/// [`check`] with an explicit budget, on as many threads as the machine offers (at most 8).
pub fn check_with(history: &[Op], budget: &Budget) -> Checked {
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(8);
    check_on_threads(history, budget, threads)
}

/// [`check_with`] on exactly `threads` threads (`0` counts as 1); the verdict and the results
/// are the same for any count.
pub fn check_on_threads(history: &[Op], budget: &Budget, threads: usize) -> Checked {
    let mut values = Interner::default();
    let keys = match prepare::split(history, &mut values) {
        Ok(keys) => keys,
        Err(e) => return Checked::error(e),
    };
    let judged = judge_keys(history, &keys, &values, budget, threads.max(1));

    let mut results = Map::new();
    let mut failures = Vec::new();
    let mut verdicts = Vec::new();
    for (key, (validity, linearizable)) in keys.iter().zip(judged) {
        if validity != Validity::Valid {
            failures.push(key.key.clone());
        }
        verdicts.push(validity);
        results.insert(
            map_key(&key.key),
            json!({"valid?": linearizable["valid?"], "linearizable": linearizable}),
        );
    }
    let mut map = Map::new();
    map.insert("results".to_owned(), Value::Object(results));
    map.insert("failures".to_owned(), Value::Array(failures));
    Checked::new(Validity::worst(verdicts), map)
}

/// Each key's verdict and `linearizable` map, in the order of `keys`. The largest keys are
/// handed out first, so one long key does not start last and finish alone.
fn judge_keys(
    history: &[Op],
    keys: &[KeyHistory],
    values: &Interner,
    budget: &Budget,
    threads: usize,
) -> Vec<(Validity, Value)> {
    let judge = |key: &KeyHistory| {
        let (verdict, effort) = search::search(&key.ops, budget);
        report::linearizable(history, key, values, &verdict, effort)
    };
    if threads == 1 || keys.len() <= 1 {
        return keys.iter().map(judge).collect();
    }
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(keys[i].ops.len()));
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<(Validity, Value)>>> = Mutex::new(vec![None; keys.len()]);
    std::thread::scope(|scope| {
        for _ in 0..threads.min(keys.len()) {
            scope.spawn(|| {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = judge(&keys[i]);
                    done.lock().expect("a checker thread panicked")[i] = Some(result);
                }
            });
        }
    });
    done.into_inner()
        .expect("a checker thread panicked")
        .into_iter()
        .map(|r| r.expect("every key was judged"))
        .collect()
}
