//! [`Anomalies`]: the cases a checker found, grouped by anomaly type, as Elle's
//! `:anomalies` map holds them.
//!
//! Cases are rendered to JSON as they are found, but each type keeps at most
//! [`CASE_LIMIT`] of them (the first found), so a badly broken node cannot make a report of
//! gigabytes; the exact number of cases per type is kept alongside.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::history::Op;

/// How many cases of one type a report keeps.
pub const CASE_LIMIT: usize = 32;

#[derive(Debug, Clone, PartialEq)]
enum Cases {
    /// A type that is present without cases (Elle writes `true`).
    Flag,
    List {
        kept: Vec<Value>,
        count: usize,
    },
}

/// Anomaly type → cases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Anomalies {
    by_type: BTreeMap<String, Cases>,
}

impl Anomalies {
    pub fn new() -> Anomalies {
        Anomalies::default()
    }

    /// Records one case of `kind`.
    pub fn add(&mut self, kind: &str, case: Value) {
        let entry = self.by_type.entry(kind.to_owned()).or_insert(Cases::List {
            kept: Vec::new(),
            count: 0,
        });
        if let Cases::List { kept, count } = entry {
            *count += 1;
            if kept.len() < CASE_LIMIT {
                kept.push(case);
            }
        }
    }

    /// Records that `kind` is present, without cases.
    pub fn flag(&mut self, kind: &str) {
        self.by_type.entry(kind.to_owned()).or_insert(Cases::Flag);
    }

    pub fn contains(&self, kind: &str) -> bool {
        self.by_type.contains_key(kind)
    }

    pub fn is_empty(&self) -> bool {
        self.by_type.is_empty()
    }

    /// The types present, sorted.
    pub fn types(&self) -> impl Iterator<Item = &str> {
        self.by_type.keys().map(String::as_str)
    }

    /// Keeps only the types `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.by_type.retain(|k, _| keep(k));
    }

    /// `{type: [cases…]}` (or `{type: true}` for flags).
    pub fn to_json(&self) -> Value {
        let map: Map<String, Value> = self
            .by_type
            .iter()
            .map(|(k, cases)| {
                let v = match cases {
                    Cases::Flag => Value::Bool(true),
                    Cases::List { kept, .. } => Value::Array(kept.clone()),
                };
                (k.clone(), v)
            })
            .collect();
        Value::Object(map)
    }

    /// `{type: exact number of cases}`, for our extra `anomaly-counts` key.
    pub fn counts_json(&self) -> Value {
        let map: Map<String, Value> = self
            .by_type
            .iter()
            .map(|(k, cases)| {
                (
                    k.clone(),
                    Value::from(if let Cases::List { count, .. } = cases {
                        *count
                    } else {
                        1
                    }),
                )
            })
            .collect();
        Value::Object(map)
    }
}

/// An op as reports show it: the history record itself.
pub fn op_json(op: &Op) -> Value {
    serde_json::to_value(op).expect("an Op always serialises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_a_bounded_sample_and_exact_counts() {
        let mut a = Anomalies::new();
        for i in 0..100 {
            a.add("G1a", json!(i));
        }
        a.flag("empty-transaction-graph");
        assert_eq!(
            a.types().collect::<Vec<_>>(),
            vec!["G1a", "empty-transaction-graph"]
        );
        assert_eq!(a.to_json()["G1a"].as_array().unwrap().len(), CASE_LIMIT);
        assert_eq!(
            a.counts_json(),
            json!({"G1a": 100, "empty-transaction-graph": 1})
        );
        assert_eq!(a.to_json()["empty-transaction-graph"], json!(true));
        a.retain(|k| k != "G1a");
        assert!(!a.contains("G1a") && !a.is_empty());
    }
}
