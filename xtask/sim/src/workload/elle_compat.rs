//! Elle 0.1.6's output (Maelstrom v0.2.3) made from the transaction checkers' results, which
//! follow elle 0.2.2 (Maelstrom v0.2.4).
//!
//! elle 0.1.6 has no `*-cycle-exists` anomalies: 0.2.2 reports one per consistency model whose
//! projection of the dependency graph has a cycle, beside the concrete cycles. Dropping them
//! and recomputing the verdict, `anomaly-types`, `not` and `also-not` from what is left gives
//! 0.1.6's report of the same history. Its other differences (no redundant-cycle removal, a
//! proscribed-anomaly table that differs in places) are not reproduced.

use checkers::checked::Checked;
use checkers::txn::lattice::{boundary, is_cycle_exists_marker};
use checkers::txn::report::UNKNOWN_TYPES;
use checkers::validity::Validity;
use serde_json::Value;

/// The keys of an Elle result map that are keyed or listed by anomaly type.
const BY_TYPE: [&str; 2] = ["anomalies", "anomaly-counts"];
/// The keys derived from the anomaly types.
const DERIVED: [&str; 3] = ["anomaly-types", "not", "also-not"];

/// `checked` as elle 0.1.6 would have reported it.
pub fn without_cycle_exists(checked: Checked) -> Checked {
    let Value::Object(mut map) = checked.results.clone() else {
        return checked;
    };
    let Some(Value::Array(types)) = map.get("anomaly-types") else {
        return checked;
    };
    let kept: Vec<String> = types
        .iter()
        .filter_map(Value::as_str)
        .filter(|t| !is_cycle_exists_marker(t))
        .map(str::to_owned)
        .collect();
    if kept.len() == types.len() {
        return checked;
    }
    map.remove("valid?");
    for key in BY_TYPE {
        if let Some(Value::Object(by_type)) = map.get_mut(key) {
            by_type.retain(|t, _| !is_cycle_exists_marker(t));
        }
    }
    if kept.is_empty() {
        for key in BY_TYPE.iter().chain(&DERIVED) {
            map.remove(*key);
        }
        return Checked::new(Validity::Valid, map);
    }
    let validity = if kept.iter().all(|t| UNKNOWN_TYPES.contains(&t.as_str())) {
        Validity::Unknown
    } else {
        Validity::Invalid
    };
    let (not, also_not) = boundary(kept.iter().map(String::as_str));
    map.insert("anomaly-types".into(), Value::from(kept));
    map.insert("not".into(), Value::from(not));
    map.insert("also-not".into(), Value::from(also_not));
    Checked::new(validity, map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map};

    /// A results map with these anomaly types, each with one empty case.
    fn elle_result(validity: Validity, types: &[&str]) -> Checked {
        let mut map = Map::new();
        let cases: Map<String, Value> = types
            .iter()
            .map(|t| (t.to_string(), serde_json::json!([{}])))
            .collect();
        let (not, also_not) = boundary(types.iter().copied());
        map.insert("anomaly-types".into(), Value::from(types.to_vec()));
        map.insert("anomalies".into(), Value::Object(cases.clone()));
        map.insert("anomaly-counts".into(), Value::Object(cases));
        map.insert("not".into(), Value::from(not));
        map.insert("also-not".into(), Value::from(also_not));
        Checked::new(validity, map)
    }

    #[test]
    fn markers_go_and_concrete_anomalies_stay() {
        let old =
            without_cycle_exists(elle_result(Validity::Invalid, &["G0", "PL-1-cycle-exists"]));
        assert_eq!(old.validity, Validity::Invalid);
        assert_eq!(old.get("anomaly-types"), Some(&json!(["G0"])));
        assert_eq!(old.get("anomalies").unwrap().as_object().unwrap().len(), 1);
        assert_eq!(old.results, elle_result(Validity::Invalid, &["G0"]).results);
    }

    #[test]
    fn a_result_of_markers_alone_becomes_valid_or_unknown() {
        let only = elle_result(Validity::Invalid, &["PL-SI-cycle-exists"]);
        let old = without_cycle_exists(only);
        assert_eq!(old.validity, Validity::Valid);
        assert_eq!(old.results, json!({"valid?": true}));
        let timeout = elle_result(
            Validity::Invalid,
            &["cycle-search-timeout", "PL-2.99-cycle-exists"],
        );
        assert_eq!(without_cycle_exists(timeout).validity, Validity::Unknown);
    }

    #[test]
    fn results_without_markers_are_untouched() {
        for checked in [
            elle_result(Validity::Invalid, &["G1c"]),
            Checked::new(Validity::Valid, Map::new()),
            Checked::error("boom"),
        ] {
            assert_eq!(without_cycle_exists(checked.clone()), checked);
        }
    }
}
