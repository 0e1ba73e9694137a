//! How long operations that succeeded took: from each invocation to its `ok` completion,
//! per operation function and over all of them. Maelstrom plots these (`latency-raw.png`)
//! but reports no numbers; workloads without stable latencies (lin-kv, kafka, the
//! transactions) are compared by these instead. Quantiles are Jepsen's index-based ones
//! ([`crate::quantiles`]), in milliseconds.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::history::{Op, OpType};
use crate::pairing::Pairs;
use crate::quantiles;

/// Nanoseconds from invocation to `ok` completion of every successful client operation,
/// grouped by `f`. A history that cannot be paired has none.
pub fn ok_latencies(history: &[Op]) -> BTreeMap<String, Vec<u64>> {
    let mut latencies: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let Ok(pairs) = Pairs::of(history) else {
        return latencies;
    };
    for (pos, op) in history.iter().enumerate() {
        if op.kind != OpType::Ok {
            continue;
        }
        if let Some(invoked) = pairs.invocation(pos) {
            let took = op.time.saturating_sub(history[invoked].time);
            latencies.entry(op.f.clone()).or_default().push(took);
        }
    }
    latencies
}

/// `{"all": {"0": .., "0.5": .., "0.95": .., "0.99": .., "1": ..}, "<f>": {...}}` in
/// milliseconds: the quantiles of [`ok_latencies`] over all operations and per `f`. Empty
/// when nothing succeeded.
pub fn summary(history: &[Op]) -> Value {
    let per_f = ok_latencies(history);
    let all: Vec<u64> = per_f.values().flatten().copied().collect();
    let mut map = Map::new();
    for (name, values) in std::iter::once(("all".to_owned(), all)).chain(per_f) {
        if let Some(Value::Object(nanos)) = quantiles::distribution(&values) {
            let millis = nanos
                .into_iter()
                .map(|(q, ns)| (q, Value::from(ns.as_u64().unwrap_or(0) as f64 / 1e6)))
                .collect();
            map.insert(name, Value::Object(millis));
        }
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::HistoryBuilder;
    use serde_json::json;

    #[test]
    fn only_ok_operations_count_each_from_its_own_invocation() {
        let history = HistoryBuilder::new()
            .at_ms(0)
            .invoke(0, "read", json!(null))
            .invoke(1, "write", json!(1))
            .at_ms(3)
            .ok(0, "read", json!(1))
            .at_ms(10)
            .info(1, "write", json!(1))
            .invoke(2, "write", json!(2))
            .at_ms(15)
            .ok(2, "write", json!(2))
            .build();
        // The builder's clock also moves 1 ms after every record.
        let latencies = ok_latencies(&history);
        assert_eq!(latencies["read"], [3_000_000]);
        assert_eq!(
            latencies["write"],
            [4_000_000],
            "the info write is not counted"
        );
        let summary = summary(&history);
        assert_eq!(summary["all"]["0"], json!(3.0));
        assert_eq!(summary["all"]["1"], json!(4.0));
        assert_eq!(summary["write"]["0.5"], json!(4.0));
        assert!(summary.get("cas").is_none());
    }
}
