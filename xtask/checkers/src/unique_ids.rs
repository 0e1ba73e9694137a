//! Jepsen's `unique-ids` checker: every id that a `generate` returned `ok` must be distinct.
//!
//! Ids may be any JSON value and are compared for equality structurally (`1` and `1.0` are
//! different ids, as in Clojure). The `range` is `[min, max]` by Clojure's `compare`; when
//! the ids are not mutually comparable (say numbers and strings mixed) upstream throws and
//! Maelstrom reports `unknown`, so we do the same, keeping the counts and naming the pair in
//! `"error"`.

use std::cmp::Reverse;
use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::checked::Checked;
use crate::edn::map_key;
use crate::history::{Op, OpType};
use crate::validity::Validity;
use crate::value_order;

/// How many duplicated ids upstream lists (the most frequent ones).
pub const DUPLICATES_SHOWN: usize = 48;

/// Keys: `valid?`, `attempted-count` (generate invocations), `acknowledged-count` (ok
/// generates), `duplicated-count`, `duplicated` (up to 48 most frequent duplicates: id →
/// times returned), `range` (`[min, max]`, or null when nothing was acknowledged).
pub fn check(history: &[Op]) -> Checked {
    let generates = history
        .iter()
        .filter(|op| op.is_client() && op.f == "generate");
    let mut attempted = 0u64;
    let mut acknowledged: Vec<&Value> = Vec::new();
    for op in generates {
        match op.kind {
            OpType::Invoke => attempted += 1,
            OpType::Ok => acknowledged.push(&op.value),
            OpType::Fail | OpType::Info => {}
        }
    }

    // Count by canonical JSON text: structural equality without needing `Hash` on values.
    let mut frequencies: HashMap<String, (&Value, u64)> = HashMap::new();
    for id in &acknowledged {
        frequencies.entry(id.to_string()).or_insert((id, 0)).1 += 1;
    }
    let mut duplicates: Vec<(&Value, u64)> =
        frequencies.into_values().filter(|(_, n)| *n > 1).collect();
    // Most frequent first; ties by id text so the listing is deterministic.
    duplicates.sort_by_key(|(id, n)| (Reverse(*n), id.to_string()));

    let mut map = Map::new();
    map.insert("attempted-count".into(), attempted.into());
    map.insert(
        "acknowledged-count".into(),
        (acknowledged.len() as u64).into(),
    );
    map.insert("duplicated-count".into(), (duplicates.len() as u64).into());
    let shown: Map<String, Value> = duplicates
        .iter()
        .take(DUPLICATES_SHOWN)
        .map(|(id, n)| (map_key(id), Value::from(*n)))
        .collect();
    map.insert("duplicated".into(), Value::Object(shown));

    let validity = Validity::from_bool(duplicates.is_empty());
    match value_order::sorted(acknowledged.into_iter().cloned().collect()) {
        Ok(sorted) => {
            let range = match (sorted.first(), sorted.last()) {
                (Some(lo), Some(hi)) => Value::Array(vec![lo.clone(), hi.clone()]),
                _ => Value::Null,
            };
            map.insert("range".into(), range);
            Checked::new(validity, map)
        }
        Err(incomparable) => {
            map.insert("range".into(), Value::Null);
            map.insert(
                "error".into(),
                format!("ids are not mutually comparable: {incomparable}").into(),
            );
            Checked::new(Validity::Unknown, map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::HistoryBuilder;
    use serde_json::json;

    #[test]
    fn distinct_ids_are_valid() {
        let h = HistoryBuilder::new()
            .call(0, "generate", json!(null), json!(17))
            .call(1, "generate", json!(null), json!(3))
            .invoke(2, "generate", json!(null))
            .info(2, "generate", json!(null))
            .call(0, "generate", json!(null), json!(9))
            .build();
        let c = check(&h);
        assert_eq!(c.validity, Validity::Valid);
        assert_eq!(
            c.results,
            json!({"valid?": true, "attempted-count": 4, "acknowledged-count": 3,
                   "duplicated-count": 0, "duplicated": {}, "range": [3, 17]})
        );
    }

    #[test]
    fn duplicate_ids_are_invalid_and_counted() {
        let h = HistoryBuilder::new()
            .call(0, "generate", json!(null), json!("n1-1"))
            .call(1, "generate", json!(null), json!("n2-1"))
            .call(0, "generate", json!(null), json!("n1-1"))
            .call(1, "generate", json!(null), json!("n1-1"))
            .call(0, "generate", json!(null), json!("n2-1"))
            .call(0, "generate", json!(null), json!("n0-9"))
            .build();
        let c = check(&h);
        assert_eq!(c.validity, Validity::Invalid);
        assert_eq!(c.results["duplicated-count"], json!(2));
        assert_eq!(c.results["duplicated"], json!({"n1-1": 3, "n2-1": 2}));
        assert_eq!(c.results["range"], json!(["n0-9", "n2-1"]));
    }

    #[test]
    fn only_the_most_frequent_duplicates_are_listed() {
        let mut b = HistoryBuilder::new();
        for id in 0..50u64 {
            // id 0 three times, every other id twice
            let times = if id == 0 { 3 } else { 2 };
            for _ in 0..times {
                b = b.call(0, "generate", json!(null), json!(id));
            }
        }
        let c = check(&b.build());
        assert_eq!(c.results["duplicated-count"], json!(50));
        let shown = c.results["duplicated"].as_object().unwrap();
        assert_eq!(shown.len(), DUPLICATES_SHOWN);
        assert_eq!(shown["0"], json!(3));
    }

    #[test]
    fn mixed_id_types_are_unknown_as_upstream_throws() {
        let h = HistoryBuilder::new()
            .call(0, "generate", json!(null), json!(1))
            .call(1, "generate", json!(null), json!("1"))
            .build();
        let c = check(&h);
        assert_eq!(c.validity, Validity::Unknown);
        assert_eq!(c.results["valid?"], json!("unknown"));
        assert_eq!(
            c.results["duplicated-count"],
            json!(0),
            "1 and \"1\" are different ids"
        );
        assert!(c.results["error"]
            .as_str()
            .unwrap()
            .contains("not mutually comparable"));
    }
}
