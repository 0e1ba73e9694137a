//! Turning found anomalies into a verdict: Elle's `result-map` (spec `checkers.md` §4.5)
//! and Maelstrom's wrapper around it for txn-rw-register (§2.7).
//!
//! Only anomalies the chosen models prohibit are reported at all, plus the two that make a
//! result unknown (`empty-transaction-graph`, `cycle-search-timeout`). Markers that only
//! restate what a concrete anomaly already proves are dropped.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::anomalies::Anomalies;
use super::lattice::{boundary, impossible_model_set, is_cycle_exists_marker};
use super::models::{prohibited_anomalies, ConsistencyModel};
use crate::checked::Checked;
use crate::validity::Validity;

/// Anomaly types that make a result unknown rather than invalid.
pub const UNKNOWN_TYPES: [&str; 2] = ["empty-transaction-graph", "cycle-search-timeout"];

/// What to look for under `models`: the prohibited anomaly types, and those plus
/// [`UNKNOWN_TYPES`] (the reportable ones).
pub fn reportable_types(
    models: &[ConsistencyModel],
) -> (BTreeSet<&'static str>, BTreeSet<&'static str>) {
    let prohibited = prohibited_anomalies(models);
    let mut reportable = prohibited.clone();
    reportable.extend(UNKNOWN_TYPES);
    (prohibited, reportable)
}

/// Elle's result map: `valid?` (false if a prohibited anomaly is present, unknown if only
/// unknown-making ones are, true if nothing is reportable), `anomaly-types`, `anomalies`,
/// `not`, `also-not`, and our extra `anomaly-counts`.
pub fn result_map(
    mut anomalies: Anomalies,
    models: &[ConsistencyModel],
) -> (Validity, Map<String, Value>) {
    let (prohibited, reportable) = reportable_types(models);
    anomalies.retain(|t| reportable.contains(t));
    let ruled_out = impossible_model_set(
        anomalies
            .types()
            .filter(|t| !is_cycle_exists_marker(t))
            .collect::<Vec<_>>(),
    );
    anomalies.retain(|t| {
        !is_cycle_exists_marker(t) || !ruled_out.contains(t.trim_end_matches("-cycle-exists"))
    });
    let mut map = Map::new();
    if anomalies.is_empty() {
        return (Validity::Valid, map);
    }
    let types: Vec<String> = anomalies.types().map(str::to_owned).collect();
    let validity = if types.iter().any(|t| prohibited.contains(t.as_str())) {
        Validity::Invalid
    } else {
        Validity::Unknown
    };
    let (not, also_not) = boundary(types.iter().map(String::as_str));
    map.insert("anomaly-types".into(), Value::from(types));
    map.insert("anomalies".into(), anomalies.to_json());
    map.insert("anomaly-counts".into(), anomalies.counts_json());
    map.insert("not".into(), Value::from(not));
    map.insert("also-not".into(), Value::from(also_not));
    (validity, map)
}

/// Elle's result as a [`Checked`], `valid?` unwrapped (list-append in Maelstrom).
pub fn elle_checked(anomalies: Anomalies, models: &[ConsistencyModel]) -> Checked {
    let (validity, map) = result_map(anomalies, models);
    Checked::new(validity, map)
}

/// Maelstrom's txn-rw-register wrapper: drop `cycle-search-timeout`, then `valid?` is
/// whether any anomaly type remains, so an empty transaction graph is a failure.
pub fn maelstrom_rw_checked(mut anomalies: Anomalies, models: &[ConsistencyModel]) -> Checked {
    anomalies.retain(|t| t != "cycle-search-timeout");
    let (_, map) = result_map(anomalies, models);
    let remaining = map
        .get("anomaly-types")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty());
    Checked::new(Validity::from_bool(!remaining), map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RU: [ConsistencyModel; 1] = [ConsistencyModel::READ_UNCOMMITTED];
    const RC: [ConsistencyModel; 1] = [ConsistencyModel::READ_COMMITTED];

    #[test]
    fn omits_what_the_models_allow() {
        let mut a = Anomalies::new();
        a.add("G1a", json!({}));
        let (v, map) = result_map(a.clone(), &RU);
        assert_eq!((v, map.len()), (Validity::Valid, 0));
        let (v, map) = result_map(a, &RC);
        assert_eq!(v, Validity::Invalid);
        assert_eq!(map["anomaly-types"], json!(["G1a"]));
        assert_eq!(map["not"], json!(["read-committed"]));
    }

    #[test]
    fn drops_markers_a_concrete_anomaly_explains() {
        let mut a = Anomalies::new();
        a.add("G0", json!({}));
        a.add("PL-1-cycle-exists", json!({}));
        let (_, map) = result_map(a, &RU);
        assert_eq!(map["anomaly-types"], json!(["G0"]));
        let mut b = Anomalies::new();
        b.add("PL-1-cycle-exists", json!({}));
        assert_eq!(
            result_map(b, &RU).1["anomaly-types"],
            json!(["PL-1-cycle-exists"])
        );
    }

    #[test]
    fn unknown_types_make_elle_unknown_but_maelstrom_rw_false() {
        let mut a = Anomalies::new();
        a.flag("empty-transaction-graph");
        assert_eq!(elle_checked(a.clone(), &RC).validity, Validity::Unknown);
        assert_eq!(maelstrom_rw_checked(a, &RC).validity, Validity::Invalid);
        let mut t = Anomalies::new();
        t.add("cycle-search-timeout", json!({}));
        let checked = maelstrom_rw_checked(t, &RC);
        assert_eq!(checked.validity, Validity::Valid);
        assert_eq!(checked.results, json!({"valid?": true}));
    }
}
