//! `worst-realtime-lag` (spec `checkers.md` §2.6, "Realtime lag"): how far behind the log
//! tail a consumer was when it polled. Informational only; it never fails a test.
//!
//! Offset i of a key "expires" when the first ok/info op touching an offset ≥ i+1
//! completes. A poll invoked at t by a process that had read a key up to offset o lags by
//! t minus the expiry of o. Expiries are kept as suffix minima over the observed offsets
//! (sorted), never indexed by offset value.

use std::cmp::Reverse;
use std::collections::HashMap;

use serde_json::{json, Value};

use super::context::Ctx;
use super::ops::{Key, Kind};
use crate::history::{OpType, Process};
use crate::pairing::Pairs;

/// Per key: observed offsets ascending, and the earliest completion touching that offset
/// or any later one.
struct Expiry {
    offsets: Vec<i64>,
    earliest_from: Vec<u64>,
}

impl Expiry {
    /// When offset `i` stopped being beyond the tail, i.e. the earliest completion of an op
    /// touching an offset ≥ i; `None` if none did.
    fn at(&self, i: i64) -> Option<u64> {
        let idx = self.offsets.partition_point(|&o| o < i);
        self.earliest_from.get(idx).copied()
    }
}

fn expiries(ctx: &Ctx) -> HashMap<Key, Expiry> {
    let mut touches: HashMap<Key, Vec<(i64, u64)>> = HashMap::new();
    for op in ctx
        .ops
        .iter()
        .filter(|op| matches!(op.kind, OpType::Ok | OpType::Info))
    {
        let time = ctx.history[op.pos].time;
        for (key, msgs) in &op.sends {
            touches
                .entry(*key)
                .or_default()
                .extend(msgs.iter().filter_map(|(o, _)| o.map(|o| (o, time))));
        }
        for (key, pairs) in &op.polls {
            touches
                .entry(*key)
                .or_default()
                .extend(pairs.iter().map(|(o, _)| (*o, time)));
        }
    }
    touches
        .into_iter()
        .map(|(key, mut t)| {
            t.sort_unstable();
            let mut earliest_from = vec![u64::MAX; t.len()];
            let mut best = u64::MAX;
            for i in (0..t.len()).rev() {
                best = best.min(t[i].1);
                earliest_from[i] = best;
            }
            (
                key,
                Expiry {
                    offsets: t.into_iter().map(|(o, _)| o).collect(),
                    earliest_from,
                },
            )
        })
        .collect()
}

/// The worst lag any ok poll showed, `{time, lag, process, key}` in seconds; null if no
/// poll completed.
pub fn worst_realtime_lag(ctx: &Ctx, pairs: &Pairs) -> Value {
    let expiry = expiries(ctx);
    let mut positions: HashMap<Process, HashMap<Key, i64>> = HashMap::new();
    // (lag ns, invocation time ns, process, key)
    let mut worst: Option<(u64, u64, Process, Key)> = None;
    for op in ctx.ops {
        let seen = positions.entry(op.process).or_default();
        if op.f == Kind::Assign {
            if matches!(op.kind, OpType::Ok | OpType::Info) {
                *seen = op
                    .assigned
                    .iter()
                    .map(|k| (*k, seen.get(k).copied().unwrap_or(-1)))
                    .collect();
            }
            continue;
        }
        if op.kind != OpType::Ok || !matches!(op.f, Kind::Poll | Kind::Txn) {
            continue;
        }
        let Some(invoked) = pairs.invocation(op.pos).map(|p| ctx.history[p].time) else {
            continue;
        };
        for (key, polled) in &op.polls {
            let top = polled.iter().map(|p| p.0).max().unwrap_or(-1);
            let entry = seen.entry(*key).or_insert(-1);
            *entry = (*entry).max(top);
        }
        for (key, offset) in seen.iter() {
            let expired = expiry.get(key).and_then(|e| e.at(offset + 1));
            let lag = expired.map_or(0, |e| invoked.saturating_sub(e));
            // The largest lag; among equals, the earliest poll, then the smallest process and key.
            let rank =
                |c: &(u64, u64, Process, Key)| (c.0, Reverse(c.1), Reverse(c.2), Reverse(c.3));
            let candidate = (lag, invoked, op.process, *key);
            if worst.as_ref().is_none_or(|w| rank(&candidate) > rank(w)) {
                worst = Some(candidate);
            }
        }
    }
    let seconds = |ns: u64| ns as f64 / 1e9;
    match worst {
        None => Value::Null,
        Some((lag, time, process, key)) => json!({
            "time": seconds(time), "lag": seconds(lag), "process": process, "key": ctx.keys.name(key),
        }),
    }
}
