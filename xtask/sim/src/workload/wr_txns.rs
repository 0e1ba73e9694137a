//! Elle's `wr-txns` transaction generator (spec §2.8, §2.9), shared by txn-rw-register and
//! txn-list-append.
//!
//! Each transaction has 1..=`--max-txn-length` micro-ops; each is a read or a write with
//! equal probability, on a key drawn from a pool of `--key-count` active keys (default 10)
//! with an exponential distribution of base 2 over pool positions (position i is drawn with
//! probability ∝ 2^i, so the last slot gets about half the traffic). A key's writes carry
//! 1, 2, 3, … so every written value is unique per key. A write drawn for a key that has
//! already had `--max-writes-per-key` writes retires it instead: its pool slot gets a fresh
//! key (one above the largest active key) and the micro-op is drawn again. list-append uses
//! the same stream with `append` in place of `w`.
//!
//! The generator keeps its own state (pool, next values), so the transactions depend only
//! on the random stream it is given, never on timing.

use super::gen::{Generator, Stream};
use crate::op::OpSpec;
use crate::options::Options;
use crate::rng::SimRng;
use rand::Rng;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Elle's default pool size for the exponential key distribution.
pub const DEFAULT_KEY_COUNT: u64 = 10;
/// The base of the exponential key distribution.
const KEY_DIST_BASE: f64 = 2.0;

/// The generator's state: its parameters, the active key pool and each key's next value.
#[derive(Debug, Clone)]
pub struct WrTxns {
    max_txn_length: u64,
    max_writes_per_key: u64,
    /// The micro-op name of a write: `"w"` or `"append"`.
    write_f: &'static str,
    /// The active keys by pool position.
    active: Vec<u64>,
    /// The value the next write of a key carries (absent: 1).
    next_value: HashMap<u64, u64>,
    /// Elle's `key-dist-scale`: uniform draws below it map onto pool positions.
    scale: f64,
}

impl WrTxns {
    /// A generator with explicit parameters; keys start as `0..key_count`.
    pub fn new(
        key_count: u64,
        max_txn_length: u64,
        max_writes_per_key: u64,
        write_f: &'static str,
    ) -> WrTxns {
        let key_count = key_count.max(1);
        let scale =
            (KEY_DIST_BASE.powf(key_count as f64) - 1.0) * KEY_DIST_BASE / (KEY_DIST_BASE - 1.0);
        WrTxns {
            max_txn_length: max_txn_length.max(1),
            max_writes_per_key,
            write_f,
            active: (0..key_count).collect(),
            next_value: HashMap::new(),
            scale,
        }
    }

    /// A generator with the run's `--key-count`, `--max-txn-length` and
    /// `--max-writes-per-key`.
    pub fn from_options(opts: &Options, write_f: &'static str) -> WrTxns {
        WrTxns::new(
            opts.key_count.unwrap_or(DEFAULT_KEY_COUNT),
            opts.max_txn_length,
            opts.max_writes_per_key,
            write_f,
        )
    }

    /// The next transaction, as its wire micro-ops: `[["r", k, null], ["w", k, v], …]`.
    pub fn next_txn(&mut self, rng: &mut impl Rng) -> Value {
        let length = rng.gen_range(1..=self.max_txn_length);
        let mut txn = Vec::with_capacity(length as usize);
        while (txn.len() as u64) < length {
            let write = rng.gen_bool(0.5);
            let slot = self.pick_slot(rng);
            let key = self.active[slot];
            if !write {
                txn.push(json!(["r", key, null]));
                continue;
            }
            let value = self.next_value.get(&key).copied().unwrap_or(1);
            if value > self.max_writes_per_key {
                // Retire the key and draw this micro-op again, as Elle does.
                let fresh = self.active.iter().max().copied().unwrap_or(0) + 1;
                self.active[slot] = fresh;
                continue;
            }
            self.next_value.insert(key, value + 1);
            txn.push(json!([self.write_f, key, value]));
        }
        Value::Array(txn)
    }

    /// A pool position: `floor(log_base(u · scale + base) − 1)` for uniform `u` in [0, 1),
    /// which lands in `0..key_count` with probability ∝ base^position.
    fn pick_slot(&self, rng: &mut impl Rng) -> usize {
        let draw: f64 = rng.gen::<f64>() * self.scale + KEY_DIST_BASE;
        let slot = (draw.ln() / KEY_DIST_BASE.ln() - 1.0).floor();
        // Rounding can only push a draw at the very top of the range one slot too far.
        (slot.max(0.0) as usize).min(self.active.len() - 1)
    }

    /// The keys currently in the pool, by position.
    pub fn active_keys(&self) -> &[u64] {
        &self.active
    }
}

/// The main-phase generator of a txn workload: `txn` operations forever.
pub fn generator(opts: &Options, rng: SimRng, write_f: &'static str) -> Box<dyn Generator> {
    let mut txns = WrTxns::from_options(opts, write_f);
    Stream::boxed(rng, move |rng| OpSpec::new("txn", txns.next_txn(rng)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Stream as RngStream};

    fn txns(seed: u64, generator: &mut WrTxns, n: usize) -> Vec<Value> {
        let mut rng = stream(seed, RngStream::Generator);
        (0..n).map(|_| generator.next_txn(&mut rng)).collect()
    }

    /// Every micro-op of `txns` as (f, key, value).
    fn mops(txns: &[Value]) -> Vec<(String, u64, Value)> {
        txns.iter()
            .flat_map(|t| t.as_array().unwrap().iter())
            .map(|m| {
                (
                    m[0].as_str().unwrap().to_string(),
                    m[1].as_u64().unwrap(),
                    m[2].clone(),
                )
            })
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_transactions() {
        let a = txns(5, &mut WrTxns::new(10, 4, 16, "w"), 500);
        let b = txns(5, &mut WrTxns::new(10, 4, 16, "w"), 500);
        let c = txns(6, &mut WrTxns::new(10, 4, 16, "w"), 500);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn lengths_span_one_to_the_maximum_and_reads_and_writes_are_even() {
        let all = txns(1, &mut WrTxns::new(10, 4, 16, "w"), 4000);
        let lengths: Vec<usize> = all.iter().map(|t| t.as_array().unwrap().len()).collect();
        assert_eq!(lengths.iter().min(), Some(&1));
        assert_eq!(lengths.iter().max(), Some(&4));
        let ops = mops(&all);
        let reads = ops
            .iter()
            .filter(|(f, _, v)| f == "r" && v.is_null())
            .count();
        let writes = ops.iter().filter(|(f, _, _)| f == "w").count();
        assert_eq!(reads + writes, ops.len());
        let share = reads as f64 / ops.len() as f64;
        assert!(
            (0.45..0.55).contains(&share),
            "reads are {share} of micro-ops"
        );
    }

    #[test]
    fn values_are_one_two_three_per_key_and_keys_retire_after_the_limit() {
        let mut generator = WrTxns::new(3, 4, 5, "w");
        let all = txns(2, &mut generator, 2000);
        let mut written: HashMap<u64, Vec<u64>> = HashMap::new();
        for (f, key, value) in mops(&all) {
            if f == "w" {
                written
                    .entry(key)
                    .or_default()
                    .push(value.as_u64().unwrap());
            }
        }
        assert!(written.len() > 10, "keys were retired and replaced");
        for (key, values) in &written {
            let expected: Vec<u64> = (1..=values.len() as u64).collect();
            assert_eq!(values, &expected, "key {key}");
            assert!(values.len() <= 5, "key {key} was written past the limit");
        }
        // Retired keys never come back; the pool holds three distinct keys above them all.
        let mut active = generator.active_keys().to_vec();
        active.sort_unstable();
        active.dedup();
        assert_eq!(active.len(), 3);
        let retired: Vec<&u64> = written.keys().filter(|k| !active.contains(k)).collect();
        assert!(!retired.is_empty());
        for key in retired {
            assert_eq!(written[key].len(), 5, "key {key} retired before its limit");
        }
    }

    #[test]
    fn later_pool_positions_are_exponentially_more_likely() {
        // No writes retire keys with a huge limit, so positions are keys.
        let mut generator = WrTxns::new(10, 1, u64::MAX, "w");
        let ops = mops(&txns(3, &mut generator, 20_000));
        let mut counts = [0usize; 10];
        ops.iter().for_each(|(_, k, _)| counts[*k as usize] += 1);
        let last = counts[9] as f64 / ops.len() as f64;
        assert!((0.45..0.55).contains(&last), "the last slot got {last}");
        assert!(counts[8] > counts[7] && counts[7] > counts[6], "{counts:?}");
        assert!(
            counts[0] > 0,
            "the first slot is rare but possible: {counts:?}"
        );
    }

    #[test]
    fn list_append_uses_appends_in_place_of_writes() {
        let ops = mops(&txns(4, &mut WrTxns::new(10, 4, 16, "append"), 200));
        assert!(ops.iter().all(|(f, _, _)| f == "r" || f == "append"));
        assert!(ops.iter().any(|(f, _, _)| f == "append"));
    }
}
